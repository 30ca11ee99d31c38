// Event ingest of the extension API: 1,000 concurrent attempts, each sending a heartbeat every 5 s and bursts of
// events, on loopback against real PostgreSQL. Every acknowledged event must be in the database afterwards.
import { count, inArray } from 'drizzle-orm';
import { Agent, setGlobalDispatcher } from 'undici';
import { attemptEvents, attempts, quizzes } from '../../models/schema.ts';
import { createTokenService } from '../../lti-server/http/tokens.ts';
import { startTestInvigil } from '../../test/support/invigil.ts';

const attemptCount = Number(process.env.BENCH_ATTEMPTS ?? 1000);
const durationMs = Number(process.env.BENCH_SECONDS ?? 30) * 1000;
const heartbeatMs = 5000;
const burstEveryMs = 3000;

function percentile(sorted: number[], p: number) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : 0;
}

export const serverBenchmark = {
  describe: `${attemptCount} attempts × (heartbeat every 5 s + event bursts every ~3 s) for ${durationMs / 1000} s`,
  async run() {
    setGlobalDispatcher(new Agent({ connections: 256, pipelining: 1, keepAliveTimeout: 30_000 }));
    const invigil = await startTestInvigil();
    try {
      const tokens = createTokenService(invigil.config.appSecret);
      const [quiz] = await invigil.db.insert(quizzes).values({
        issuer: 'https://lms.bench', clientId: 'bench', deploymentId: '1', contextId: 'c', title: 'Bench', quizUrl: 'https://lms.bench/q',
        settings: { recordWebcam: true, recordScreen: true, lockdown: true, policyText: 'p' }, createdBy: 'bench',
      }).returning();
      const rows = await invigil.db.insert(attempts).values(Array.from({ length: attemptCount }, (_, i) => ({
        quizId: quiz.id, userId: `student-${i}`, status: 'in_progress' as const, startedAt: new Date(),
      }))).returning({ id: attempts.id });
      const clients = await Promise.all(rows.map(async (r) => ({ id: r.id, token: await tokens.attempt.sign(r.id) })));

      const latencies: number[] = [];
      let acknowledged = 0;
      let failures = 0;
      let heartbeats = 0;
      const post = async (client: { id: string; token: string }, suffix: string, body: unknown) => {
        const started = performance.now();
        const response = await fetch(`${invigil.url}/ext/attempts/${client.id}${suffix}`, {
          method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${client.token}` }, body: JSON.stringify(body),
        });
        const data = await response.json();
        return { ok: response.ok, ms: performance.now() - started, data };
      };

      const deadline = Date.now() + durationMs;
      const runClient = async (client: { id: string; token: string }, index: number) => {
        let seq = 0;
        let nextHeartbeat = Date.now() + (index * heartbeatMs) / attemptCount;
        let nextBurst = Date.now() + Math.random() * burstEveryMs;
        while (Date.now() < deadline) {
          const wake = Math.min(nextHeartbeat, nextBurst);
          await new Promise((r) => setTimeout(r, Math.max(0, wake - Date.now())));
          if (Date.now() >= deadline) break;
          try {
            if (Date.now() >= nextHeartbeat) {
              nextHeartbeat += heartbeatMs;
              const result = await post(client, '/heartbeat', { counter: ++heartbeats, sentAt: Date.now() });
              if (!result.ok) failures += 1;
            } else {
              nextBurst += burstEveryMs * (0.5 + Math.random());
              const size = 1 + Math.floor(Math.random() * 10);
              const events = Array.from({ length: size }, () => ({ id: `e${++seq}`, type: 'window_blur', at: Date.now(), details: { n: seq } }));
              const result = await post(client, '/events', { events });
              if (result.ok) {
                acknowledged += result.data.accepted;
                latencies.push(result.ms);
              } else failures += 1;
            }
          } catch {
            failures += 1;
          }
        }
      };
      const started = Date.now();
      await Promise.all(clients.map(runClient));
      const elapsedS = (Date.now() - started) / 1000;
      const [stored] = await invigil.db.select({ n: count() }).from(attemptEvents).where(inArray(attemptEvents.attemptId, clients.map((c) => c.id)));
      latencies.sort((a, b) => a - b);
      return {
        attempts: attemptCount,
        events_per_s: acknowledged / elapsedS,
        event_p50_ms: percentile(latencies, 50),
        event_p99_ms: percentile(latencies, 99),
        failed_requests: failures,
        lost_events: acknowledged - Number(stored.n),
      };
    } finally {
      await invigil.close();
    }
  },
};
