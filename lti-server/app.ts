// The Express 5 host: ltijs under /lti, tool pages under /app, the extension's API under /ext.
import { canvasAuthorizationPages } from './routes/canvas-authorizations/index.ts';
import { coursePages } from './routes/courses/index.ts';
import { sessionPages } from './routes/sessions/index.ts';
import { auditorPages } from './routes/auditors/index.ts';
import { snapshotApi, snapshotPages } from './routes/snapshots/index.ts';
import express, { type Express } from 'express';
import type { Config } from './config.ts';
import type { Database } from './database.ts';
import { errorHandler } from './http/errors.ts';
import { sessionCodes } from './http/authenticate.ts';
import { createRateLimiter, floodGuard } from './http/rate-limit.ts';
import { frameAncestors } from './http/frame-ancestors.ts';
import { securityHeaders } from './http/security-headers.ts';
import { createTokenService } from './http/tokens.ts';
import type { Queue } from './jobs/queue.ts';
import { ltiUrls, startLtiProvider } from './lti/provider.ts';
import { assetsDir, clientAssets } from './client/build.ts';
import { useAssets } from './pages/assets.ts';
import { page } from './pages/layout.ts';
import { html } from './pages/html.ts';
import { accommodationPages } from './routes/accommodations/index.ts';
import { attemptApi, attemptPages } from './routes/attempts/index.ts';
import type { RouteContext } from './routes/context.ts';
import { eventApi } from './routes/events/index.ts';
import { flagApi } from './routes/flags/index.ts';
import { quizPages } from './routes/quizzes/index.ts';
import { bandwidthApi } from './routes/recordings/bandwidth.ts';
import { recordingApi } from './routes/recordings/index.ts';
import { extensionPackages } from './routes/extension-packages/index.ts';
import { adminApi } from './routes/platforms/index.ts';
import { adminPages } from './routes/admin-pages/index.ts';
import { adminKey } from './admin/running-server.ts';
import { lmsConnectionStore } from './gate/lms-connections.ts';
import { gateApi } from './routes/gates/index.ts';
import { registrationRoutes } from './routes/registrations/index.ts';
import { reviewPages } from './routes/reviews/index.ts';
import { decisionRoutes } from './routes/decisions/index.ts';
import { recordPages } from './routes/records/index.ts';
import type { Bucket } from './storage/bucket.ts';
import type { SessionFeed } from './live/session-feed.ts';

/** The extension API's largest body: a batch of events or flags. Chunks never pass through the server. */
export const extensionBodyLimit = '64kb';

export async function createApp(deps: { config: Config; db: Database; bucket: Bucket; queue: Queue; feed: SessionFeed }): Promise<Express> {
  const tokens = createTokenService(deps.config.appSecret);
  const ancestors = frameAncestors({ db: deps.db, configured: deps.config.frameAncestors });
  await ancestors.refresh();
  const lti = await startLtiProvider({ config: deps.config, db: deps.db, tokens, onLaunch: ancestors.remember });
  const context: RouteContext = { ...deps, tokens, lti, limiter: createRateLimiter(deps.db), connections: lmsConnectionStore(deps.db, deps.config.ltiKey) };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  // Only a runaway client hits this: a campus behind one address sends far less (300 students: ~10,000 a minute).
  app.use(['/ext', '/app', '/lti', '/extension'], floodGuard({ windowMs: 60_000, max: 30_000 }));
  app.use(securityHeaders({ https: deps.config.publicUrl.startsWith('https://'), mediaOrigin: deps.bucket.browserOrigin, frameAncestors: ancestors.list }));

  // The extension calls from its own origin (chrome-extension://, moz-extension://) with a bearer token, no cookies.
  const ext = express.Router();
  ext.use((req, res, next) => {
    const origin = req.get('origin');
    if (origin && /^(chrome-extension|moz-extension):\/\//.test(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Headers', 'authorization, content-type');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    if (req.method === 'OPTIONS') return res.status(204).end();
    next();
  });
  ext.use(express.json({ limit: extensionBodyLimit }));
  ext.use(attemptApi(context), gateApi(context), eventApi(context), flagApi(context), recordingApi(context), bandwidthApi(context), snapshotApi(context));
  ext.use((_req, _res, next) => next(Object.assign(new Error('No such endpoint.'), { status: 404 })));
  ext.use(errorHandler('json'));
  app.use('/ext', ext);

  useAssets(await clientAssets());
  const pages = express.Router();
  // Hashed names: a file's content never changes under its name.
  pages.use('/assets', express.static(assetsDir, { immutable: true, maxAge: '365d', index: false, fallthrough: false }));
  // The first page after a launch trades its one-time code for the course's session cookie.
  pages.use(sessionCodes(deps.db, { secure: deps.config.publicUrl.startsWith('https://') }));
  pages.use(quizPages(context), attemptPages(context), reviewPages(context), decisionRoutes(context), recordPages(context), accommodationPages(context), canvasAuthorizationPages(context), coursePages(context), sessionPages(context), auditorPages(context), snapshotPages(context));
  pages.use((_req, _res, next) => next(Object.assign(new Error('There is no such page.'), { status: 404 })));
  pages.use(errorHandler('html'));
  app.use('/app', pages);

  // Before ltijs: its own Dynamic Registration would fetch any address for anyone.
  app.use('/lti', registrationRoutes(context));
  app.use('/lti', lti.app);

  const installKey = adminKey(deps.config.dataDir, deps.config.adminKey).key;
  app.use('/admin/api', adminApi(context, installKey));
  app.use('/admin', adminPages(context, installKey));
  app.use('/extension', extensionPackages(context));
  app.use('/extension', errorHandler('html'));
  app.get('/', (_req, res) => {
    const urls = ltiUrls(deps.config.publicUrl);
    res.type('html').send(page('Invigil', html`<h1>Invigil</h1>
<p>Open, self-hostable remote proctoring for Canvas and Moodle. Register this tool in your LMS with these values:</p>
<dl>
<dt>Login (OIDC initiation) URL</dt><dd><code>${urls.login}</code></dd>
<dt>Launch (redirect) URL</dt><dd><code>${urls.launch}</code></dd>
<dt>Deep Linking URL</dt><dd><code>${urls.deepLinking}</code></dd>
<dt>Public keyset (JWKS) URL</dt><dd><code>${urls.keys}</code></dd>
<dt>Dynamic Registration</dt><dd>A one-time link for each LMS, made by an Invigil administrator: <code>npm run platform -- invite</code></dd>
</dl>`));
  });
  app.get('/healthz', (_req, res) => res.json({ ok: true }));
  return app;
}
