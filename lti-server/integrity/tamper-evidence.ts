// Evidence that the extension was stopped, disabled or removed during an attempt. The extension cannot report its
// own removal, so the server watches for the heartbeats to stop and for the uninstall URL to be opened.
import { and, eq, isNotNull, lt, sql } from 'drizzle-orm';
import type { FlagExplanation } from '../../models/contracts.ts';
import { attemptEvents, attempts, flags } from '../../models/schema.ts';
import type { Database } from '../database.ts';
import { flagKinds } from '../../models/flags.ts';
import { publishAttempt } from '../live/session-feed.ts';

const serverModel = 'invigil-server tamper evidence';

function explanation(summary: string, thresholds: Record<string, number> = {}): FlagExplanation {
  return { model: serverModel, thresholds, scores: [], samples: 1, samplesHeld: 1, summary };
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/**
 * Flags every running attempt whose last heartbeat is older than the timeout; while the silence lasts the flag
 * grows. One flag per silence (its id is the silence's start), so several servers sweeping at once agree.
 */
export async function flagSilentAttempts(db: Database, timeoutMs: number, now = new Date()) {
  const cutoff = new Date(now.getTime() - timeoutMs);
  const silent = await db.select({ id: attempts.id, lastHeartbeatAt: attempts.lastHeartbeatAt, startedAt: attempts.startedAt })
    .from(attempts)
    .where(and(eq(attempts.status, 'in_progress'), isNotNull(attempts.startedAt),
      lt(sql`coalesce(${attempts.lastHeartbeatAt}, ${attempts.startedAt})`, cutoff)));
  for (const attempt of silent) {
    const since = attempt.lastHeartbeatAt ?? attempt.startedAt!;
    const summary = `No heartbeat from the extension for ${seconds(now.getTime() - since.getTime())} while the attempt was open: `
      + 'the extension was disabled or removed, the browser was closed or crashed, or the computer lost its connection.';
    const [row] = await db.insert(flags).values({
      attemptId: attempt.id, source: 'server', clientFlagId: `heartbeat-lost-${since.getTime()}`, type: 'heartbeat_lost', severity: flagKinds.heartbeat_lost.severity,
      startedAt: since, endedAt: now, explanation: explanation(summary, { timeoutSeconds: timeoutMs / 1000 }),
    }).onConflictDoUpdate({
      target: [flags.attemptId, flags.source, flags.clientFlagId],
      set: { endedAt: now, explanation: explanation(summary, { timeoutSeconds: timeoutMs / 1000 }) },
      setWhere: sql`${flags.endedAt} < ${now}`,
    }).returning({ id: flags.id, inserted: sql<boolean>`(xmax = 0)` });
    // The silence just began: a live session's proctor sees the student Disconnected, with the alert.
    if (row?.inserted) await publishAttempt(db, attempt.id, row.id);
  }
  return silent.length;
}

/** A heartbeat after a flagged silence: the flag ends here, and the timeline says how long it lasted. */
export async function heartbeatsResumed(db: Database, attemptId: string, silentSince: Date, now = new Date()) {
  const clientFlagId = `heartbeat-lost-${silentSince.getTime()}`;
  const [flag] = await db.update(flags).set({ endedAt: now }).where(and(eq(flags.attemptId, attemptId), eq(flags.source, 'server'), eq(flags.clientFlagId, clientFlagId))).returning({ id: flags.id });
  if (!flag) return;
  await publishAttempt(db, attemptId);
  await db.insert(attemptEvents).values({
    attemptId, source: 'server', clientEventId: `heartbeat-resumed-${now.getTime()}`, type: 'heartbeat_resumed', occurredAt: now,
    details: { summary: `The extension's heartbeats came back after ${seconds(now.getTime() - silentSince.getTime())} of silence.` },
  }).onConflictDoNothing();
}

/** A heartbeat whose counter did not grow: a replay, or a second copy of the extension using the same token. */
export async function heartbeatRefused(db: Database, attemptId: string, counter: number, highest: number, now = new Date()) {
  await db.insert(attemptEvents).values({
    attemptId, source: 'server', clientEventId: `heartbeat-refused-${now.getTime()}`, type: 'heartbeat_refused', occurredAt: now,
    details: { counter, highest, summary: `A heartbeat with counter ${counter} arrived after counter ${highest}: replayed or sent by a second copy of the extension.` },
  }).onConflictDoNothing();
}

/** The browser opened the attempt's uninstall URL: the extension was removed while the attempt was running. */
export async function extensionRemoved(db: Database, attemptId: string, now = new Date()) {
  const summary = 'The Invigil extension was removed from the browser while the attempt was running.';
  // The flag and its timeline event together: no reader (the review, a test) sees one without the other.
  await db.transaction(async (tx) => {
    await tx.insert(flags).values({
      attemptId, source: 'server', clientFlagId: 'extension-removed', type: 'extension_removed', severity: flagKinds.extension_removed.severity, startedAt: now, endedAt: now,
      explanation: explanation(summary),
    }).onConflictDoNothing();
    await tx.insert(attemptEvents).values({
      attemptId, source: 'server', clientEventId: 'extension-removed', type: 'extension_removed', occurredAt: now, details: { summary },
    }).onConflictDoNothing();
  });
}
