// What a proctor does to students during a session: pause and resume (the quiz covered with the proctor's words), a
// message each student acknowledges, extra time (written to the LMS where it can take it), ending one attempt. Each
// action is logged and heard on every dashboard; the student's extension learns of it at its next heartbeat.
import { and, asc, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import { moodleCourseModule, canvasQuiz } from '../../models/lms-quiz.ts';
import type { ProctorState } from '../../models/contracts.ts';
import { attempts, proctorMessages, sessionChecklist, sessionLog, sessionParticipants, type proctoredSessions, type quizzes } from '../../models/schema.ts';
import type { SessionAction } from '../../models/sessions.ts';
import type { Database } from '../database.ts';
import type { LmsConnectionStore } from '../gate/lms-connections.ts';
import type { LtiActor } from '../http/actors.ts';
import { publishLive } from '../live/session-feed.ts';

type Session = typeof proctoredSessions.$inferSelect;
type Quiz = typeof quizzes.$inferSelect;
type Participant = typeof sessionParticipants.$inferSelect;

async function logged(db: Database, session: Session, actor: LtiActor, action: SessionAction, participants: Participant[], details: Record<string, unknown> = {}) {
  for (const p of participants) {
    await db.insert(sessionLog).values({ sessionId: session.id, participantId: p.id, actorId: actor.userId, actorName: actor.userName, action, details: { student: p.name, ...details } });
    await publishLive(db, { kind: 'participant', sessionId: session.id, participantId: p.id });
  }
}

/** The students an action is for: one by id, or everyone who joined (`all`). */
export async function targets(db: Database, session: Session, who: number | 'all') {
  const joined = inArray(sessionParticipants.status, ['waiting', 'in_session', 'disconnected']);
  return db.select().from(sessionParticipants)
    .where(and(eq(sessionParticipants.sessionId, session.id), who === 'all' ? joined : eq(sessionParticipants.id, who))).orderBy(asc(sessionParticipants.id));
}

export async function pause(db: Database, session: Session, actor: LtiActor, list: Participant[], message: string) {
  const now = new Date();
  const paused = list.filter((p) => !p.pausedAt);
  for (const p of paused) await db.update(sessionParticipants).set({ pausedAt: now, pauseMessage: message }).where(and(eq(sessionParticipants.id, p.id), isNull(sessionParticipants.pausedAt)));
  await logged(db, session, actor, 'paused', paused, { message });
  return paused.length;
}

/**
 * Lifts a pause. The LMS's timer ran on meanwhile, so the pause's length (rounded up to the minute) is given back as
 * extra time.
 */
export async function resume(db: Database, connections: LmsConnectionStore, session: Session, quiz: Quiz, actor: LtiActor, list: Participant[]) {
  const now = new Date();
  let resumed = 0;
  for (const p of list.filter((x) => x.pausedAt)) {
    const seconds = Math.ceil((now.getTime() - p.pausedAt!.getTime()) / 1000);
    const [row] = await db.update(sessionParticipants).set({ pausedAt: null, pauseMessage: null, pausedSeconds: p.pausedSeconds + seconds })
      .where(and(eq(sessionParticipants.id, p.id), isNotNull(sessionParticipants.pausedAt))).returning();
    if (!row) continue;
    resumed++;
    await logged(db, session, actor, 'resumed', [row], { pausedSeconds: seconds });
    if (seconds > 0) await giveExtraTime(db, connections, session, quiz, actor, [row], Math.ceil(seconds / 60), `the ${seconds} s pause`);
  }
  return resumed;
}

export async function sendMessage(db: Database, session: Session, actor: LtiActor, list: Participant[], text: string) {
  for (const p of list) await db.insert(proctorMessages).values({ sessionId: session.id, participantId: p.id, text, sentBy: actor.userId, sentByName: actor.userName });
  await logged(db, session, actor, 'message_sent', list, { text });
  return list.length;
}

/** Where the LMS can take extra time, it is written there; where it cannot, the note says so. */
async function applyOnLms(db: Database, connections: LmsConnectionStore, session: Session, quiz: Quiz, p: Participant, totalExtraMinutes: number): Promise<string> {
  const cmid = moodleCourseModule(quiz.quizUrl);
  if (cmid && quiz.contextId) {
    const ws = await connections.moodle(quiz.issuer);
    if (!ws) return 'Moodle: not applied — the site\'s web services are not connected to Invigil (Site administration › Invigil).';
    const quizId = await ws.quizInstance(quiz.contextId, cmid);
    if (!quizId) return `Moodle: not applied — no quiz with course module ${cmid} in the course.`;
    // The limit Moodle enforces is the quiz's own: the extra time goes on top of it.
    const base = await ws.quizTimeLimit(quiz.contextId, cmid);
    if (!base) return 'Moodle: nothing to extend — the quiz has no time limit.';
    const [attempt] = p.attemptId ? await db.select().from(attempts).where(eq(attempts.id, p.attemptId)) : [];
    const userId = attempt?.userId ?? p.userId;
    if (!userId) return 'Moodle: not applied — the student has not launched yet.';
    const seconds = base + totalExtraMinutes * 60;
    // The gate's own override when it wrote one (one override per student and quiz); it is not taken over as the
    // gate's, so ending the attempt never puts a password on an override made only for time.
    const overrideId = await ws.saveUserTimeLimit(quizId, userId, seconds, attempt?.gateOverrideId ?? undefined);
    return `Moodle: the student's time limit is now ${Math.round(seconds / 60)} minutes (user override ${overrideId}).`;
  }
  if (canvasQuiz(quiz.quizUrl)) return 'Canvas: not applied by Invigil — give the extra time in Canvas (the quiz\'s "Moderate this quiz" page); Invigil has no tested way to set it yet.';
  return 'This LMS quiz takes no extra time from Invigil: give it in the LMS.';
}

export async function giveExtraTime(db: Database, connections: LmsConnectionStore, session: Session, quiz: Quiz, actor: LtiActor, list: Participant[], minutes: number, why: string) {
  const notes: string[] = [];
  for (const p of list) {
    const total = p.extraMinutes + minutes;
    let note: string;
    try {
      note = await applyOnLms(db, connections, session, quiz, p, total);
    } catch (error) {
      note = `The LMS refused the extra time: ${(error as Error).message}`;
    }
    await db.update(sessionParticipants).set({ extraMinutes: total, extraTimeNote: note }).where(eq(sessionParticipants.id, p.id));
    await logged(db, session, actor, 'extra_time', [p], { minutes, total, why, lms: note });
    notes.push(note);
  }
  return notes;
}

export async function endAttempts(db: Database, session: Session, actor: LtiActor, list: Participant[]) {
  const now = new Date();
  const ending = list.filter((p) => p.attemptId && !p.endRequestedAt && p.status !== 'complete');
  for (const p of ending) await db.update(sessionParticipants).set({ endRequestedAt: now }).where(eq(sessionParticipants.id, p.id));
  await logged(db, session, actor, 'attempt_ended', ending);
  return ending.length;
}

/** What the extension of this participant's attempt is told with its heartbeat. */
export async function proctorStateFor(db: Pick<Database, 'select'>, participantId: number): Promise<ProctorState> {
  const [p] = await db.select({ pausedAt: sessionParticipants.pausedAt, pauseMessage: sessionParticipants.pauseMessage, endRequestedAt: sessionParticipants.endRequestedAt })
    .from(sessionParticipants).where(eq(sessionParticipants.id, participantId));
  const unread = await db.select({ id: proctorMessages.id, text: proctorMessages.text, sentAt: proctorMessages.sentAt }).from(proctorMessages)
    .where(and(eq(proctorMessages.participantId, participantId), isNull(proctorMessages.acknowledgedAt))).orderBy(asc(proctorMessages.id)).limit(20);
  return {
    paused: p?.pausedAt ? { message: p.pauseMessage ?? 'Your proctor paused the quiz.', since: p.pausedAt.getTime() } : null,
    messages: unread.map((m) => ({ id: m.id, text: m.text, sentAt: m.sentAt.getTime() })),
    endedByProctor: Boolean(p?.endRequestedAt),
  };
}

/** The student acknowledged a message in the quiz overlay (once: a repeat changes nothing). */
export async function acknowledge(db: Database, participantId: number, messageId: number) {
  const [message] = await db.update(proctorMessages).set({ acknowledgedAt: new Date() })
    .where(and(eq(proctorMessages.id, messageId), eq(proctorMessages.participantId, participantId), isNull(proctorMessages.acknowledgedAt))).returning();
  if (!message) return false;
  const [p] = await db.select().from(sessionParticipants).where(eq(sessionParticipants.id, participantId));
  await db.insert(sessionLog).values({ sessionId: message.sessionId, participantId, actorId: p?.userId ?? `participant:${participantId}`, actorName: p?.name, action: 'message_acknowledged', details: { messageId, text: message.text } });
  await publishLive(db, { kind: 'participant', sessionId: message.sessionId, participantId });
  return true;
}

/** The proctor confirmed each student's identification (NCCER's script requires it for every test-taker). */
export async function confirmIdentity(db: Database, session: Session, actor: LtiActor, list: Participant[]) {
  const now = new Date();
  const confirming = list.filter((p) => !p.idConfirmedAt);
  for (const p of confirming) await db.update(sessionParticipants).set({ idConfirmedAt: now, idConfirmedBy: actor.userName ?? actor.userId }).where(eq(sessionParticipants.id, p.id));
  await logged(db, session, actor, 'id_confirmed', confirming);
  return confirming.length;
}

/** One item of the profile's script, ticked once (a second tick keeps the first time). */
export async function tickChecklist(db: Database, session: Session, actor: LtiActor, item: string) {
  const [ticked] = await db.insert(sessionChecklist).values({ sessionId: session.id, item, tickedBy: actor.userId, tickedByName: actor.userName }).onConflictDoNothing().returning();
  if (ticked) {
    await db.insert(sessionLog).values({ sessionId: session.id, actorId: actor.userId, actorName: actor.userName, action: 'checklist_ticked', details: { item } });
    await publishLive(db, { kind: 'session', sessionId: session.id });
  }
  return Boolean(ticked);
}

/** The proctor lets a student whose computer failed continue on another device: their next start may. */
export async function allowResume(db: Database, session: Session, actor: LtiActor, list: Participant[]) {
  const allowed = list.filter((p) => p.attemptId && (p.status === 'in_session' || p.status === 'disconnected'));
  for (const p of allowed) await db.update(sessionParticipants).set({ resumeAllowedAt: new Date() }).where(eq(sessionParticipants.id, p.id));
  await logged(db, session, actor, 'resume_allowed', allowed);
  return allowed.length;
}
