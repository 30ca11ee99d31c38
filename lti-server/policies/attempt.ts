// Who may do what with an attempt: the extension only with its own, running attempt; instructors of its course.
import type { attempts, quizzes } from '../../models/schema.ts';
import type { Actor } from '../http/actors.ts';
import type { Policy } from '../http/route.ts';
import { sameCourse } from './quiz.ts';

export type AttemptWithQuiz = typeof attempts.$inferSelect & { quiz: typeof quizzes.$inferSelect };

/** Running, or ended without submission (the extension went silent): a returning extension carries on. */
export const stillRecording = (attempt: { status: string }) => attempt.status === 'in_progress' || attempt.status === 'unsubmitted';

const ownRunningAttempt = (actor: Actor, attempt: AttemptWithQuiz) =>
  actor.kind === 'extension' && actor.attemptId === attempt.id && stillRecording(attempt);

export const attemptPolicy = {
  /** Heartbeats, events, flags and chunks: only while the attempt runs. */
  record: ownRunningAttempt,
  finish: (actor, attempt) => actor.kind === 'extension' && actor.attemptId === attempt.id && attempt.status !== 'ready',
  review: (actor, attempt) => actor.kind === 'lti' && actor.role === 'instructor' && sameCourse(actor, attempt.quiz),
  /** Decisions, outcomes, explanation requests, exports: the course's instructors. */
  decide: (actor, attempt) => actor.kind === 'lti' && actor.role === 'instructor' && sameCourse(actor, attempt.quiz),
  /** The student's own record: their attempts in this course, seen from their own launch. */
  viewOwn: (actor, attempt) => actor.kind === 'lti' && actor.role === 'learner' && sameCourse(actor, attempt.quiz) && actor.userId === attempt.userId,
} satisfies Policy<AttemptWithQuiz>;
