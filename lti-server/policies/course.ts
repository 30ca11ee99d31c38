// What a launch may do in its course (before any quiz record exists).
import type { Actor } from '../http/actors.ts';
import type { Policy } from '../http/route.ts';

/** The LMS course a launch came from. */
export type Course = { issuer: string; clientId: string; deploymentId: string; contextId: string | null };

export function courseOf(actor: Actor): Course | undefined {
  return actor.kind === 'lti' ? { issuer: actor.issuer, clientId: actor.clientId, deploymentId: actor.deploymentId, contextId: actor.contextId } : undefined;
}

export const coursePolicy = {
  // Only inside a course: a quiz with no course would belong to the whole LMS deployment.
  addQuiz: (actor, course) => actor.kind === 'lti' && actor.role === 'instructor' && course.contextId !== null,
  /** The course's proctored quizzes (the instructor's landing page from course navigation). */
  listQuizzes: (actor, course) => actor.kind === 'lti' && actor.role === 'instructor' && course.contextId !== null,
  /** The review queue, students' histories, the outcome words, the course's exports and audit log. */
  review: (actor, course) => actor.kind === 'lti' && actor.role === 'instructor' && course.contextId !== null,
  /** A student's own proctoring record in the course. */
  viewOwnRecord: (actor, course) => actor.kind === 'lti' && course.contextId !== null,
} satisfies Policy<Course>;
