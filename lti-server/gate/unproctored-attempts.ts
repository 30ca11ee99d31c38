// The LMS attempts nobody proctored: each student's Moodle attempts at the quiz (mod_quiz_get_user_attempts), less
// those a proctored attempt covered — by the Moodle attempt id the extension reported, or, when none was reported,
// by a start inside the proctored attempt's time. On Canvas: the quiz's submissions (Classic: every attempt, with
// its start; New Quizzes: the assignment's latest submission per student, with its time only), less those inside a
// proctored attempt of the same Canvas user.
import { canvasQuiz, moodleCourseModule } from '../../models/lms-quiz.ts';
import { canvasCourseOf } from './canvas-access-code.ts';
import type { CanvasSubmission } from './canvas-api.ts';
import type { attempts, quizzes } from '../../models/schema.ts';
import type { Student } from '../lti/course-roster.ts';
import type { LmsConnectionStore } from './lms-connections.ts';
import type { MoodleAttempt } from './moodle-web-services.ts';

type Proctored = Pick<typeof attempts.$inferSelect, 'userId' | 'userName' | 'lmsUserId' | 'lmsAttemptId' | 'startedAt' | 'finishedAt'>;
export type UnproctoredAttempt = { student: string; userId: string; lmsAttemptId: string; state: string; startedAt: Date | null; finishedAt: Date | null };

/** The pure part: which of one student's LMS attempts no proctored attempt covers. */
export function uncovered(lmsAttempts: MoodleAttempt[], proctored: Proctored[], now = new Date()) {
  return lmsAttempts.filter((a) => !proctored.some((p) => {
    if (p.lmsAttemptId !== null) return p.lmsAttemptId === String(a.id);
    if (!p.startedAt) return false;
    const start = a.timestart * 1000;
    return start >= p.startedAt.getTime() - 60_000 && start <= (p.finishedAt ?? now).getTime();
  }));
}

/** Canvas: which submissions no proctored attempt of the same Canvas user covers (a minute's slack either side). */
export function uncoveredSubmissions(submissions: CanvasSubmission[], proctored: Proctored[], now = new Date()) {
  return submissions.filter((s) => !proctored.some((p) => {
    if (!p.lmsUserId || p.lmsUserId !== s.userId || !p.startedAt) return false;
    const from = p.startedAt.getTime() - 60_000;
    const to = (p.finishedAt ?? now).getTime() + 60_000;
    const at = (s.startedAt ?? s.finishedAt)?.getTime();
    return at !== undefined && at >= from && at <= to;
  }));
}

type Unproctored = { available: false } | { available: true; rows: UnproctoredAttempt[]; problem?: string };

async function canvasUnproctored(connections: LmsConnectionStore, quiz: typeof quizzes.$inferSelect, proctored: Proctored[]): Promise<Unproctored> {
  const target = canvasQuiz(quiz.quizUrl);
  const course = canvasCourseOf(quiz);
  let api;
  try {
    api = target && course ? await connections.canvas.quizApi(course, target) : undefined;
  } catch (error) {
    return { available: true, rows: [], problem: (error as Error).message };
  }
  if (!api) return { available: false };
  try {
    const names = new Map(proctored.filter((p) => p.lmsUserId).map((p) => [p.lmsUserId!, p.userName ?? p.userId]));
    const rows = uncoveredSubmissions(await api.submissions(), proctored).map((s) => ({
      student: names.get(s.userId) ?? `Canvas user ${s.userId}`, userId: s.userId, lmsAttemptId: s.id, state: s.state, startedAt: s.startedAt, finishedAt: s.finishedAt,
    }));
    return { available: true, rows: rows.sort((a, b) => ((b.startedAt ?? b.finishedAt)?.getTime() ?? 0) - ((a.startedAt ?? a.finishedAt)?.getTime() ?? 0)) };
  } catch (error) {
    return { available: true, rows: [], problem: (error as Error).message };
  }
}

/** With the LMS's web services, the quiz's attempts nobody proctored; `problem` says why the list could not be made. */
export async function unproctoredAttempts(connections: LmsConnectionStore, quiz: typeof quizzes.$inferSelect, students: Student[], proctored: Proctored[]): Promise<Unproctored> {
  if (canvasQuiz(quiz.quizUrl)) return canvasUnproctored(connections, quiz, proctored);
  const cmid = moodleCourseModule(quiz.quizUrl);
  const ws = cmid && quiz.contextId ? await connections.moodle(quiz.issuer) : undefined;
  if (!ws || !cmid || !quiz.contextId) return { available: false };
  const rows: UnproctoredAttempt[] = [];
  try {
    const quizId = await ws.quizInstance(quiz.contextId, cmid);
    if (!quizId) return { available: true, rows, problem: `Moodle has no quiz with course module ${cmid} in this course: check the quiz address in the settings.` };
    // A few students at a time: a large course must not open hundreds of requests to the LMS at once.
    for (let i = 0; i < students.length; i += 8) {
      const batch = students.slice(i, i + 8);
      const answers = await Promise.all(batch.map((s) => ws.userAttempts(quizId, s.userId)));
      batch.forEach((student, n) => {
        for (const a of uncovered(answers[n], proctored.filter((p) => p.userId === student.userId))) {
          rows.push({ student: student.name, userId: student.userId, lmsAttemptId: String(a.id), state: a.state, startedAt: new Date(a.timestart * 1000), finishedAt: a.timefinish ? new Date(a.timefinish * 1000) : null });
        }
      });
    }
  } catch (error) {
    return { available: true, rows, problem: (error as Error).message };
  }
  return { available: true, rows: rows.sort((a, b) => b.startedAt!.getTime() - a.startedAt!.getTime()) };
}
