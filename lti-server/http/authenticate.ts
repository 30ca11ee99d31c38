// Establishes res.locals.actor: from an app session (tool pages) or an attempt token (extension API).
import type { Request } from 'express';
import { eq } from 'drizzle-orm';
import { launches } from '../../models/schema.ts';
import type { Database } from '../database.ts';
import { roleFromLti, type AnonymousActor, type ExtensionActor, type LtiActor } from './actors.ts';
import { unauthorized } from './errors.ts';
import type { TokenService } from './tokens.ts';

/** Pages are opened inside LMS iframes and new windows where cookies are unreliable, so the session rides in the URL. */
export function sessionFrom(req: { query: Record<string, unknown>; get(name: string): string | undefined }) {
  const fromQuery = typeof req.query.session === 'string' ? req.query.session : undefined;
  return fromQuery ?? req.get('x-invigil-session');
}

/** The query string that keeps a page's session in the links and forms it renders. */
export function sessionQuery(session: string) {
  return `session=${encodeURIComponent(session)}`;
}

/** Tool pages: the app session names a launch; the actor is that launch's LTI user in its course. */
export function launchSession(db: Database, tokens: TokenService) {
  return async (req: Request): Promise<{ actor: LtiActor; session: string }> => {
    const session = sessionFrom(req);
    const launchId = session && await tokens.appSession.verify(session);
    if (!session || !launchId) throw unauthorized('Your session has expired. Open Invigil again from your course.');
    const [launch] = await db.select().from(launches).where(eq(launches.id, launchId));
    if (!launch) throw unauthorized('Your session is no longer valid. Open Invigil again from your course.');
    const actor: LtiActor = {
      kind: 'lti',
      launchId: launch.id,
      userId: launch.userId,
      userName: launch.userName,
      role: roleFromLti(launch.roles),
      issuer: launch.issuer,
      clientId: launch.clientId,
      deploymentId: launch.deploymentId,
      contextId: launch.contextId,
    };
    return { actor, session };
  };
}

/** The extension: a bearer token bound to one attempt. Heartbeats are signed with the token itself. */
export function attemptBearer(tokens: TokenService) {
  return async (req: Request): Promise<{ actor: ExtensionActor; attemptToken: string }> => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9._-]+)$/.exec(header);
    const attemptId = match && await tokens.attempt.verify(match[1]);
    if (!match || !attemptId) throw unauthorized('The attempt token is missing, invalid or expired.');
    return { actor: { kind: 'extension', attemptId }, attemptToken: match[1] };
  };
}

/** Endpoints anyone may call (redeeming a start token, the uninstall address): the token in the request is the proof. */
export const anonymous = (): { actor: AnonymousActor } => ({ actor: { kind: 'anonymous' } });
