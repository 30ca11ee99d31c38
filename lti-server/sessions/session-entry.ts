// The student's way into a session: the enrollment code (each refusal with its reason), the lobby until the proctor
// starts, then In Session with the attempt; Complete when the attempt ends. Disconnected is read from the attempt's
// heartbeats, so a student whose heartbeats resume is In Session again without anyone writing it back.
import { and, count, eq, inArray, isNull } from 'drizzle-orm';
import { attempts, proctoredSessions, sessionLog, sessionParticipants, type quizzes } from '../../models/schema.ts';
import { openToCode, seatedStatuses, type ParticipantStatus } from '../../models/sessions.ts';
import { policyProfiles } from '../../models/session-profiles.ts';
import type { Database } from '../database.ts';
import type { LtiActor } from '../http/actors.ts';
import { HttpError } from '../http/errors.ts';
import { findParticipant } from './enrollment.ts';
import { publishLive } from '../live/session-feed.ts';

type Quiz = typeof quizzes.$inferSelect;
type Session = typeof proctoredSessions.$inferSelect;
type Participant = typeof sessionParticipants.$inferSelect;
/** The identities a launch gives: its LTI user id, the LMS's own id where it differs, its email. */
export type StudentIdentity = { userId: string; lmsUserId: string | null; email: string | null; name: string | null };

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** When the session is over and its code no longer works. */
export function sessionEndsAt(session: Session): Date {
  if (session.endedAt) return session.endedAt;
  const from = session.flexibleStart && session.windowEndsAt ? session.windowEndsAt : session.startedAt ?? session.startsAt;
  return new Date(from.getTime() + session.durationMinutes * 60_000);
}

export const sessionOver = (session: Session, now: Date) => session.voidedAt !== null || session.endedAt !== null || now >= sessionEndsAt(session);

/** The last moment a student may join: the start (as it happened, or as scheduled) plus the late-entry minutes. */
export function entryClosesAt(session: Session): Date | null {
  const start = session.startedAt ?? (session.flexibleStart ? null : session.startsAt);
  return start && new Date(start.getTime() + session.lateEntryMinutes * 60_000);
}

/** The sessions of a quiz whose codes still work: such a quiz is taken through a session. */
export async function openSessions(db: Pick<Database, 'select'>, quizId: string, now = new Date()) {
  const list = await db.select().from(proctoredSessions).where(and(eq(proctoredSessions.quizId, quizId), isNull(proctoredSessions.endedAt), isNull(proctoredSessions.voidedAt)));
  return list.filter((s) => !sessionOver(s, now));
}

/** The status a proctor sees: Disconnected while an In Session student's heartbeats are older than the timeout. */
export function liveStatus(participant: Pick<Participant, 'status'>, lastHeartbeatAt: Date | null, now: Date, heartbeatTimeoutMs: number): ParticipantStatus {
  if (participant.status !== 'in_session') return participant.status;
  return lastHeartbeatAt && now.getTime() - lastHeartbeatAt.getTime() > heartbeatTimeoutMs ? 'disconnected' : 'in_session';
}

export class SessionEntryError extends HttpError {
  constructor(readonly reason: 'wrong_code' | 'expired' | 'full' | 'late_entry_closed' | 'not_enrolled', message: string) {
    super(reason === 'full' || reason === 'late_entry_closed' || reason === 'expired' ? 409 : 403, reason, message);
  }
}

/**
 * Joins the student to the session the code names, among this quiz's sessions. The session row is locked while the
 * seats are counted, so two students taking the last seat at once cannot both have it.
 */
export async function joinWithCode(db: Database, quiz: Quiz, student: StudentIdentity, code: string, now = new Date()) {
  return db.transaction(async (tx) => {
    const [session] = await tx.select().from(proctoredSessions)
      .where(and(eq(proctoredSessions.quizId, quiz.id), eq(proctoredSessions.enrollmentCode, code))).for('update');
    if (!session) throw new SessionEntryError('wrong_code', 'That code does not open a session of this quiz. Check it with your proctor: codes are 6 to 8 letters and digits, and upper and lower case differ.');
    if (sessionOver(session, now)) throw new SessionEntryError('expired', `That session ended at ${utc(sessionEndsAt(session))}, and its code has expired.`);
    const existing = await findParticipant(tx, session.id, student);
    const seated = existing && seatedStatuses.includes(existing.status);
    if (!existing && !openToCode(session.enrollmentMode)) {
      throw new SessionEntryError('not_enrolled', 'You are not enrolled in this session. Ask your proctor to add you; the code alone does not let you in.');
    }
    const closes = entryClosesAt(session);
    if (!seated && closes && now > closes) {
      throw new SessionEntryError('late_entry_closed', `Late entry closed at ${utc(closes)}${session.lateEntryMinutes ? ` (${session.lateEntryMinutes} minutes after the start)` : ' (no late entry for this session)'}. Ask your proctor.`);
    }
    if (!seated) {
      const [{ taken }] = await tx.select({ taken: count() }).from(sessionParticipants)
        .where(and(eq(sessionParticipants.sessionId, session.id), inArray(sessionParticipants.status, seatedStatuses)));
      if (taken >= session.maxUsers) {
        const profile = policyProfiles[session.profileKey];
        const rule = profile?.maxTestTakers !== undefined ? ` ${profile.name} allows at most ${profile.maxTestTakers} test-takers per session.` : '';
        throw new SessionEntryError('full', `This session is full: ${taken} of ${session.maxUsers} places are taken.${rule} Ask your proctor for another session.`);
      }
    }
    const identity = { userId: student.userId, lmsUserId: student.lmsUserId ?? existing?.lmsUserId ?? null, name: student.name ?? existing?.name ?? null, email: student.email ?? existing?.email ?? null };
    const [participant] = existing
      ? await tx.update(sessionParticipants).set({ ...identity, ...(seated ? {} : { status: 'waiting' as const, joinedAt: now }) }).where(eq(sessionParticipants.id, existing.id)).returning()
      : await tx.insert(sessionParticipants).values({ sessionId: session.id, ...identity, status: 'waiting', source: 'code', joinedAt: now }).returning();
    if (!seated) {
      await tx.insert(sessionLog).values({ sessionId: session.id, participantId: participant.id, actorId: student.userId, actorName: student.name, action: 'joined' });
      await publishLive(tx, { kind: 'participant', sessionId: session.id, participantId: participant.id });
    }
    return { session, participant };
  });
}

