// Live dashboards at scale: 10,000 Server-Sent Event streams on one server process (each an auditor of one session,
// so each its own principal), then a student event — a flag through the extension API — timed until every stream has
// its alert (`live.fanout_p99_ms`); the same with a second server process publishing (`live.cross_instance_p99_ms`:
// PostgreSQL NOTIFY from one instance to the streams of the other); and the server's memory per stream.
import { request, type ClientRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { quizSettingsSchema } from '../../models/contracts.ts';
import { attempts, proctoredSessions, quizzes, sessionAuditors, sessionParticipants } from '../../models/schema.ts';
import { openDatabase } from '../../lti-server/database.ts';
import { createTokenService, hashSecret } from '../../lti-server/http/tokens.ts';
import { createTestDatabase, freePort } from '../../test/support/invigil.ts';
import { startServer, stopServer } from '../../test/support/server-process.ts';

const clientCount = Number(process.env.BENCH_LIVE_CLIENTS ?? 10_000);
const rounds = Number(process.env.BENCH_LIVE_ROUNDS ?? 5);

const percentile = (list: number[], p: number) => [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.max(0, Math.ceil(p * list.length) - 1))];
const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

/** One stream: resolves when it is open; `seen(marker)` resolves with the time the marker first arrives. */
function openStream(url: string) {
  const waiting = new Map<string, (at: number) => void>();
  let buffer = '';
  let req: ClientRequest;
  const opened = new Promise<void>((resolve, reject) => {
    req = request(url, { headers: { accept: 'text/event-stream' }, agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const at = performance.now();
        buffer = (buffer + chunk).slice(-4000);
        for (const [marker, resolveSeen] of waiting) if (buffer.includes(marker)) { waiting.delete(marker); resolveSeen(at); }
      });
      resolve();
    });
    req.on('error', reject);
    req.end();
  });
  return {
    opened,
    seen: (marker: string) => new Promise<number>((resolve) => waiting.set(marker, resolve)),
    close: () => req.destroy(),
  };
}

export const liveBenchmark = {
  needsExtension: false,
  describe: `${clientCount} live-dashboard streams on one server process; ${rounds} flags each timed to every stream, on the same process and across two`,
  async run() {
    const database = await createTestDatabase();
    const dirs = [mkdtempSync(path.join(tmpdir(), 'invigil-live-a-')), mkdtempSync(path.join(tmpdir(), 'invigil-live-b-'))];
    const ports = [await freePort(), await freePort()];
    const appSecret = randomBytes(32).toString('hex');
    const ltiKey = randomBytes(32).toString('hex');
    const env = (i: number) => ({ NODE_ENV: 'test', PORT: String(ports[i]), DATA_DIR: dirs[i], DATABASE_URL: database.url, EMBEDDED_S3_PORT: '0', APP_SECRET: appSecret, LTI_KEY: ltiKey, NODE_OPTIONS: '--openssl-legacy-provider' });
    const servers = [await startServer(env(0)), await startServer(env(1))];
    const handle = await openDatabase({ kind: 'postgres', url: database.url });
    const streams: ReturnType<typeof openStream>[] = [];
    try {
      const db = handle.db;
      const [quiz] = await db.insert(quizzes).values({
        issuer: 'https://lms.bench', clientId: 'bench', deploymentId: '1', contextId: 'c', title: 'Live', quizUrl: 'https://lms.bench/q', settings: quizSettingsSchema.parse({ policyText: 'p' }), createdBy: 'bench',
      }).returning();
      const [session] = await db.insert(proctoredSessions).values({
        quizId: quiz.id, name: 'Live bench', proctors: [{ userId: 'p', name: 'P' }], startsAt: new Date(), startedAt: new Date(), durationMinutes: 120, maxUsers: 1000,
        enrollmentCode: 'Bnch4Live', enrollmentMode: 'automatic',
      }).returning();
      const [attempt] = await db.insert(attempts).values({ quizId: quiz.id, userId: 'student', status: 'in_progress', startedAt: new Date(), lastHeartbeatAt: new Date() }).returning();
      await db.insert(sessionParticipants).values({ sessionId: session.id, userId: 'student', name: 'Student', status: 'in_session', source: 'code', attemptId: attempt.id, startedAt: new Date() });
      const attemptToken = await createTokenService(appSecret).attempt.sign(attempt.id);
      const tokens = Array.from({ length: clientCount }, () => randomBytes(24).toString('base64url'));
      for (let i = 0; i < tokens.length; i += 1000) {
        await db.insert(sessionAuditors).values(tokens.slice(i, i + 1000).map((t) => ({ sessionId: session.id, email: 'a@bench', tokenHash: hashSecret(t), expiresAt: new Date(Date.now() + 86_400_000), invitedBy: 'p' })));
      }
      const before = rssKb(servers[0].pid!);
      // All on the first process, opened a hundred at a time.
      for (let i = 0; i < tokens.length; i += 100) {
        const batch = tokens.slice(i, i + 100).map((t) => openStream(`http://127.0.0.1:${ports[0]}/app/audit/${t}/live`));
        await Promise.all(batch.map((s) => s.opened));
        streams.push(...batch);
      }
      await new Promise((r) => setTimeout(r, 2000));
      const after = rssKb(servers[0].pid!);

      const flagThrough = async (port: number, n: number) => {
        const marker = `bench-${port}-${n}-${randomBytes(4).toString('hex')}`;
        const arrivals = streams.map((s) => s.seen(marker));
        const at = Date.now();
        const sent = performance.now();
        const response = await fetch(`http://127.0.0.1:${port}/ext/attempts/${attempt.id}/flags`, {
          method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${attemptToken}` },
          body: JSON.stringify({ flags: [{ id: marker, type: 'phone', severity: 'high', startedAt: at, endedAt: at + 1000, explanation: { model: 'bench', thresholds: {}, scores: [], samples: 1, samplesHeld: 1, summary: marker } }] }),
        });
        if (!response.ok) throw new Error(`the flag was refused: ${response.status} ${await response.text()}`);
        return (await Promise.all(arrivals)).map((t) => t - sent);
      };
      const same: number[] = [];
      const cross: number[] = [];
      for (let n = 0; n < rounds; n++) {
        same.push(...await flagThrough(ports[0], n));
        // Published by the second process (its flag route), heard by the first's streams through NOTIFY.
        cross.push(...await flagThrough(ports[1], n));
      }
      return {
        'live.dashboard_clients': streams.length,
        'live.fanout_p50_ms': percentile(same, 0.5),
        'live.fanout_p99_ms': percentile(same, 0.99),
        'live.cross_instance_p99_ms': percentile(cross, 0.99),
        'live.memory_kb_per_client': (after - before) / streams.length,
      };
    } finally {
      for (const s of streams) s.close();
      await handle.close();
      for (const s of servers) await stopServer(s);
      await database.drop();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  },
};
