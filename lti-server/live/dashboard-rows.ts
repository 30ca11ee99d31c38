// The live dashboard's rows: each student with status, times and flags, read the same way for the first page, for a
// note about one student, and for a resync. Times are sent as instants; the page counts elapsed and remaining.
import { and, asc, count, eq, inArray, max } from 'drizzle-orm';
import { attempts, flags, liveSnapshots, proctoredSessions, proctorMessages, sessionParticipants } from '../../models/schema.ts';
import { flagLabel } from '../../models/flags.ts';
import { participantStatusLabels, type ParticipantStatus } from '../../models/sessions.ts';
import type { Database } from '../database.ts';
import { readQuizSettings } from '../routes/quizzes/settings.ts';
import { liveStatus } from '../sessions/session-entry.ts';
import type { quizzes } from '../../models/schema.ts';

export type DashboardRow = {
  id: number; name: string; status: ParticipantStatus; label: string; attemptId: string | null;
  joinedAt: string | null; startedAt: string | null; completedAt: string | null; lastSeenAt: string | null;
  /** Minutes the student has (the participant's, the session's or the quiz's own limit), or null for no limit. */
  timeLimitMinutes: number | null; flags: number;
  /** Paused by the proctor since then (the extra time for it comes when it ends). */
  pausedAt: string | null; extraMinutes: number; extraTimeNote: string | null;
  /** Messages sent, and how many the student has acknowledged. */
  messages: number; acknowledged: number; endRequested: boolean;
  /** When the proctor confirmed the student's identification. */
  idConfirmedAt: string | null;
  /** When the latest webcam picture was taken (in a session the extension sends one every few seconds). */
  snapshotAt: string | null;
};
export type DashboardFlag = { id: number; participantId: number; name: string; type: string; label: string; severity: string; at: string; summary: string };

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

type Session = typeof proctoredSessions.$inferSelect;
type Quiz = typeof quizzes.$inferSelect;

export async function dashboardRows(db: Database, session: Session, quiz: Quiz, heartbeatTimeoutMs: number, participantId?: number): Promise<DashboardRow[]> {
  const where = participantId === undefined ? eq(sessionParticipants.sessionId, session.id)
    : and(eq(sessionParticipants.sessionId, session.id), eq(sessionParticipants.id, participantId));
  const rows = await db.select({ p: sessionParticipants, lastHeartbeatAt: attempts.lastHeartbeatAt }).from(sessionParticipants)
    .leftJoin(attempts, eq(sessionParticipants.attemptId, attempts.id)).where(where).orderBy(asc(sessionParticipants.id));
  const attemptIds = rows.map((r) => r.p.attemptId).filter((id): id is string => id !== null);
  const counts = attemptIds.length ? await db.select({ attemptId: flags.attemptId, n: count(), last: max(flags.startedAt) }).from(flags)
    .where(inArray(flags.attemptId, attemptIds)).groupBy(flags.attemptId) : [];
  const quizLimit = readQuizSettings(quiz.settings).timeLimitMinutes;
  const ids = rows.map((r) => r.p.id);
  const pictures = ids.length ? await db.select({ participantId: liveSnapshots.participantId, takenAt: liveSnapshots.takenAt }).from(liveSnapshots).where(inArray(liveSnapshots.participantId, ids)) : [];
  const sent = ids.length ? await db.select({ participantId: proctorMessages.participantId, n: count(), acknowledged: count(proctorMessages.acknowledgedAt) }).from(proctorMessages)
    .where(inArray(proctorMessages.participantId, ids)).groupBy(proctorMessages.participantId) : [];
  const now = new Date();
  return rows.map(({ p, lastHeartbeatAt }) => {
    const status = liveStatus(p, lastHeartbeatAt, now, heartbeatTimeoutMs);
    return {
      id: p.id, name: p.name ?? p.email ?? p.userId ?? `#${p.id}`, status, label: participantStatusLabels[status], attemptId: p.attemptId,
      joinedAt: iso(p.joinedAt), startedAt: iso(p.startedAt), completedAt: iso(p.completedAt), lastSeenAt: iso(lastHeartbeatAt),
      timeLimitMinutes: p.timeLimitMinutes ?? session.timeLimitMinutes ?? quizLimit ?? null,
      flags: counts.find((c) => c.attemptId === p.attemptId)?.n ?? 0,
      pausedAt: iso(p.pausedAt), extraMinutes: p.extraMinutes, extraTimeNote: p.extraTimeNote,
      messages: sent.find((m) => m.participantId === p.id)?.n ?? 0, acknowledged: sent.find((m) => m.participantId === p.id)?.acknowledged ?? 0,
      endRequested: p.endRequestedAt !== null, idConfirmedAt: iso(p.idConfirmedAt), snapshotAt: iso(pictures.find((s) => s.participantId === p.id)?.takenAt),
    };
  });
}

export async function dashboardFlag(db: Database, flagId: number, participantId: number): Promise<DashboardFlag | undefined> {
  const [row] = await db.select({ f: flags, name: sessionParticipants.name }).from(flags)
    .innerJoin(sessionParticipants, eq(sessionParticipants.attemptId, flags.attemptId)).where(and(eq(flags.id, flagId), eq(sessionParticipants.id, participantId)));
  if (!row) return undefined;
  return { id: row.f.id, participantId, name: row.name ?? '', type: row.f.type, label: flagLabel(row.f.type), severity: row.f.severity, at: row.f.startedAt.toISOString(), summary: row.f.explanation.summary };
}

/** The session's own facts the dashboard's header shows. */
export const dashboardSession = (s: Session) => ({ id: s.id, name: s.name, startedAt: iso(s.startedAt), endedAt: iso(s.endedAt), startsAt: s.startsAt.toISOString() });

/** Everything a dashboard shows, as the events a new stream starts with. */
export async function liveState(db: Database, session: Session & { quiz: Quiz }, heartbeatTimeoutMs: number) {
  return [{ event: 'session', data: dashboardSession(session) },
    ...(await dashboardRows(db, session, session.quiz, heartbeatTimeoutMs)).map((row) => ({ event: 'participant', data: row }))];
}
