// While an attempt runs, consecutive uploaded chunks of a segment are joined into runs (5 minutes of recording each),
// so finalising reads a dozen objects for an hour instead of 1,200. A run only covers chunks with no gap between them;
// a chunk that arrives late (after being offline) lets the next run form then. Safe to run twice.
import { and, asc, desc, eq, gt } from 'drizzle-orm';
import { chunkRuns, chunks } from '../../models/schema.ts';
import { timesliceMs } from '../../models/recording.ts';
import type { Database } from '../database.ts';
import { objectKeys, type Bucket } from '../storage/bucket.ts';
import { fetchInOrder } from './chunk-sources.ts';
import type { StreamName } from '../../models/streams.ts';

/** Chunks per run: five minutes of recording. */
export const runChunks = Math.round((5 * 60_000) / timesliceMs);

export async function compactChunks(deps: { db: Database; bucket: Bucket }, ref: { attemptId: string; stream: StreamName; segment: number }, size = runChunks) {
  const { db, bucket } = deps;
  const same = and(eq(chunkRuns.attemptId, ref.attemptId), eq(chunkRuns.stream, ref.stream), eq(chunkRuns.segment, ref.segment));
  let made = 0;
  for (;;) {
    const [last] = await db.select().from(chunkRuns).where(same).orderBy(desc(chunkRuns.lastSeq)).limit(1);
    const from = last ? last.lastSeq + 1 : 0;
    const next = await db.select().from(chunks)
      .where(and(eq(chunks.attemptId, ref.attemptId), eq(chunks.stream, ref.stream), eq(chunks.segment, ref.segment), eq(chunks.uploaded, true), gt(chunks.seq, from - 1)))
      .orderBy(asc(chunks.seq)).limit(size);
    // Only a full run of consecutive chunks, starting where the last run ended.
    if (next.length < size || next.some((c, i) => c.seq !== from + i)) return made;
    const parts: Uint8Array[] = [];
    for await (const bytes of fetchInOrder(next.map((c) => c.objectKey), (key) => bucket.getBytes(key))) parts.push(bytes);
    const body = Buffer.concat(parts);
    const lastSeq = from + size - 1;
    const key = objectKeys.chunkRun(ref.attemptId, ref.stream, ref.segment, from, lastSeq);
    await bucket.putBytes(key, body, 'video/webm');
    const [inserted] = await db.insert(chunkRuns).values({ ...ref, firstSeq: from, lastSeq, objectKey: key, bytes: body.length })
      .onConflictDoNothing().returning();
    if (!inserted) return made; // another worker made it first
    made += 1;
  }
}
