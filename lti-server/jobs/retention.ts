// Deletes the media of attempts older than their quiz's retention period: every object under the attempt's prefixes
// (chunks, review files, evidence thumbnails). Each deletion leaves a receipt (what, when, how many objects and bytes);
// the attempt, its flags and events stay, marked as having no media. Safe to run twice, or on two servers at once.
import { and, eq, isNull, sql } from 'drizzle-orm';
import { attempts, chunks, deletionReceipts, flags, quizzes, recordings } from '../../models/schema.ts';
import { readQuizSettings } from '../routes/quizzes/settings.ts';
import type { Database } from '../database.ts';
import { objectKeys, type Bucket } from '../storage/bucket.ts';

const dayMs = 24 * 3600 * 1000;

/**
 * An attempt's media ages from the moment it ended. One never finished ages from its start: its token lasts 8 hours,
 * so after the retention period nothing can add to it.
 */
const endedAt = sql<Date>`coalesce(${attempts.finishedAt}, ${attempts.startedAt}, ${attempts.createdAt})`;

export async function applyRetention(deps: { db: Database; bucket: Bucket }, now = new Date()) {
  const { db, bucket } = deps;
  const candidates = await db.select({ id: attempts.id, quizId: attempts.quizId, endedAt, settings: quizzes.settings })
    .from(attempts).innerJoin(quizzes, eq(attempts.quizId, quizzes.id))
    .where(and(isNull(attempts.mediaDeletedAt), sql`${attempts.status} <> 'ready'`));
  const receipts: (typeof deletionReceipts.$inferSelect)[] = [];
  for (const attempt of candidates) {
    const { retentionDays } = readQuizSettings(attempt.settings);
    if (new Date(attempt.endedAt).getTime() + retentionDays * dayMs > now.getTime()) continue;
    const prefixes = objectKeys.attemptPrefixes(attempt.id);
    const objects = (await Promise.all(prefixes.map((p) => bucket.list(p)))).flat();
    await bucket.deleteMany(objects.map((o) => o.key));
    const receipt = await db.transaction(async (tx) => {
      // Only the first run to get here writes the receipt; a concurrent one finds the attempt already marked.
      const [marked] = await tx.update(attempts).set({ mediaDeletedAt: now })
        .where(and(eq(attempts.id, attempt.id), isNull(attempts.mediaDeletedAt))).returning({ id: attempts.id });
      if (!marked) return undefined;
      await tx.delete(chunks).where(eq(chunks.attemptId, attempt.id));
      await tx.update(recordings).set({ status: 'deleted', objectKey: null, updatedAt: now }).where(eq(recordings.attemptId, attempt.id));
      await tx.update(flags).set({ evidenceKey: null }).where(eq(flags.attemptId, attempt.id));
      const [row] = await tx.insert(deletionReceipts).values({
        attemptId: attempt.id, quizId: attempt.quizId, reason: `retention: ${retentionDays} days after the attempt ended`, retentionDays,
        objectCount: objects.length, bytes: objects.reduce((sum, o) => sum + o.bytes, 0), prefixes, deletedAt: now,
      }).returning();
      return row;
    });
    if (receipt) receipts.push(receipt);
  }
  return receipts;
}
