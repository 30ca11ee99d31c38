// Event ingest of the extension API: 1,000 concurrent attempts, each sending a heartbeat every 5 s and bursts of
// events, on loopback against real PostgreSQL. Halfway through, the server process is killed (SIGKILL) and started
// again on the same database; every event it acknowledged, before or after, must be in the database: the sets of
// acknowledged and stored event ids are compared.
import { inArray } from 'drizzle-orm';
import { Agent, setGlobalDispatcher } from 'undici';
import { attemptEvents, attempts, quizzes } from '../../models/schema.ts';
import { createTokenService } from '../../lti-server/http/tokens.ts';
import { signHeartbeat } from '../../models/heartbeat.ts';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../lti-server/database.ts';
import { createTestDatabase, freePort } from '../../test/support/invigil.ts';
import { startServer, stopServer } from '../../test/support/server-process.ts';
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
  const ltiKey = randomBytes(32).toString('hex');
  const spawnServer = () => startServer({
    NODE_ENV: 'test', PORT: String(port), DATA_DIR: dataDir, DATABASE_URL: database.url, EMBEDDED_S3_PORT: '0', APP_SECRET: appSecret, LTI_KEY: ltiKey,
  });
  let child = await spawnServer();
  const handle = await openDatabase({ kind: 'postgres', url: database.url });
  return {
    url: `http://127.0.0.1:${port}`,
    /** CPU milliseconds the server process has used (user + system, from /proc). */
    cpuMs() {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      // utime and stime are fields 14 and 15 of stat (11 and 12 after the command), in clock ticks of 10 ms.
      return (Number(fields[11]) + Number(fields[12])) * 10;
    },
    appSecret,
    database: handle,
    /** As a crash would: no shutdown, then a new process on the same port and database. */
    async killAndRestart() {
      await stopServer(child, 'SIGKILL');
      child = await spawnServer();
    },
    async stop() {
      await handle.close();
      await stopServer(child);
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const serverBenchmark = {
  needsExtension: false,
  describe: `${attemptCount} attempts × (heartbeat every 5 s + event bursts every ~3 s) for ${durationMs / 1000} s after a ${warmupMs / 1000} s warm-up, the server killed and restarted halfway`,
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
      /** `attemptId/eventId` of every event the server acknowledged (2xx). */
      const acknowledged = new Set<string>();
      let failures = 0;
      /** When each answered request (heartbeat or events) finished: the CPU figure's denominator. */
      const answered: number[] = [];
      const post = async (client: { id: string; token: string }, suffix: string, body: unknown) => {
        const started = performance.now();
        const response = await fetch(`${server.url}/ext/attempts/${client.id}${suffix}`, {
          method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${client.token}` }, body: JSON.stringify(body),
        });
        const data = await response.json() as { accepted?: number };
        answered.push(Date.now());
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
              const signed = { counter: ++beat, sentAt: Date.now() };
              const result = await post(client, '/heartbeat', { ...signed, signature: await signHeartbeat(client.token, client.id, signed) });
              if (!result.ok) failures += 1;
            } else {
              nextBurst += burstEveryMs * (0.5 + Math.random());
              const size = 1 + Math.floor(Math.random() * 10);
              const events = Array.from({ length: size }, () => ({ id: `e${++seq}`, type: 'tab_switch', at: Date.now(), details: { n: seq } }));
              const result = await post(client, '/events', { events });
              if (result.ok) {
                for (const e of events) acknowledged.add(`${client.id}/${e.id}`);
                latencies.push({ at: Date.now(), ms: result.ms, events: events.length });
              } else failures += 1;
            }
          } catch {
            failures += 1;
          }
        }
      };
      const started = Date.now();
      const load = Promise.all(clients.map(runClient));
      // Halfway through the steady state, the server dies and comes back; requests in between fail, as they would.
      await new Promise((r) => setTimeout(r, warmupMs));
      const cpuFrom = { at: Date.now(), ms: server.cpuMs() };
      await new Promise((r) => setTimeout(r, durationMs / 2));
      const cpuTo = { at: Date.now(), ms: server.cpuMs() };
      const restartStarted = Date.now();
      await server.killAndRestart();
      const restartMs = Date.now() - restartStarted;
      await load;
      const steadyFrom = started + warmupMs;
      const steadySeconds = (Date.now() - steadyFrom) / 1000;
      const stored = new Set((await db.select({ attemptId: attemptEvents.attemptId, id: attemptEvents.clientEventId }).from(attemptEvents)
        .where(inArray(attemptEvents.attemptId, clients.map((c) => c.id)))).map((e) => `${e.attemptId}/${e.id}`));
      const lost = [...acknowledged].filter((id) => !stored.has(id));
      // Latencies around the restart measure the restart, not ingest.
      const steady = latencies.filter((l) => l.at >= steadyFrom && (l.at < restartStarted || l.at > restartStarted + restartMs + 2000));
      const sortedMs = (list: typeof latencies) => list.map((l) => l.ms).sort((a, b) => a - b);
      return {
        attempts: attemptCount,
        events_per_s: steady.reduce((n, l) => n + l.events, 0) / steadySeconds,
        event_p50_ms: percentile(sortedMs(steady), 50),
        event_p99_ms: percentile(sortedMs(steady), 99),
        warmup_p99_ms: percentile(sortedMs(latencies.filter((l) => l.at < steadyFrom)), 99),
        failed_requests: failures,
        // The first server process over the steady half before the restart: its CPU time per request it answered.
        cpu_ms_per_request: (cpuTo.ms - cpuFrom.ms) / Math.max(1, answered.filter((t) => t >= cpuFrom.at && t < cpuTo.at).length),
        restart_ms: restartMs,
        acknowledged_events: acknowledged.size,
        lost_events: lost.length,
      };
    } finally {
      await server.stop();
    }
  },
};
