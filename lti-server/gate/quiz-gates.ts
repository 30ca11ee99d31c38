// The quiz gate: the password that keeps an LMS quiz closed to anyone not proctored. Each LMS quiz has one gate,
// shared by every proctored link to it, with a quiz-wide password the instructor pastes into the quiz. When an admin
// connected the LMS's web services, each proctored start gets its own password instead (a Moodle user override),
// withdrawn when the attempt ends: a password passed to a friend opens nothing.
import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { lmsQuizKey, moodleCourseModule, type GateResult } from '../../models/lms-quiz.ts';
import { attempts, quizGates, quizzes } from '../../models/schema.ts';
import { recordServerEvent } from '../integrity/server-events.ts';
import type { Database } from '../database.ts';
import { enforceAccessCode, rotateAccessCode } from './canvas-access-code.ts';
import type { LmsConnectionStore } from './lms-connections.ts';
import type { MoodleWebServices } from './moodle-web-services.ts';

type Quiz = typeof quizzes.$inferSelect;
type Attempt = typeof attempts.$inferSelect;

/** Long and random; letters and digits only, so it survives any paste into the LMS's form. */
export function newGatePassword() {
  return randomBytes(24).toString('base64url').replace(/[-_]/g, '').slice(0, 24).padEnd(24, '7');
}

/** The gate of a quiz's LMS quiz, made on first use. */
export async function gateOf(db: Database, quiz: Pick<Quiz, 'issuer' | 'quizUrl' | 'lmsQuizKey'>) {
  const key = quiz.lmsQuizKey ?? lmsQuizKey(quiz.quizUrl);
  await db.insert(quizGates).values({ issuer: quiz.issuer, lmsQuizKey: key, password: newGatePassword() }).onConflictDoNothing();
  const [gate] = await db.select().from(quizGates).where(and(eq(quizGates.issuer, quiz.issuer), eq(quizGates.lmsQuizKey, key)));
  return gate;
}
export type QuizGate = Awaited<ReturnType<typeof gateOf>>;

/** The LMS's own quiz behind a proctored quiz, when its web services are connected and the quiz is a Moodle quiz. */
async function moodleQuiz(connections: LmsConnectionStore, quiz: Quiz): Promise<{ ws: MoodleWebServices; quizId: number } | undefined> {
  const cmid = moodleCourseModule(quiz.quizUrl);
  if (!cmid || !quiz.contextId) return undefined;
  const ws = await connections.moodle(quiz.issuer);
  if (!ws) return undefined;
  const quizId = await ws.quizInstance(quiz.contextId, cmid);
  if (!quizId) throw new Error(`no quiz with course module ${cmid} in course ${quiz.contextId}`);
  return { ws, quizId };
}

/**
 * The password the extension types for this attempt. With the LMS's web services, a fresh one written as this
 * student's override (a resumed attempt gets another); if the LMS refuses, the quiz-wide password, and the review
 * says why.
 */
export async function issuePassword(db: Database, connections: LmsConnectionStore, attempt: Attempt, quiz: Quiz) {
  // Canvas: one access code per quiz; made sure it is the one in force before the extension types it.
  const canvas = await enforceAccessCode(db, connections.canvas, quiz);
  if (canvas.state !== 'manual') {
    if (canvas.state === 'reapplied') await recordServerEvent(db, attempt.id, 'gate_reapplied', { summary: 'The quiz\'s access code in Canvas had been changed; Invigil put its own back before handing it out.' });
    if (canvas.state === 'problem') await recordServerEvent(db, attempt.id, 'gate_service_failed', { summary: `Canvas could not be asked for the quiz's access code, so the last one Invigil set was handed out: ${canvas.problem}` });
    await recordServerEvent(db, attempt.id, 'gate_password_issued', { mode: 'quiz', summary: 'The quiz\'s access code (set in Canvas by Invigil) was handed to the extension.' });
    return { password: canvas.gate.password, mode: 'quiz' as const };
  }
  try {
    const moodle = await moodleQuiz(connections, quiz);
    if (moodle) {
      const password = newGatePassword();
      const overrideId = await moodle.ws.saveUserPassword(moodle.quizId, attempt.userId, password, attempt.gateOverrideId ?? undefined);
      await db.update(attempts).set({ gateOverrideId: overrideId }).where(eq(attempts.id, attempt.id));
      await recordServerEvent(db, attempt.id, 'gate_password_issued', { mode: 'student', summary: 'A password for this student only was written to the quiz (a Moodle user override) and handed to the extension.' });
      return { password, mode: 'student' as const };
    }
  } catch (error) {
    await recordServerEvent(db, attempt.id, 'gate_service_failed', { summary: `The student's own quiz password could not be written, so the quiz-wide password was used: ${(error as Error).message}` });
  }
  const gate = await gateOf(db, quiz);
  await recordServerEvent(db, attempt.id, 'gate_password_issued', { mode: 'quiz', summary: 'The quiz-wide password was handed to the extension.' });
  return { password: gate.password, mode: 'quiz' as const };
}

