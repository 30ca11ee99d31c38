// The gate on Canvas: the quiz's access code is the gate's password. With an instructor's API authorisation Invigil
// writes it (Classic: quiz[access_code]; New Quizzes: require_student_access_code + student_access_code), puts it
// back when someone changed it, and replaces it on a schedule and after proctored attempts. Without one, the
// instructor pastes the code the settings page shows, as on Moodle without web services.
import { and, eq, inArray, like, ne } from 'drizzle-orm';
import { canvasQuiz } from '../../models/lms-quiz.ts';
import { attempts, quizGates, quizzes } from '../../models/schema.ts';
import type { Database } from '../database.ts';
import { CanvasApiError, type CanvasQuizApi } from './canvas-api.ts';
import type { CanvasConnectionStore, CanvasCourse } from './canvas-connections.ts';
import { gateOf, newGatePassword, type QuizGate } from './quiz-gates.ts';

type Quiz = typeof quizzes.$inferSelect;

/** The Canvas course a quiz's API calls are for: its registration, and Canvas's course id from the quiz address. */
export function canvasCourseOf(quiz: Pick<Quiz, 'issuer' | 'clientId' | 'quizUrl'>): CanvasCourse | undefined {
  const canvas = canvasQuiz(quiz.quizUrl);
  return canvas ? { issuer: quiz.issuer, clientId: quiz.clientId, courseId: canvas.courseId } : undefined;
}

/** Runs an API call, once more with a fresh access token when Canvas says the cached one is no longer valid. */
async function withApi<T>(canvas: CanvasConnectionStore, quiz: Quiz, run: (api: CanvasQuizApi) => Promise<T>): Promise<T | undefined> {
  const target = canvasQuiz(quiz.quizUrl);
  const course = canvasCourseOf(quiz);
  if (!target || !course) return undefined;
  const api = await canvas.quizApi(course, target);
  if (!api) return undefined;
  try {
    return await run(api);
  } catch (error) {
    if (!(error instanceof CanvasApiError) || error.status !== 401) throw error;
    const fresh = await canvas.quizApi(course, target, { refresh: true });
    return fresh ? run(fresh) : undefined;
  }
}

export type AccessCodeCheck = { state: 'manual' } | { state: 'in_force' | 'applied' | 'reapplied'; gate: QuizGate } | { state: 'problem'; problem: string; gate: QuizGate };

/** Makes sure the quiz's access code is the gate's: reads it, writes it when it differs, and records what it found. */
export async function enforceAccessCode(db: Database, canvas: CanvasConnectionStore, quiz: Quiz): Promise<AccessCodeCheck> {
  if (!canvasQuiz(quiz.quizUrl)) return { state: 'manual' };
  const gate = await gateOf(db, quiz);
  try {
    const result = await withApi(canvas, quiz, async (api) => {
      const current = await api.accessCode();
      if (current === gate.password) return 'in_force' as const;
      await api.setAccessCode(gate.password);
      // Written before by Invigil, and now different: someone changed or removed it in Canvas.
      return gate.appliedAt ? 'reapplied' as const : 'applied' as const;
    });
    if (!result) return { state: 'manual' };
    const now = new Date();
    await db.update(quizGates).set({
      serviceProblem: null, ...(result !== 'in_force' || !gate.appliedAt ? { appliedAt: now } : {}), ...(result === 'reapplied' ? { reappliedAt: now } : {}),
    }).where(eq(quizGates.id, gate.id));
    return { state: result, gate: (await gateOf(db, quiz)) };
  } catch (error) {
    const problem = (error as Error).message;
    await db.update(quizGates).set({ serviceProblem: problem }).where(eq(quizGates.id, gate.id));
    return { state: 'problem', problem, gate };
  }
}

/**
 * A new code, written to Canvas first and kept only once Canvas took it (a code Canvas does not have would lock
 * every proctored student out). Not while another proctored attempt of the quiz runs: its student may be about to
 * type the current one. `minAgeMs`: leave a code younger than this.
 */
export async function rotateAccessCode(db: Database, canvas: CanvasConnectionStore, quiz: Quiz, options: { exceptAttemptId?: string; minAgeMs?: number } = {}) {
  if (!canvasQuiz(quiz.quizUrl)) return false;
  const gate = await gateOf(db, quiz);
  const since = gate.rotatedAt ?? gate.appliedAt;
  if (options.minAgeMs && since && Date.now() - since.getTime() < options.minAgeMs) return false;
  const sameQuiz = await db.select({ id: quizzes.id }).from(quizzes).where(and(eq(quizzes.issuer, quiz.issuer), eq(quizzes.lmsQuizKey, gate.lmsQuizKey)));
  const running = await db.select({ id: attempts.id }).from(attempts).where(and(
    inArray(attempts.quizId, sameQuiz.map((q) => q.id)), eq(attempts.status, 'in_progress'),
    ...(options.exceptAttemptId ? [ne(attempts.id, options.exceptAttemptId)] : []),
  )).limit(1);
  if (running.length) return false;
  const password = newGatePassword();
  try {
    const written = await withApi(canvas, quiz, async (api) => {
      await api.setAccessCode(password);
      return true;
    });
    if (!written) return false;
  } catch (error) {
    await db.update(quizGates).set({ serviceProblem: (error as Error).message }).where(eq(quizGates.id, gate.id));
    return false;
  }
  const now = new Date();
  await db.update(quizGates).set({ password, rotatedAt: now, appliedAt: now, serviceProblem: null }).where(eq(quizGates.id, gate.id));
  return true;
}

/** How often the schedule replaces each Canvas quiz's code (Honorlock does twice a day). */
export const rotationMs = 12 * 3600 * 1000;

/** The schedule's pass over every API-connected Canvas gate: re-apply a changed code, rotate an old one. */
export async function checkCanvasGates(db: Database, canvas: CanvasConnectionStore) {
  // Canvas quiz addresses only (models/lms-quiz.ts canvasQuiz says exactly which).
  const rows = await db.select().from(quizzes).where(like(quizzes.quizUrl, 'https://%/courses/%'));
  const seen = new Set<string>();
  const result = { checked: 0, reapplied: 0, rotated: 0, problems: 0 };
  for (const quiz of rows) {
    const key = `${quiz.issuer}|${quiz.lmsQuizKey}`;
    if (!canvasQuiz(quiz.quizUrl) || seen.has(key)) continue;
    seen.add(key);
    const check = await enforceAccessCode(db, canvas, quiz);
    if (check.state === 'manual') continue;
    result.checked += 1;
    if (check.state === 'reapplied') result.reapplied += 1;
    if (check.state === 'problem') result.problems += 1;
    else if (await rotateAccessCode(db, canvas, quiz, { minAgeMs: rotationMs })) result.rotated += 1;
  }
  return result;
}
