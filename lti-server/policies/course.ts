// What a launch may do in its course (before any quiz record exists).
import type { Actor } from '../http/actors.ts';
import type { Policy } from '../http/route.ts';

/** The LMS course a launch came from. */
export type Course = { issuer: string; clientId: string; deploymentId: string; contextId: string | null };

export function courseOf(actor: Actor): Course | undefined {
  return actor.kind === 'lti' ? { issuer: actor.issuer, clientId: actor.clientId, deploymentId: actor.deploymentId, contextId: actor.contextId } : undefined;
}

export const coursePolicy = {
  addQuiz: (actor) => actor.kind === 'lti' && actor.role === 'instructor',
} satisfies Policy<Course>;
