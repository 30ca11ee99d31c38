// An attempt whose extension went quiet (a crash, a lost student) is finalised anyway, so its recording is reviewable
// without waiting for a finish that may never come; it ends without submission. If the student comes back, the
// attempt runs again and the finish remuxes again.
import { and, eq, lt, max, sql } from 'drizzle-orm';
import { attempts, chunks } from '../../models/schema.ts';
import type { Database } from '../database.ts';
import type { Queue } from './queue.ts';

export async function finalizeIdleAttempts(db: Database, queue: Pick<Queue, 'finalizeAttempt'>, idleMs: number, now = new Date()) {
  const cutoff = new Date(now.getTime() - idleMs);
  // Idle: nothing uploaded and no heartbeat since the cutoff, and chunks arrived since the last idle finalise.
  const idle = await db.select({ id: attempts.id, lastChunkAt: max(chunks.createdAt) })
    .from(attempts).innerJoin(chunks, and(eq(chunks.attemptId, attempts.id), eq(chunks.uploaded, true)))
    .where(and(eq(attempts.status, 'in_progress'), lt(sql`coalesce(${attempts.lastHeartbeatAt}, ${attempts.startedAt})`, cutoff)))
    .groupBy(attempts.id, attempts.idleFinalizedAt)
    .having(and(lt(max(chunks.createdAt), cutoff), sql`(${attempts.idleFinalizedAt} is null or ${attempts.idleFinalizedAt} < max(${chunks.createdAt}))`));
  for (const attempt of idle) {
    // Ended without submission: a final status the lists show, until a returning extension's heartbeat resumes it.
    await db.update(attempts).set({ idleFinalizedAt: now, status: 'unsubmitted' }).where(and(eq(attempts.id, attempt.id), eq(attempts.status, 'in_progress')));
    await queue.finalizeAttempt(attempt.id);
  }
  return idle.map((a) => a.id);
}
