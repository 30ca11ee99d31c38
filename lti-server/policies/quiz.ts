// Who may do what with a proctored quiz.
import type { quizzes } from '../../models/schema.ts';
import type { Actor, LtiActor } from '../http/actors.ts';
import type { Policy } from '../http/route.ts';

type Quiz = typeof quizzes.$inferSelect;

/**
 * A launch belongs to a quiz's course when it comes from the same deployment and course. A quiz without a course
 * (placed before courses were required) belongs to nobody: it would otherwise be open to the whole deployment.
 */
export function sameCourse(actor: LtiActor, quiz: Quiz) {
  return actor.issuer === quiz.issuer && actor.clientId === quiz.clientId && actor.deploymentId === quiz.deploymentId
    && quiz.contextId !== null && actor.contextId === quiz.contextId;
}

export const quizPolicy = {
  configure: (actor: Actor, quiz) => actor.kind === 'lti' && actor.role === 'instructor' && sameCourse(actor, quiz),
  review: (actor: Actor, quiz) => actor.kind === 'lti' && actor.role === 'instructor' && sameCourse(actor, quiz),
  take: (actor: Actor, quiz) => actor.kind === 'lti' && actor.role === 'learner' && sameCourse(actor, quiz),
} satisfies Policy<Quiz>;
