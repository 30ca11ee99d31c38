// Establishes res.locals.actor: from an app session (tool pages) or an attempt token (extension API).
import type { RequestHandler } from 'express';
import { eq } from 'drizzle-orm';
import { launches } from '../../models/schema.ts';
import type { Database } from '../database.ts';
import { roleFromLti, type LtiActor } from './actors.ts';
import { unauthorized } from './errors.ts';
import type { TokenService } from './tokens.ts';

/** Pages are opened inside LMS iframes and new windows where cookies are unreliable, so the session rides in the URL. */
export function sessionFrom(req: { query: Record<string, unknown>; get(name: string): string | undefined }) {
  const fromQuery = typeof req.query.session === 'string' ? req.query.session : undefined;
  return fromQuery ?? req.get('x-invigil-session');
}

/** The query string that keeps a page's session in the links and forms it renders. */
export function sessionQuery(res: { locals: Record<string, unknown> }) {
  return `session=${encodeURIComponent(String(res.locals.session))}`;
}

export function authenticateLaunch(db: Database, tokens: TokenService): RequestHandler {
  return async (req, res, next) => {
    const session = sessionFrom(req);
    const launchId = session && await tokens.appSession.verify(session);
    if (!launchId) return next(unauthorized('Your session has expired. Open Invigil again from your course.'));
    const [launch] = await db.select().from(launches).where(eq(launches.id, launchId));
    if (!launch) return next(unauthorized('Your session is no longer valid. Open Invigil again from your course.'));
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
    res.locals.actor = actor;
    res.locals.session = session;
    next();
  };
}

export function authenticateAttempt(tokens: TokenService): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9._-]+)$/.exec(header);
    const attemptId = match && await tokens.attempt.verify(match[1]);
    if (!attemptId) return next(unauthorized('The attempt token is missing, invalid or expired.'));
    res.locals.actor = { kind: 'extension', attemptId };
    // Heartbeats are signed with the token itself.
    res.locals.attemptToken = match[1];
    next();
  };
}
