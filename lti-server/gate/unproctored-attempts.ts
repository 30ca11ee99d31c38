// The LMS attempts nobody proctored: each student's Moodle attempts at the quiz (mod_quiz_get_user_attempts), less
// those a proctored attempt covered — by the Moodle attempt id the extension reported, or, when none was reported,
// by a start inside the proctored attempt's time.
import { moodleCourseModule } from '../../models/lms-quiz.ts';
import type { attempts, quizzes } from '../../models/schema.ts';
import type { Student } from '../lti/course-roster.ts';
import type { LmsConnectionStore } from './lms-connections.ts';
import type { MoodleAttempt } from './moodle-web-services.ts';

type Proctored = Pick<typeof attempts.$inferSelect, 'userId' | 'lmsAttemptId' | 'startedAt' | 'finishedAt'>;
export type UnproctoredAttempt = { student: string; userId: string; lmsAttemptId: string; state: MoodleAttempt['state']; startedAt: Date; finishedAt: Date | null };

/** The pure part: which of one student's LMS attempts no proctored attempt covers. */
export function uncovered(lmsAttempts: MoodleAttempt[], proctored: Proctored[], now = new Date()) {
  return lmsAttempts.filter((a) => !proctored.some((p) => {
    if (p.lmsAttemptId !== null) return p.lmsAttemptId === String(a.id);
    if (!p.startedAt) return false;
    const start = a.timestart * 1000;
    return start >= p.startedAt.getTime() - 60_000 && start <= (p.finishedAt ?? now).getTime();
  }));
}

/** With the LMS's web services, the quiz's attempts nobody proctored; `problem` says why the list could not be made. */
export async function unproctoredAttempts(connections: LmsConnectionStore, quiz: typeof quizzes.$inferSelect, students: Student[], proctored: Proctored[]):
  Promise<{ available: false } | { available: true; rows: UnproctoredAttempt[]; problem?: string }> {
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
  return { available: true, rows: rows.sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime()) };
}
