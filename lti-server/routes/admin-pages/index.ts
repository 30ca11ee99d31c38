// /admin: the admin page in a browser, for the same changes as the admin API (platforms, Moodle web services,
// registration links). Reached with the admin key or a short-lived link from `npm run platform -- admin-link`; the
// session is a signed HttpOnly cookie, and every form carries its CSRF token.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import express, { Router, type Response } from 'express';
import { adminCookie, adminPageSession, anonymous } from '../../http/authenticate.ts';
import { errorHandler } from '../../http/errors.ts';
import { route } from '../../http/route.ts';
import { adminPageSeconds, type TokenService } from '../../http/tokens.ts';
import { activatePlatform, listPlatforms } from '../../lti/platforms.ts';
import { createInvite } from '../../lti/registration-invites.ts';
import { connectMoodle } from '../../gate/lms-connections.ts';
import { MoodleServiceError } from '../../gate/moodle-web-services.ts';
import { installPolicy } from '../../policies/install.ts';
import type { RouteContext } from '../context.ts';
import { connectionForm, connectionRemoveForm, inviteForm, linkQuery, loginForm, platformStateForm } from './schema.ts';
import { adminPage, loginPage } from './views.ts';

async function signIn(res: Response, tokens: TokenService, secure: boolean) {
  const cookie = await tokens.adminPage.sign(randomBytes(24).toString('base64url'));
  res.setHeader('Set-Cookie', `${adminCookie}=${cookie}; Path=/admin; HttpOnly; Max-Age=${adminPageSeconds}; SameSite=Strict${secure ? '; Secure' : ''}`);
  res.redirect(303, '/admin');
}

export function adminPages({ db, lti, config, limiter, tokens, connections }: RouteContext, key: string) {
  const router = Router();
  const secure = config.publicUrl.startsWith('https://');
  // Forms only: parsed before authentication, which checks their CSRF token.
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));
  const signInLimit = { name: 'admin-sign-in', max: 10, windowMs: 60_000 };
  const admin = (method: 'get' | 'post', path: string) => route(router, method, path).authenticate(adminPageSession(tokens))
    .limit(limiter, { name: 'admin-pages', max: 120, windowMs: 60_000 }).load(() => ({ dataDir: config.dataDir }), 'The install').authorize(installPolicy, 'manage');
  type Extra = Pick<Parameters<typeof adminPage>[0], 'notice' | 'invite'>;
  const render = async (csrf: string, extra: Extra = {}) => adminPage({ csrf, platforms: await listPlatforms(lti), connections: await connections.list(), ...extra });
  const show = async (res: Response, csrf: string, extra: Extra = {}) => res.type('html').send(await render(csrf, extra));
  /** A form that did not parse: the page again, saying what to correct. */
  const invalid = ({ csrf }: { csrf: string }, problems: { message: string }[]) => render(csrf, { notice: { ok: false, text: problems.map((p) => p.message).join(' ') } });

  // Not signed in: the sign-in form rather than an error.
  router.get('/', async (req, res) => {
    const csrf = await adminPageSession(tokens)(req).then((s) => s.csrf, () => undefined);
    if (csrf) await show(res, csrf);
    else res.type('html').send(loginPage());
  });

  route(router, 'post', '/login').authenticate(anonymous).limit(limiter, signInLimit)
    .form(loginForm, () => loginPage('Enter the admin key.'))
    .handle(async ({ res, input }) => {
      const right = input.key.length === key.length && timingSafeEqual(Buffer.from(input.key), Buffer.from(key));
      if (!right) return res.status(401).type('html').send(loginPage('That is not this install\'s admin key.'));
      await signIn(res, tokens, secure);
    });

  route(router, 'get', '/link').authenticate(anonymous).limit(limiter, signInLimit).validate(linkQuery, 'query')
    .handle(async ({ res, input }) => {
      if (!(await tokens.adminLink.verify(input.token))) return res.status(401).type('html').send(loginPage('This admin link has expired. Make a new one with npm run platform -- admin-link, or sign in with the admin key.'));
      await signIn(res, tokens, secure);
    });

  admin('post', '/platforms/state').form(platformStateForm, invalid).handle(async ({ res, csrf, input }) => {
    const p = await activatePlatform(lti, input.url, input.clientId, input.active);
    await show(res, csrf, { notice: { ok: true, text: `${p.url} (client ${p.clientId}) is now ${p.active ? 'active' : 'inactive'}.` } });
  });

  admin('post', '/lms-connections').form(connectionForm, invalid).handle(async ({ res, csrf, input }) => {
    try {
      const c = await connectMoodle(connections, input);
      await show(res, csrf, { notice: { ok: true, text: `Moodle's web services are connected for ${c.issuer} (site ${c.siteUrl}).` } });
    } catch (error) {
      if (!(error instanceof MoodleServiceError)) throw error;
      res.status(400);
      await show(res, csrf, { notice: { ok: false, text: `${error.message}. Check the token, the site address and the functions of the token's service.` } });
    }
  });

  admin('post', '/lms-connections/remove').form(connectionRemoveForm, invalid).handle(async ({ res, csrf, input }) => {
    const removed = await connections.remove(input.issuer);
    await show(res, csrf, { notice: { ok: true, text: removed ? `Moodle's web services of ${input.issuer} are disconnected.` : `${input.issuer} had none connected.` } });
  });

  admin('post', '/invites').form(inviteForm, invalid).handle(async ({ res, csrf, input }) => {
    const invite = await createInvite(db, input.hours);
    await show(res, csrf, { invite: { url: `${config.publicUrl}/lti/register?invite=${invite.token}`, expiresAt: invite.expiresAt.toISOString() } });
  });

  router.post('/logout', (_req, res) => {
    res.setHeader('Set-Cookie', `${adminCookie}=; Path=/admin; HttpOnly; Max-Age=0; SameSite=Strict${secure ? '; Secure' : ''}`);
    res.type('html').send(loginPage());
  });
  router.use(errorHandler('html'));
  return router;
}