/** What the quiz page made of the password: the gate's state for the instructor, and the attempt's timeline. */
export async function recordGateResult(db: Database, attempt: Attempt, quiz: Quiz, result: GateResult, lmsAttemptId?: string) {
  const gate = await gateOf(db, quiz);
  const now = new Date();
  const column = { accepted: 'passwordAcceptedAt', rejected: 'passwordRejectedAt', not_asked: 'openedWithoutPasswordAt' } as const;
  await db.update(quizGates).set({ [column[result]]: now }).where(eq(quizGates.id, gate.id));
  if (lmsAttemptId) await db.update(attempts).set({ lmsAttemptId }).where(eq(attempts.id, attempt.id));
  const events = {
    accepted: ['gate_password_accepted', 'The quiz accepted the password the extension typed.'],
    rejected: ['gate_password_rejected', 'The quiz said "The password entered was incorrect": the password in the LMS quiz is not the one Invigil shows the instructor.'],
    not_asked: ['gate_not_asked', 'The quiz opened without asking for a password: anyone could take it without proctoring.'],
  } as const;
  await recordServerEvent(db, attempt.id, events[result][0], { summary: events[result][1], ...(lmsAttemptId ? { lmsAttemptId } : {}) });
}

/** The attempt ended: its own password is replaced by one nobody knows (the override stays, for its other settings). */
export async function closeGate(db: Database, connections: LmsConnectionStore, attempt: Attempt, quiz: Quiz) {
  // Canvas: a new access code after each proctored session, so the one this student saw opens nothing later.
  if (await rotateAccessCode(db, connections.canvas, quiz, { exceptAttemptId: attempt.id })) {
    await recordServerEvent(db, attempt.id, 'gate_closed', { summary: 'The quiz\'s access code in Canvas was replaced, so the one used for this attempt opens the quiz no more.' });
    return;
  }
  if (attempt.gateOverrideId === null) return;
  try {
    const moodle = await moodleQuiz(connections, quiz);
    if (!moodle) return;
    await moodle.ws.saveUserPassword(moodle.quizId, attempt.userId, newGatePassword(), attempt.gateOverrideId);
    await recordServerEvent(db, attempt.id, 'gate_closed', { summary: 'The student\'s own quiz password was replaced, so it opens the quiz no more.' });
  } catch (error) {
    await recordServerEvent(db, attempt.id, 'gate_service_failed', { summary: `The student's own quiz password could not be withdrawn: ${(error as Error).message}` });
  }
}

/**
 * Every proctored quiz (link) on the same LMS quiz as this one, in the same course: they share one attempt list. The
 * course is part of it, so an instructor elsewhere who pastes the same address sees nothing of this course.
 */
export function sameLmsQuiz(quiz: Quiz) {
  return and(
    eq(quizzes.issuer, quiz.issuer), eq(quizzes.clientId, quiz.clientId), eq(quizzes.deploymentId, quiz.deploymentId),
    quiz.contextId === null ? sql`false` : eq(quizzes.contextId, quiz.contextId),
    sql`coalesce(${quizzes.lmsQuizKey}, ${quizzes.quizUrl}) = ${quiz.lmsQuizKey ?? quiz.quizUrl}`,
  );
}