/** Where the student stands in this quiz's sessions: nowhere yet (asks for the code), waiting, or in. */
export async function studentSessionState(db: Database, quiz: Quiz, student: StudentIdentity, now = new Date()) {
  const open = await openSessions(db, quiz.id, now);
  if (!open.length) return { kind: 'none' as const };
  for (const session of open) {
    const participant = await findParticipant(db, session.id, student);
    if (participant && seatedStatuses.includes(participant.status)) {
      return { kind: session.startedAt ? 'started' as const : 'waiting' as const, session, participant };
    }
  }
  return { kind: 'code' as const };
}

/** The attempt starts: its participant is In Session with it. */
export async function participantStarted(db: Pick<Database, 'update' | 'execute'>, participantId: number, attemptId: string, now = new Date()) {
  const [row] = await db.update(sessionParticipants).set({ status: 'in_session', attemptId, startedAt: now, endRequestedAt: null }).where(eq(sessionParticipants.id, participantId)).returning();
  // The attempt knows its participant, so a heartbeat can carry the proctor's pause and messages back cheaply.
  await db.update(attempts).set({ participantId }).where(eq(attempts.id, attemptId));
  if (row) await publishLive(db, { kind: 'participant', sessionId: row.sessionId, participantId: row.id });
}

/** The attempt ended (finished, or ended by the proctor): its participant is Complete. */
export async function participantCompleted(db: Pick<Database, 'update' | 'execute'>, attemptId: string, now = new Date()) {
  const done = await db.update(sessionParticipants).set({ status: 'complete', completedAt: now })
    .where(and(eq(sessionParticipants.attemptId, attemptId), inArray(sessionParticipants.status, ['in_session', 'disconnected']))).returning();
  for (const row of done) await publishLive(db, { kind: 'participant', sessionId: row.sessionId, participantId: row.id });
}

/** The identities of a launch, from its stored row. */
export function studentIdentity(actor: LtiActor, launchRow: { email: string | null; token: Record<string, unknown> }): StudentIdentity {
  const custom = (launchRow.token.platformContext as { custom?: { canvas_user_id?: unknown } } | undefined)?.custom;
  // Canvas's own user id: how its quiz submissions name the student (gate/unproctored-attempts.ts).
  const lmsUserId = typeof custom?.canvas_user_id === 'string' && /^[0-9]{1,20}$/.test(custom.canvas_user_id) ? custom.canvas_user_id : null;
  return { userId: actor.userId, lmsUserId, email: launchRow.email, name: actor.userName };
}

/**
 * A student In Session (or Disconnected) starts again: only on the proctor's word (their first computer failed).
 * Then the first attempt ends unsubmitted (its recording is finalised as it is) and the new one takes its place;
 * without it, the answer says whom to ask.
 */
export async function replaceAttempt(db: Database, participant: Participant, now = new Date()) {
  if (!participant.attemptId || !(participant.status === 'in_session' || participant.status === 'disconnected')) return { replaced: undefined };
  if (!participant.resumeAllowedAt) {
    throw new HttpError(409, 'attempt_running', 'Your proctored attempt in this session is still open on another computer. If that computer failed, ask your proctor to let you continue on this one, then start again.');
  }
  const [old] = await db.update(attempts).set({ status: 'unsubmitted', idleFinalizedAt: now })
    .where(and(eq(attempts.id, participant.attemptId), inArray(attempts.status, ['ready', 'in_progress']))).returning({ id: attempts.id });
  await db.update(sessionParticipants).set({ resumeAllowedAt: null }).where(eq(sessionParticipants.id, participant.id));
  await db.insert(sessionLog).values({ sessionId: participant.sessionId, participantId: participant.id, actorId: participant.userId ?? `participant:${participant.id}`, actorName: participant.name, action: 'resumed_elsewhere', details: { previousAttemptId: participant.attemptId } });
  return { replaced: old?.id };
}
