// ltijs set up in serverless mode on our database plugin. It validates launches; we turn each valid launch into a
// row of `launches` and send the user on to our own pages with an app session.
import { and, eq, isNull } from 'drizzle-orm';
import type { Request, Response } from 'express';
import ltijs, { type IdToken, type Provider } from 'ltijs';
import { launches, quizzes } from '../../models/schema.ts';
import type { Config } from '../config.ts';
import type { Database } from '../database.ts';
import { roleFromLti } from '../http/actors.ts';
import { installAsyncPlatformKeys } from './platform-keys.ts';
import { launchOrigins } from '../http/frame-ancestors.ts';
import { startSession } from '../http/sessions.ts';
import type { TokenService } from '../http/tokens.ts';
import { errorPage } from '../pages/layout.ts';
import { createLtiDatabasePlugin } from './database-plugin.ts';
import { launchFront } from './launch-front.ts';

/** How old an id_token may be, in seconds. Nonces are kept far longer (see database-plugin.ts). */
export const tokenMaxAge = 60;

export const ltiPaths = { login: '/login', launch: '/', keys: '/keys', register: '/register' };

export function ltiUrls(publicUrl: string) {
  const base = `${publicUrl}/lti`;
  return {
    login: `${base}${ltiPaths.login}`,
    launch: base,
    deepLinking: base,
    keys: `${base}${ltiPaths.keys}`,
    register: `${base}${ltiPaths.register}`,
  };
}

const provider: Provider = (ltijs as unknown as { Provider: Provider }).Provider;

function rejected(status: number, message: string) {
  return (_req: Request, res: Response) => res.status(status).type('html').send(errorPage(status, message));
}

/**
 * What of an id_token is kept: what later requests need (the course, the resource link, course roles, Deep Linking,
 * the roster and grade services, where the LMS frames us from), not profile claims (the e-mail has its own column,
 * for the review's notifications).
 */
const keptContext = ['messageType', 'version', 'targetLinkUri', 'contextId', 'path', 'context', 'resource', 'roles', 'deepLinkingSettings', 'namesRoles', 'endpoint', 'launchPresentation'] as const;
const keptCustom = ['allowed_attempts', 'canvas_course_id', 'canvas_user_id', 'canvas_api_base_url'] as const;
export function launchClaims(token: IdToken): Record<string, unknown> {
  const context = token.platformContext as unknown as Record<string, unknown>;
  const raw = token as unknown as Record<string, unknown>;
  return JSON.parse(JSON.stringify({
    iss: token.iss, clientId: token.clientId, deploymentId: token.deploymentId, platformId: raw.platformId, user: token.user,
    platformContext: {
      ...Object.fromEntries(keptContext.filter((k) => k in context).map((k) => [k, context[k]])),
      // Of the custom parameters, only these are used later: the LMS's attempt limit (models/contracts.ts
      // attemptLimit), and Canvas's course, user and API address (the access-code gate, gate/canvas-api.ts).
      custom: Object.fromEntries(keptCustom.map((k) => [k, (context.custom as Record<string, unknown> | undefined)?.[k]])),
    },
    placement: raw['https://www.instructure.com/placement'],
  })) as Record<string, unknown>;
}

/** The redirect's query after a launch: the course scope and a one-time code for the session cookie (http/authenticate.ts). */
async function sessionHandOff(db: Database, launch: typeof launches.$inferSelect) {
  const { scope, code } = await startSession(db, launch);
  return `c=${scope}&code=${encodeURIComponent(code)}`;
}

async function recordLaunch(db: Database, token: IdToken) {
  const context = token.platformContext;
  const [launch] = await db.insert(launches).values({
    userId: token.user,
    userName: token.userInfo?.name ?? ([token.userInfo?.given_name, token.userInfo?.family_name].filter(Boolean).join(' ') || null),
    email: typeof token.userInfo?.email === 'string' && token.userInfo.email.includes('@') ? token.userInfo.email.slice(0, 320) : null,
    roles: context.roles ?? [],
    issuer: token.iss,
    clientId: token.clientId,
    deploymentId: token.deploymentId,
    contextId: context.context?.id ?? null,
    resourceLinkId: context.resource?.id ?? null,
    messageType: context.messageType,
    token: launchClaims(token),
  }).returning();
  return launch;
}

