// Who is asking: a tool page's session (a course cookie), or the extension's attempt token.
import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { eq } from 'drizzle-orm';
import { launches } from '../../models/schema.ts';
import type { Database } from '../database.ts';
import { roleFromLti, type AdminActor, type AnonymousActor, type ExtensionActor, type LtiActor } from './actors.ts';
import { forbidden, unauthorized } from './errors.ts';
import { cookieName, dropCode, findSession, handOffSession, redeemCode, sessionSeconds, type AppSession } from './sessions.ts';
import { html } from '../pages/html.ts';
import { page } from '../pages/layout.ts';
import type { TokenService } from './tokens.ts';

/** The course scope a tool page's links carry (`c=`): not a secret, it names the course's session cookie. */
export function sessionQuery(session: Pick<AppSession, 'scope'>) {
  return `c=${session.scope}`;
}

/** The cookies a request carries, by name. */
export function cookiesOf(req: Request): Record<string, string> {
  return Object.fromEntries((req.get('cookie') ?? '').split(';').map((c) => c.trim().split('=')).filter(([k, v]) => k && v !== undefined)
    .map(([k, ...v]) => [k, decodeURIComponent(v.join('='))]));
}

const scopeParam = (req: Request) => (typeof req.query.c === 'string' && /^[0-9a-f]{16}$/.test(req.query.c) ? req.query.c : undefined);

/** Tool pages: the course's session cookie names a live session; the actor is its launch's LTI user in that course. */
export function launchSession(db: Database) {
  return async (req: Request): Promise<{ actor: LtiActor; session: AppSession }> => {
    const scope = scopeParam(req);
    const token = scope && cookiesOf(req)[cookieName(scope)];
    const session = token ? await findSession(db, token) : undefined;
    if (!session || session.scope !== scope) throw unauthorized('Your session has ended (it expired, or you opened Invigil again elsewhere). Open Invigil again from your course.');
    const [launch] = await db.select().from(launches).where(eq(launches.id, session.launchId));
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

/** A state-changing request from a tool page proves it came from one: the session's CSRF token, as a header or a field. */
export function checkCsrf(req: Request, session: AppSession) {
  if (req.method === 'GET' || req.method === 'HEAD') return;
  const sent = req.get('x-csrf-token') ?? (req.body as { _csrf?: unknown } | undefined)?._csrf;
  if (typeof sent !== 'string' || sent.length !== session.csrfToken.length || !timingSafeEqual(Buffer.from(sent), Buffer.from(session.csrfToken))) {
    throw forbidden('This page is out of date (or the request did not come from it). Reload the page and try again.');
  }
}

/**
 * The first page after a launch arrives with `?c=<scope>&code=<one-time code>`: the code becomes the course's
 * session cookie and the browser is sent to the same address without it. A reload after that finds the cookie.
 *
 * Over https the cookie is a third-party one inside the LMS's iframe, and a browser that keeps none (not even
 * partitioned) drops it. So the redirect also carries a spare one-time code for the same session (`spare=`, a
 * minute long): the next load finds the cookie and drops the spare from the address, or finds none and offers the
 * page in a window of its own, where the spare code makes a first-party cookie.
 */
export function sessionCodes(db: Database, options: { secure: boolean }): RequestHandler {
  return async (req, res, next) => {
    const scope = scopeParam(req);
    if (!scope || req.method !== 'GET') return next();
    const code = typeof req.query.code === 'string' ? req.query.code : undefined;
    const spare = typeof req.query.spare === 'string' ? req.query.spare : undefined;
    const clean = new URL(req.originalUrl, 'http://tool.invalid');
    clean.searchParams.delete('code');
    clean.searchParams.delete('spare');
    const hasCookie = Boolean(cookiesOf(req)[cookieName(scope)]);
    if (!code) {
      if (!spare) return next();
      if (hasCookie) {
        // The cookie held: the spare code is not needed, and must not open the session anywhere else.
        await dropCode(db, scope, spare);
        return res.redirect(303, `${clean.pathname}${clean.search}`);
      }
      const own = new URL(clean.href);
      own.searchParams.set('code', spare);
      return res.status(200).type('html').send(page('Open Invigil in its own window', html`<h1>Open Invigil in its own window</h1>
<p class="notice" role="status" id="cookies-blocked">Your browser does not keep Invigil's cookie inside the course page, so Invigil cannot go on here.</p>
<p><a class="button" id="own-window" href="${own.pathname}${own.search}" target="_blank" rel="noopener">Open Invigil in its own window</a></p>
<p class="muted">Or allow cookies for this site in your browser's settings, then open the quiz again from your course.</p>`));
    }
    const redeemed = await redeemCode(db, scope, code);
    if (redeemed) {
      const attributes = options.secure ? 'SameSite=None; Secure; Partitioned' : 'SameSite=Lax';
      res.setHeader('Set-Cookie', `${cookieName(scope)}=${redeemed.token}; Path=/app; HttpOnly; Max-Age=${sessionSeconds}; ${attributes}`);
      if (options.secure) clean.searchParams.set('spare', await handOffSession(db, redeemed.session));
    } else if (!hasCookie) {
      return next(unauthorized('This link has expired or was used already. Open Invigil again from your course.'));
    }
    res.redirect(303, `${clean.pathname}${clean.search}`);
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

/** The admin API: the install's admin key as a bearer token. */
export function adminBearer(key: string) {
  return (req: Request): { actor: AdminActor } => {
    const sent = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    if (sent.length !== key.length || !timingSafeEqual(Buffer.from(sent), Buffer.from(key))) throw unauthorized('The admin key is missing or wrong.');
    return { actor: { kind: 'admin' } };
  };
}

/** Endpoints anyone may call (redeeming a start token, the uninstall address): the token in the request is the proof. */
export const anonymous = (): { actor: AnonymousActor } => ({ actor: { kind: 'anonymous' } });

export const adminCookie = 'invigil_admin';

/**
 * The admin page in a browser: the signed cookie the admin key (or an admin link) gave. Its forms carry the cookie's
 * CSRF token, checked here for every POST (the forms' bodies are parsed before authentication).
 */
export function adminPageSession(tokens: TokenService) {
  return async (req: Request): Promise<{ actor: AdminActor; csrf: string }> => {
    const csrf = await tokens.adminPage.verify(cookiesOf(req)[adminCookie] ?? '');
    if (!csrf) throw unauthorized('Sign in to the Invigil admin page with the admin key.');
    if (req.method === 'POST') {
      const sent = (req.body as { _csrf?: unknown } | undefined)?._csrf;
      if (typeof sent !== 'string' || sent.length !== csrf.length || !timingSafeEqual(Buffer.from(sent), Buffer.from(csrf))) {
        throw forbidden('This page is out of date (or the request did not come from it). Reload the page and try again.');
      }
    }
    return { actor: { kind: 'admin' }, csrf };
  };
}
