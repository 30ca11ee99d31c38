import { eq, sql } from 'drizzle-orm';
import type { Request } from 'express';
import { attempts, quizzes } from '../../../models/schema.ts';
import type { Database } from '../../database.ts';
import type { AttemptWithQuiz } from '../../policies/attempt.ts';
import type { Actor } from '../../http/actors.ts';
import type { Policy } from '../../http/route.ts';
import { uuidPattern } from '../../../models/ids.ts';

export async function findAttempt(db: Database, id: string): Promise<AttemptWithQuiz | undefined> {
  if (!uuidPattern.test(id)) return undefined;
  const [row] = await db.select().from(attempts).innerJoin(quizzes, eq(attempts.quizId, quizzes.id)).where(eq(attempts.id, id));
  return row && { ...row.attempts, quiz: row.quizzes };
}

export function loadAttempt(db: Database) {
  return (req: Request) => findAttempt(db, String(req.params.attemptId ?? ''));
}

/** How long a running attempt read for the event path is reused: events a second after the finish are harmless. */
const recentMs = 2000;
const recentAttempts = new WeakMap<Database, Map<string, { at: number; attempt: AttemptWithQuiz }>>();

/**
 * The event and flag paths (many requests per attempt each minute) reuse an attempt read in the last 2 s instead of
 * reading it and its quiz again; every other path reads it fresh.
 */
export function loadRecentAttempt(db: Database) {
  let cache = recentAttempts.get(db);
  if (!cache) recentAttempts.set(db, (cache = new Map<string, { at: number; attempt: AttemptWithQuiz }>()));
  const recent = cache;
  return async (req: Request) => {
    const id = String(req.params.attemptId ?? '');
    const now = Date.now();
    const hit = recent.get(id);
    if (hit && now - hit.at < recentMs) return hit.attempt;
    const attempt = await findAttempt(db, id);
    if (!attempt) return undefined;
    // A bound on memory: when full, what is older than the reuse window goes.
    if (recent.size > 20_000) for (const [key, entry] of recent) if (now - entry.at >= recentMs) recent.delete(key);
    recent.set(id, { at: now, attempt });
    return attempt;
  };
}

/** The attempt a path names, without reading it: for the routes whose one statement does the reading. */
export const attemptNamed = (req: Request) => {
  const id = String(req.params.attemptId ?? '');
  return uuidPattern.test(id) ? { id } : undefined;
};

/** Only the extension holding this attempt's token may beat for it (the statement itself checks it still runs). */
export const attemptTokenPolicy = {
  beat: (actor: Actor, attempt: { id: string }) => actor.kind === 'extension' && actor.attemptId === attempt.id,
} satisfies Policy<{ id: string }>;

/**
 * Stores a heartbeat if its counter is newer and the attempt still records, in one statement; returns the attempt's
 * new state and when the beat before this one came (null: refused, finished, or no such attempt).
 */
export async function storeHeartbeat(db: Database, id: string, counter: number, now: Date) {
  type Row = { id: string; status: string; heartbeat_count: number; finished_at: Date | string | null; participant_id: string | number | null; previous: Date | string | null; started_at: Date | string | null };
  // node-postgres and PGlite both answer with `rows`.
  const result: unknown = await db.execute(sql`
    update ${attempts} as a set last_heartbeat_at = ${now}, heartbeat_count = a.heartbeat_count + 1, heartbeat_counter = ${counter}, status = 'in_progress'
    from (select id, last_heartbeat_at, started_at from ${attempts} where id = ${id} for update) as prev
    where a.id = prev.id and a.heartbeat_counter < ${counter} and a.status in ('in_progress', 'unsubmitted')
    returning a.id, a.status, a.heartbeat_count, a.finished_at, a.participant_id, prev.last_heartbeat_at as previous, prev.started_at`);
  const row = (result as { rows: Row[] }).rows[0];
  if (!row) return undefined;
  const date = (v: Date | string | null) => (v === null ? null : new Date(v));
  return {
    id: row.id, status: row.status, heartbeatCount: Number(row.heartbeat_count), finishedAt: date(row.finished_at),
    participantId: row.participant_id === null ? null : Number(row.participant_id), previousHeartbeatAt: date(row.previous), startedAt: date(row.started_at),
  };
}
