// In front of ltijs's login and launch (ltijs 5.9.9 knows neither Canvas's field names nor platform storage):
// - Canvas names the deployment `deployment_id`, not the spec's `lti_deployment_id`; its issuer is the same for
//   every school, so a login without `client_id` cannot say which school it is and is refused.
// - Inside Canvas's cross-site iframe the state cookie ltijs sets (SameSite=None; Secure; Partitioned) may be
//   dropped by a browser that keeps no third-party cookies at all. When the LMS offers platform storage
//   (`lti_storage_target`), the login page also puts a proof of the state there (lti.put_data), and a launch that
//   arrives without the cookie reads it back (lti.get_data) and posts it with the id_token. The proof is an HMAC of
//   the state with the install's key: only this server can make one, and only the browser that logged in has it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Provider } from 'ltijs';
import { html, jsonScript } from '../pages/html.ts';
import { errorPage, page } from '../pages/layout.ts';
import { strictPolicy } from '../http/security-headers.ts';
import { isCanvasIssuer } from './canvas-configuration.ts';

export const storageProofField = 'invigil_storage_proof';
export const storageKeyOf = (state: string) => `invigil_state_${state}`;
export function stateProof(key: string, state: string) {
  return createHmac('sha256', key).update(`lti-state:${state}`).digest('base64url');
}
function proofMatches(key: string, state: string, proof: string) {
  const expected = Buffer.from(stateProof(key, state));
  const given = Buffer.from(proof);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** What the platform-storage client module (client/platform-storage.ts) is told to do. */
export type PlatformStorageTask =
  | { mode: 'put'; target: string; platformOrigin: string; key: string; value: string; next: string }
  | { mode: 'get'; target: string; platformOrigin: string; key: string; formId: string; field: string };

/**
 * These two pages are framed by the school's Canvas before any launch named its domain: the poster's origin may frame
 * them too, besides the LMSs already known (the policy securityHeaders set).
 */
function framedByPoster(req: Request, res: Response) {
  const origin = req.get('origin');
  if (!origin || !/^https:\/\/[^/\s;]+$/.test(origin)) return;
  const policy = String(res.getHeader('Content-Security-Policy') ?? strictPolicy());
  res.setHeader('Content-Security-Policy', policy.replace(/frame-ancestors ([^;]*)/, (_all, list: string) => `frame-ancestors ${list} ${origin}`));
}
const taskData = (task: PlatformStorageTask) => jsonScript('platform-storage-task', task);

/** The issuer and audience an id_token names, unverified (ltijs verifies it next). */
function unverifiedClaims(idToken: string): { iss: string; aud: string } {
  let claims: { iss?: unknown; aud?: unknown } = {};
  try {
    claims = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as typeof claims;
  } catch {
    // Not a JWT: ltijs rejects it with its own message.
  }
  const aud = Array.isArray(claims.aud) ? (claims.aud as unknown[])[0] : claims.aud;
  return { iss: typeof claims.iss === 'string' ? claims.iss : '', aud: typeof aud === 'string' ? aud : '' };
}

export function launchFront(deps: { lti: Provider; ltiKey: string; loginRoute: string; launchRoute: string }): RequestHandler {
  return async (req, res, next) => {
    const body = (req.body ?? {}) as Record<string, string>;
    if (req.path === deps.loginRoute) {
      const params = { ...req.query, ...body } as Record<string, string>;
      if (params.deployment_id && !params.lti_deployment_id) {
        if (req.method === 'POST') body.lti_deployment_id = params.deployment_id;
        else (req.query as Record<string, string>).lti_deployment_id = params.deployment_id;
      }
      if (params.iss && isCanvasIssuer(params.iss) && !params.client_id) {
        return res.status(400).type('html').send(errorPage(400, 'This Canvas launch does not say which school it comes from (no client_id). Open the quiz again from your course.'));
      }
      const target = params.lti_storage_target;
      if (!target || !/^[A-Za-z0-9_-]{1,64}$/.test(target)) return next();
      // ltijs answers the login with a redirect to the LMS's authorisation endpoint: the state is in it.
      const redirect = res.redirect.bind(res) as (url: string) => void;
      res.redirect = ((url: string) => {
        const authorize = new URL(url);
        const state = authorize.searchParams.get('state');
        if (!state) return redirect(url);
        framedByPoster(req, res);
        const task: PlatformStorageTask = { mode: 'put', target, platformOrigin: authorize.origin, key: storageKeyOf(state), value: stateProof(deps.ltiKey, state), next: url };
        res.status(200).type('html').send(page('Opening', html`<h1>Opening your course tool…</h1><p role="status">One moment.</p>
<noscript><p><a href="${url}">Continue</a></p></noscript>`, { data: taskData(task), module: 'platform-storage' }));
      }) as typeof res.redirect;
      return next();
    }

    if (req.path === deps.launchRoute && req.method === 'POST' && body.id_token && body.state) {
      const cookieName = `state${body.state}`;
      if ((req.signedCookies as Record<string, string> | undefined)?.[cookieName]) return next();
      const claims = unverifiedClaims(body.id_token);
      if (body[storageProofField] !== undefined) {
        if (!proofMatches(deps.ltiKey, body.state, body[storageProofField])) {
          return res.status(401).type('html').send(errorPage(401, 'Your browser kept neither the launch cookie nor the course\'s storage, so this launch could not be checked. Open the quiz again from your course; if it keeps happening, allow cookies for this site or use another browser.'));
        }
        // The proof stands in for the cookie: ltijs checks the issuer it names against the token's.
        req.signedCookies = { ...(req.signedCookies as Record<string, string>), [cookieName]: claims.iss };
        return next();
      }
      const target = body.lti_storage_target;
      if (!target || !/^[A-Za-z0-9_-]{1,64}$/.test(target)) return next();
      const found = await deps.lti.getPlatform(claims.iss, claims.aud).catch(() => false as const); // unknown: ltijs answers it
      const platform = Array.isArray(found) ? found[0] : found;
      if (!platform) return next(); // ltijs says "not registered"
      framedByPoster(req, res);
      const platformOrigin = new URL(await platform.platformAuthEndpoint()).origin;
      const task: PlatformStorageTask = { mode: 'get', target, platformOrigin, key: storageKeyOf(body.state), formId: 'launch-again', field: storageProofField };
      return res.status(200).type('html').send(page('Opening', html`<h1>Opening your course tool…</h1><p role="status">One moment.</p>
<form id="launch-again" method="post" action="${req.baseUrl}${deps.launchRoute}">
<input type="hidden" name="id_token" value="${body.id_token}"><input type="hidden" name="state" value="${body.state}">
<input type="hidden" name="lti_storage_target" value="${target}"><input type="hidden" name="${storageProofField}" value="">
</form>`, { data: taskData(task), module: 'platform-storage' }));
    }
    next();
  };
}
