// `npm start`: opens the database (PGlite unless DATABASE_URL is set), an S3 bucket (embedded unless S3_BUCKET is
// set), the job queue and the web server, then prints what an LMS admin needs to register the tool.
import type { Server } from 'node:http';
import path from 'node:path';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { DatabaseUnavailableError, openDatabase } from './database.ts';
import { createApp } from './app.ts';
import { watchRunningAttempts } from './jobs/running-attempts-watch.ts';
import { liveDashboards } from './live/live-dashboards.ts';
import { startQueue } from './jobs/queue.ts';
import { canvasConnectionStore } from './gate/canvas-connections.ts';
import { ltiUrls } from './lti/provider.ts';
import { describeMediaTools } from './media/ffmpeg.ts';
import { createBucket } from './storage/bucket.ts';
import { startEmbeddedS3 } from './storage/embedded-s3.ts';
import { adminKey, announceServer, withdrawServer } from './admin/running-server.ts';

/**
 * The bucket is checked (and made, if missing) at start, but an unreachable S3 does not stop the server from
 * starting: attempts keep their chunks in the browser until it answers, so the check is retried until it passes.
 */
function ensureBucketSoon(bucket: ReturnType<typeof createBucket>) {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  /** `retried`: how long the last wait was (0 on the first try); waits double from 2 s up to 30 s. */
  const attempt = (retried: number) => {
    bucket.ensureExists().then(() => {
      if (retried) console.log('[storage] the bucket answers again.');
    }, (error: Error) => {
      if (stopped) return;
      const wait = retried ? Math.min(retried * 2, 30_000) : 2000;
      console.warn(`[storage] the bucket did not answer (${error.name}: ${error.message}); uploads wait for it. Trying again in ${wait / 1000} s.`);
      timer = setTimeout(() => attempt(wait), wait);
      timer.unref();
    });
  };
  attempt(0);
  return { stop: () => { stopped = true; clearTimeout(timer); } };
}

export async function startInvigil(config: Config) {
  const database = await openDatabase(config.database);
  const embeddedS3 = config.s3.embedded
    ? await startEmbeddedS3({ directory: path.join(config.dataDir, 's3'), port: config.s3.embeddedPort, credentials: config.s3 })
    : undefined;
  const bucket = createBucket(config.s3, embeddedS3?.endpoint ?? config.s3.endpoint);
  const storageCheck = ensureBucketSoon(bucket);
  const queue = await startQueue({ db: database.db, bucket, queueOptions: database.queueOptions, canvas: canvasConnectionStore(database.db, config.ltiKey), mail: config.mail });
  const feed = liveDashboards(database.db, database.listen, config.heartbeatTimeoutMs);
  await feed.start();
  const app = await createApp({ config, db: database.db, bucket, queue, feed });
  const attemptWatch = watchRunningAttempts(database.db, queue, { heartbeatTimeoutMs: config.heartbeatTimeoutMs, idleFinalizeMs: config.idleFinalizeMs });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  // The command line finds this server here and sends admin changes through it.
  announceServer(config.dataDir, `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${port}`);
  return {
    port,
    bucket,
    db: database.db,
    queue,
    s3Endpoint: embeddedS3?.endpoint ?? config.s3.endpoint,
    /** Stops everything, in order, even when one step fails; the first failure is rethrown at the end. */
    async close() {
      const failures: unknown[] = [];
      const step = async (run: () => unknown) => {
        try {
          await run();
        } catch (error) {
          failures.push(error);
        }
      };
      withdrawServer(config.dataDir);
      await step(() => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }));
      await step(() => attemptWatch.stop());
      await step(() => feed.stop());
      storageCheck.stop();
      await step(() => queue.stop());
      await step(() => bucket.destroy());
      await step(() => embeddedS3?.close());
      await step(() => database.close());
      if (failures.length) throw failures[0];
    },
  };
}

async function main() {
  const config = loadConfig();
  // Before start: the key's first creation is the one moment it is printed.
  const admin = adminKey(config.dataDir, config.adminKey);
  const running = await startInvigil(config);
  const urls = ltiUrls(config.publicUrl);
  console.log([
    `Invigil is running on http://${config.host}:${running.port} (public URL ${config.publicUrl})`,
    `  database: ${config.database.kind === 'pglite' ? `embedded PGlite in ${config.database.dir}` : 'PostgreSQL (DATABASE_URL)'}`,
    `  storage:  ${config.s3.embedded ? `embedded S3 at ${running.s3Endpoint}, bucket ${config.s3.bucket}` : `S3 bucket ${config.s3.bucket}`}`,
    `  remux:    ${describeMediaTools()}`,
    '',
    'Register the tool in your LMS (LTI 1.3) with:',
    `  Login (OIDC initiation) URL: ${urls.login}`,
    `  Launch (redirect) URL:       ${urls.launch}`,
    `  Deep Linking URL:            ${urls.deepLinking}`,
    `  Public keyset (JWKS) URL:    ${urls.keys}`,
    "  Dynamic Registration:        a one-time link from `npm run platform -- invite`",
    '',
    'Or register a platform by hand: npm run platform -- add --help',
    ...(admin.created ? ['', `Admin key (made now, kept in ${admin.file}; the command line uses it): ${admin.key}`] : []),
  ].join('\n'));
  const stop = () => {
    running.close().then(() => process.exit(0), (error: Error) => {
      console.error(`Invigil did not stop cleanly: ${error.message}`);
      process.exit(1);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    if (error instanceof ConfigError || error instanceof DatabaseUnavailableError) {
      console.error(`Invigil cannot start.\n${error.message}`);
    } else {
      console.error('Invigil cannot start:', error);
    }
    process.exit(1);
  });
}
