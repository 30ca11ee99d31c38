// Who may change the install itself: the LMS platforms it trusts, registration invites.
import type { Actor } from '../http/actors.ts';
import type { Policy } from '../http/route.ts';

/** The install as a record: there is one. */
export type Install = { dataDir: string };

export const installPolicy = {
  manage: (actor: Actor) => actor.kind === 'admin',
} satisfies Policy<Install>;
