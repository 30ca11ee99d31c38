// Who may do what with a proctored session: its course's instructors run it (they are its proctors); its auditor
// observes it, read-only, by their link; the course's students join it with its code.
import type { Actor } from '../http/actors.ts';
import type { Policy } from '../http/route.ts';
import type { LoadedSession } from '../routes/sessions/load.ts';
import { sameCourse } from './quiz.ts';

const proctor = (actor: Actor, session: LoadedSession) => actor.kind === 'lti' && actor.role === 'instructor' && sameCourse(actor, session.quiz);

export const sessionPolicy = {
  /** Schedule, enrol, start, end, invite the auditor, see the dashboard and the log. */
  proctor,
  /** The read-only view: the session's own auditor, or its proctors. */
  observe: (actor: Actor, session) => (actor.kind === 'auditor' && actor.sessionId === session.id) || proctor(actor, session),
  /** The lobby's status: a student of the session's course. */
  join: (actor: Actor, session) => actor.kind === 'lti' && actor.role === 'learner' && sameCourse(actor, session.quiz),
} satisfies Policy<LoadedSession>;