/** The quiz behind a resource link: bound on its first launch through the custom parameter our deep link set. */
async function quizForLaunch(db: Database, launch: typeof launches.$inferSelect, custom: Record<string, string> | undefined) {
  const sameDeployment = and(eq(quizzes.issuer, launch.issuer), eq(quizzes.clientId, launch.clientId), eq(quizzes.deploymentId, launch.deploymentId));
  if (launch.resourceLinkId) {
    const [bound] = await db.select().from(quizzes).where(and(sameDeployment, eq(quizzes.resourceLinkId, launch.resourceLinkId)));
    if (bound) return bound;
  }
  const quizId = custom?.invigil_quiz;
  if (!quizId || !/^[0-9a-f-]{36}$/.test(quizId)) return undefined;
  const [quiz] = await db.select().from(quizzes).where(and(sameDeployment, eq(quizzes.id, quizId)));
  if (quiz && launch.resourceLinkId && !quiz.resourceLinkId) {
    await db.update(quizzes).set({ resourceLinkId: launch.resourceLinkId }).where(and(eq(quizzes.id, quiz.id), isNull(quizzes.resourceLinkId)));
  }
  return quiz;
}

export async function startLtiProvider(options: { config: Config; db: Database; tokens: TokenService; onLaunch?: (origins: string[]) => void }) {
  const { config, db } = options;
  const secure = config.publicUrl.startsWith('https://');
  installAsyncPlatformKeys();
  provider.setup(config.ltiKey, { plugin: createLtiDatabasePlugin(db) }, {
    appRoute: ltiPaths.launch,
    loginRoute: ltiPaths.login,
    keysetRoute: ltiPaths.keys,
    // Launches arrive inside cross-site LMS iframes: cookies must be Secure; SameSite=None there.
    cookies: { secure, sameSite: secure ? 'None' : 'Lax' },
    devMode: false,
    tokenMaxAge,
    // No ltijs session cookie and no ltik redirect: a valid launch goes straight to onConnect, which starts our own
    // session (http/sessions.ts). One cookie fewer to lose in a third-party iframe.
    ltiaas: true,
    // ltijs's CORS reflects any origin with credentials; our pages need none of it.
    cors: false,
    // Dynamic Registration is ours (routes/registrations): only through an admin's one-time link.
    serverAddon: (app: import('express').Express) => {
      // Canvas's field names and platform storage, in front of ltijs's login and launch (lti/launch-front.ts).
      app.use(launchFront({ lti: provider, ltiKey: config.ltiKey, loginRoute: ltiPaths.login, launchRoute: ltiPaths.launch }));
      // ltijs has no `partitioned` cookie option; browsers need it for cookies in third-party iframes.
      if (!secure) return;
      app.use((_req, res, next) => {
        const setHeader = res.setHeader.bind(res);
        res.setHeader = (name: string, value: number | string | readonly string[]) => {
          if (name.toLowerCase() === 'set-cookie') {
            const list = (Array.isArray(value) ? value : [String(value)]).map((c: string) => (/;\s*Partitioned/i.test(c) ? c : `${c}; Partitioned`));
            return setHeader(name, list);
          }
          return setHeader(name, value);
        };
        next();
      });
    },
  });

  provider.onConnect(async (token, _req, res) => {
    const launch = await recordLaunch(db, token);
    options.onLaunch?.(launchOrigins(token.iss, launch.token));
    const quiz = await quizForLaunch(db, launch, token.platformContext.custom);
    const instructor = roleFromLti(launch.roles) === 'instructor';
    // Course navigation (Canvas) and any link not bound to a quiz: the instructor's list of the course's quizzes.
    if (instructor && launch.contextId && (!quiz || launch.token.placement === 'course_navigation')) {
      return res.redirect(`/app/course?${await sessionHandOff(db, launch)}`);
    }
    if (!quiz) {
      return res.status(404).type('html').send(errorPage(404, instructor
        ? 'This link is not set up as a proctored quiz yet. Add it again through "Proctored quiz" in your course\'s tool picker.'
        : 'This proctored quiz is not set up yet. Ask your instructor.'));
    }
    const path = instructor ? `/app/quizzes/${quiz.id}/attempts` : `/app/quizzes/${quiz.id}/take`;
    return res.redirect(`${path}?${await sessionHandOff(db, launch)}`);
  });
  provider.onDeepLinking(async (token, _req, res) => {
    const launch = await recordLaunch(db, token);
    options.onLaunch?.(launchOrigins(token.iss, launch.token));
    return res.redirect(`/app/deep-link?${await sessionHandOff(db, launch)}`);
  });
  provider.onInvalidToken(rejected(401, 'This launch could not be verified (its signature, audience, age, nonce or deployment was not accepted). Open the quiz again from your course; if it keeps happening, tell your LMS administrator.'));
  provider.onUnregisteredPlatform(rejected(400, 'This LMS is not registered with Invigil. An administrator must register it first.'));
  provider.onInactivePlatform(rejected(401, 'This LMS registration is not activated yet. An administrator must activate it (npm run platform -- activate).'));
  provider.onSessionTimeout(rejected(401, 'Your session has expired. Open the quiz again from your course.'));

  await provider.deploy({ serverless: true, silent: true });
  return provider;
}

export { provider as ltiProvider };
