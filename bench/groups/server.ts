// Event ingest of the extension API: 1,000 concurrent attempts, each sending a heartbeat every 5 s and bursts of
// events, on loopback against real PostgreSQL. Every acknowledged event must be in the database afterwards.
import { count, inArray } from 'drizzle-orm';
import { Agent, setGlobalDispatcher } from 'undici';
import { attemptEvents, attempts, quizzes } from '../../models/schema.ts';
import { createTokenService } from '../../lti-server/http/tokens.ts';
import { signHeartbeat } from '../../models/heartbeat.ts';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../lti-server/database.ts';
import { createTestDatabase, freePort } from '../../test/support/invigil.ts';
import { quizSettingsSchema } from '../../models/contracts.ts';

const attemptCount = Number(process.env.BENCH_ATTEMPTS ?? 1000);
const durationMs = Number(process.env.BENCH_SECONDS ?? 30) * 1000;
const heartbeatMs = 5000;
const burstEveryMs = 3000;
/** The first seconds measure connection set-up and a cold server, reported apart from the steady state. */
const warmupMs = 5000;

function percentile(sorted: number[], p: number) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : 0;
}

async function startServerProcess() {
  const database = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'invigil-bench-'));
  const port = await freePort();
  const appSecret = randomBytes(32).toString('hex');
  const child = spawn(process.execPath, ['--import', 'tsx', 'lti-server/main.ts'], {
    env: {
      ...process.env, NODE_ENV: 'test', PORT: String(port), DATA_DIR: dataDir, DATABASE_URL: database.url, EMBEDDED_S3_PORT: '0',
      APP_SECRET: appSecret, LTI_KEY: randomBytes(32).toString('hex'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the server exited with code ${code}`)));
    child.stdout!.on('data', (data: Buffer) => { if (data.toString().includes('Invigil is running')) resolve(); });
  });
  const handle = await openDatabase({ kind: 'postgres', url: database.url });
  return {
    url: `http://127.0.0.1:${port}`,
    appSecret,
    database: handle,
    async stop() {
      await handle.close();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const serverBenchmark = {
  describe: `${attemptCount} attempts × (heartbeat every 5 s + event bursts every ~3 s) for ${durationMs / 1000} s after a ${warmupMs / 1000} s warm-up`,
  async run() {
    setGlobalDispatcher(new Agent({ connections: 256, pipelining: 1, keepAliveTimeout: 30_000 }));
    // The server runs in its own process, as in production, so the load generator does not share its event loop.
    const server = await startServerProcess();
    try {
      const tokens = createTokenService(server.appSecret);
      const db = server.database.db;
      const [quiz] = await db.insert(quizzes).values({
        issuer: 'https://lms.bench', clientId: 'bench', deploymentId: '1', contextId: 'c', title: 'Bench', quizUrl: 'https://lms.bench/q',
        settings: quizSettingsSchema.parse({ policyText: 'p' }), createdBy: 'bench',
      }).returning();
      const rows = await db.insert(attempts).values(Array.from({ length: attemptCount }, (_, i) => ({
        quizId: quiz.id, userId: `student-${i}`, status: 'in_progress' as const, startedAt: new Date(),
      }))).returning({ id: attempts.id });
      const clients = await Promise.all(rows.map(async (r) => ({ id: r.id, token: await tokens.attempt.sign(r.id) })));

      const latencies: { at: number; ms: number; events: number }[] = [];
      let acknowledged = 0;
      let failures = 0;
      let heartbeats = 0;
      const post = async (client: { id: string; token: string }, suffix: string, body: unknown) => {
        const started = performance.now();
        const response = await fetch(`${server.url}/ext/attempts/${client.id}${suffix}`, {
          method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${client.token}` }, body: JSON.stringify(body),
        });
        const data = await response.json();
        return { ok: response.ok, ms: performance.now() - started, data };
      };

      const deadline = Date.now() + warmupMs + durationMs;
      const runClient = async (client: { id: string; token: string }, index: number) => {
        let seq = 0;
        let beat = 0;
        let nextHeartbeat = Date.now() + (index * heartbeatMs) / attemptCount;
        let nextBurst = Date.now() + Math.random() * burstEveryMs;
        while (Date.now() < deadline) {
          const wake = Math.min(nextHeartbeat, nextBurst);
          await new Promise((r) => setTimeout(r, Math.max(0, wake - Date.now())));
          if (Date.now() >= deadline) break;
          try {
            if (Date.now() >= nextHeartbeat) {
              nextHeartbeat += heartbeatMs;
              heartbeats += 1;
              const signed = { counter: ++beat, sentAt: Date.now() };
              const result = await post(client, '/heartbeat', { ...signed, signature: await signHeartbeat(client.token, client.id, signed) });
              if (!result.ok) failures += 1;
            } else {
              nextBurst += burstEveryMs * (0.5 + Math.random());
              const size = 1 + Math.floor(Math.random() * 10);
              const events = Array.from({ length: size }, () => ({ id: `e${++seq}`, type: 'window_blur', at: Date.now(), details: { n: seq } }));
              const result = await post(client, '/events', { events });
              if (result.ok) {
                acknowledged += result.data.accepted;
                latencies.push({ at: Date.now(), ms: result.ms, events: result.data.accepted });
              } else failures += 1;
            }
          } catch {
            failures += 1;
          }
        }
      };
      const started = Date.now();
      await Promise.all(clients.map(runClient));
      const steadyFrom = started + warmupMs;
      const steadySeconds = (Date.now() - steadyFrom) / 1000;
      const [stored] = await db.select({ n: count() }).from(attemptEvents).where(inArray(attemptEvents.attemptId, clients.map((c) => c.id)));
      const steady = latencies.filter((l) => l.at >= steadyFrom);
      const sortedMs = (list: typeof latencies) => list.map((l) => l.ms).sort((a, b) => a - b);
      return {
        attempts: attemptCount,
        events_per_s: steady.reduce((n, l) => n + l.events, 0) / steadySeconds,
        event_p50_ms: percentile(sortedMs(steady), 50),
        event_p99_ms: percentile(sortedMs(steady), 99),
        warmup_p99_ms: percentile(sortedMs(latencies.filter((l) => l.at < steadyFrom)), 99),
        failed_requests: failures,
        lost_events: acknowledged - Number(stored.n),
      };
    } finally {
      await server.stop();
    }
  },
};
