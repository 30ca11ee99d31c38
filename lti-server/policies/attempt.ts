// Who may do what with an attempt: the extension only with its own, running attempt; instructors of its course.
import type { attempts, quizzes } from '../../models/schema.ts';
import type { Actor } from '../http/actors.ts';
import type { Policy } from '../http/route.ts';
import { sameCourse } from './quiz.ts';

export type AttemptWithQuiz = typeof attempts.$inferSelect & { quiz: typeof quizzes.$inferSelect };

const ownRunningAttempt = (actor: Actor, attempt: AttemptWithQuiz) =>
  actor.kind === 'extension' && actor.attemptId === attempt.id && attempt.status === 'in_progress';

export const attemptPolicy = {
  /** Heartbeats, events, flags and chunks: only while the attempt runs. */
  record: ownRunningAttempt,
  finish: (actor, attempt) => actor.kind === 'extension' && actor.attemptId === attempt.id && attempt.status !== 'ready',
  review: (actor, attempt) => actor.kind === 'lti' && actor.role === 'instructor' && sameCourse(actor, attempt.quiz),
} satisfies Policy<AttemptWithQuiz>;
