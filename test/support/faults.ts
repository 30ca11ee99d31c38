// Faults survived, measured: attempts record (heartbeats, events, a flag, webcam chunks, through the extension's own
// API client and retry) against two server processes on one PostgreSQL and one S3 while PostgreSQL is restarted,
// S3 is unreachable for a while and one server process is killed and started again. Then every attempt finishes,
// and what the servers acknowledged before, during and after is compared with what they stored. Used by
// test/server/faults.test.ts and `npm run bench -- faults`.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import { createAttemptApi, withRetry } from '../../extension/attempt/api.ts';
import { openDatabase } from '../../lti-server/database.ts';
import { createTokenService } from '../../lti-server/http/tokens.ts';
import { startEmbeddedS3 } from '../../lti-server/storage/embedded-s3.ts';
import { quizSettingsSchema } from '../../models/contracts.ts';
import { signHeartbeat } from '../../models/heartbeat.ts';
import { attemptEvents, attempts, chunks, flags, quizzes, recordings } from '../../models/schema.ts';
import { startThrowaway } from '../setup/postgres.ts';
import { startCuttableProxy } from './cuttable-proxy.ts';
import { freePort } from './invigil.ts';
import { startServer, stopServer } from './server-process.ts';
import { until } from './wait.ts';
import { makeLiveWebm, sha256, sliceIntoChunks } from './media.ts';

export type FaultOptions = { attempts: number; s3OutageMs: number; log?: (line: string) => void };
const heartbeatTimeoutSeconds = 3;


export async function runFaultScenario(options: FaultOptions) {
  const log = options.log ?? (() => undefined);
  const work = mkdtempSync(path.join(tmpdir(), 'invigil-faults-'));
  const postgres = await startThrowaway();
  const credentials = { accessKeyId: 'faults', secretAccessKey: randomBytes(24).toString('hex') };
  const s3 = await startEmbeddedS3({ directory: path.join(work, 's3'), port: 0, credentials });
  const s3Proxy = await startCuttableProxy({ host: '127.0.0.1', port: Number(new URL(s3.endpoint).port) });
  const appSecret = randomBytes(32).toString('hex');
  const ports = [await freePort(), await freePort()];
  const envFor = (port: number) => ({
    NODE_ENV: 'test', PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, DATA_DIR: path.join(work, `server-${port}`),
    DATABASE_URL: postgres.url, S3_BUCKET: 'invigil', S3_ENDPOINT: s3Proxy.url, S3_FORCE_PATH_STYLE: 'true', S3_SERVER_SIDE_ENCRYPTION: 'none',
    S3_ACCESS_KEY_ID: credentials.accessKeyId, S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    APP_SECRET: appSecret, LTI_KEY: randomBytes(32).toString('hex'), HEARTBEAT_TIMEOUT_SECONDS: String(heartbeatTimeoutSeconds),
    NODE_OPTIONS: '--openssl-legacy-provider',
  });
  const servers: ChildProcess[] = [];
  const handle = await openDatabase({ kind: 'postgres', url: postgres.url });
  try {
    for (const port of ports) servers.push(await startServer(envFor(port)));
    const db = handle.db;
    const tokens = createTokenService(appSecret);
    const [quiz] = await db.insert(quizzes).values({
      issuer: 'https://lms.faults', clientId: 'faults', deploymentId: '1', contextId: 'c', title: 'Faults', quizUrl: 'https://lms.faults/q',
      settings: quizSettingsSchema.parse({ policyText: 'p' }), createdBy: 'faults',
    }).returning();
    const rows = await db.insert(attempts).values(Array.from({ length: options.attempts }, (_, i) => ({
      quizId: quiz.id, userId: `student-${i}`, status: 'in_progress' as const, startedAt: new Date(), lastHeartbeatAt: new Date(),
    }))).returning({ id: attempts.id });
    // A real webcam recording, one chunk every 3 s for the whole scenario.
    const slices = await sliceIntoChunks(await makeLiveWebm(path.join(work, 'webcam.webm'), 60), 20);

    const acknowledged = { events: new Set<string>(), flags: new Set<string>(), chunks: new Set<string>() };
    const beats = new Map<string, number[]>();
    let producing = true;
    const clients = await Promise.all(rows.map(async (row, i) => {
      const token = await tokens.attempt.sign(row.id);
      return { id: row.id, token, api: createAttemptApi({ apiBase: `http://127.0.0.1:${ports[i % 2]}/ext`, attemptId: row.id, attemptToken: token }) };
    }));
    const retry = <T>(call: () => Promise<T>) => withRetry(call, { maxDelayMs: 4000 });
    const every = async (ms: number, step: (n: number) => Promise<void>) => {
      for (let n = 0; producing; n++) {
        const next = Date.now() + ms;
        await step(n);
        await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
      }
    };
    const runClient = (client: (typeof clients)[number]) => {
      const times: number[] = [];
      beats.set(client.id, times);
      let counter = 0;
      const heartbeats = every(1000, async () => {
        const beat = { counter: ++counter, sentAt: Date.now() };
        const signed = { ...beat, signature: await signHeartbeat(client.token, client.id, beat) };
        // A heartbeat is not retried: the next one replaces it, as in the extension.
        await client.api.heartbeat(signed).then(() => { times.push(Date.now()); }, () => undefined);
      });
      const events = every(2000, async (n) => {
        const batch = [{ id: `e${n}`, type: 'tab_switch' as const, at: Date.now(), details: { n } }];
        await retry(() => client.api.events(batch));
        acknowledged.events.add(`${client.id}/e${n}`);
      });
      const flag = retry(() => client.api.flags([{ id: 'f1', type: 'phone', severity: 'high', startedAt: Date.now(), endedAt: Date.now(),
        explanation: { model: 'centernet', thresholds: {}, scores: [0.9], samples: 1, samplesHeld: 1, summary: 'A phone.' } }]))
        .then(() => { acknowledged.flags.add(`${client.id}/f1`); });
      const segmentStartedAt = Date.now();
      const upload = (async () => {
        for (const [seq, data] of slices.entries()) {
          const ref = { stream: 'webcam' as const, segment: 0, seq };
          // Recorded every 3 s; uploaded when the network lets it (the outbox keeps it meanwhile).
          await new Promise((r) => setTimeout(r, Math.max(0, segmentStartedAt + seq * 3000 - Date.now())));
          await retry(async () => {
            const signed = await client.api.chunkUpload({ ...ref, bytes: data.length, sha256: sha256(data), segmentStartedAt });
            const put = await fetch(signed.url, { method: 'PUT', headers: signed.headers, body: data });
            if (!put.ok) throw new Error(`PUT ${put.status}`);
            return client.api.chunkComplete(ref);
          });
          acknowledged.chunks.add(`${client.id}/${seq}`);
        }
      })();
      return Promise.all([heartbeats, events, flag, upload]);
    };

    const started = Date.now();
    const load = Promise.all(clients.map(runClient));
    const at = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, started + ms - Date.now())));
    const faults: Record<string, number> = {};
    await at(8000);
    log('restarting PostgreSQL');
    let t = Date.now();
    await postgres.restart();
    faults.postgres_restart_ms = Date.now() - t;
    await at(15_000);
    log(`cutting S3 off for ${options.s3OutageMs / 1000} s`);
    s3Proxy.cut();
    const s3Back = at(15_000 + options.s3OutageMs).then(() => { s3Proxy.restore(); log('S3 back'); });
    await at(25_000);
    log('killing one server process and starting it again');
    t = Date.now();
    await stopServer(servers[0], 'SIGKILL');
    // A process manager brings it back after a few seconds: longer than the heartbeat timeout, so its attempts go silent.
    await new Promise((r) => setTimeout(r, (heartbeatTimeoutSeconds + 3) * 1000));
    servers[0] = await startServer(envFor(ports[0]));
    faults.server_restart_ms = Date.now() - t;
    await s3Back;
    await at(Math.max(70_000, 15_000 + options.s3OutageMs + 10_000));
    producing = false;
    log('draining');
    await load;
    for (const client of clients) await retry(() => client.api.finish());
    const ids = clients.map((c) => c.id);
    await until('every recording to be ready', async () => (await db.select().from(recordings)
      .where(and(inArray(recordings.attemptId, ids), eq(recordings.status, 'ready')))).length === ids.length, 300_000);

    const storedEvents = new Set((await db.select().from(attemptEvents).where(and(inArray(attemptEvents.attemptId, ids), eq(attemptEvents.source, 'extension'))))
      .map((e) => `${e.attemptId}/${e.clientEventId}`));
    const storedFlags = new Set((await db.select().from(flags).where(and(inArray(flags.attemptId, ids), eq(flags.source, 'extension')))).map((f) => `${f.attemptId}/${f.clientFlagId}`));
    const storedChunks = new Set((await db.select().from(chunks).where(and(inArray(chunks.attemptId, ids), eq(chunks.uploaded, true)))).map((c) => `${c.attemptId}/${c.seq}`));
    const serverFlags = await db.select().from(flags).where(and(inArray(flags.attemptId, ids), eq(flags.type, 'heartbeat_lost')));
    const gapEvents = await db.select().from(attemptEvents).where(and(inArray(attemptEvents.attemptId, ids), eq(attemptEvents.type, 'recording_gap')));
    // Every silence longer than the timeout is on the timeline as a heartbeat_lost flag that covers it.
    let gaps = 0; let explained = 0; let longestGapMs = 0;
    for (const [id, times] of beats) {
      for (let i = 1; i < times.length; i++) {
        const gap = times[i] - times[i - 1];
        longestGapMs = Math.max(longestGapMs, gap);
        // Past the timeout and the sweep's one-second step, the server must have flagged the silence.
        if (gap <= heartbeatTimeoutSeconds * 1000 + 1500) continue;
        gaps += 1;
        if (serverFlags.some((f) => f.attemptId === id && f.startedAt.getTime() <= times[i - 1] + 1000 && f.endedAt.getTime() >= times[i] - 2000)) explained += 1;
      }
    }
    const finished = await db.select().from(attempts).where(and(inArray(attempts.id, ids), eq(attempts.status, 'finished')));
    return {
      attempts: ids.length,
      finished: finished.length,
      recordings_ready: ids.length,
      ...faults,
      s3_outage_s: options.s3OutageMs / 1000,
      acknowledged_events: acknowledged.events.size,
      lost_events: [...acknowledged.events].filter((e) => !storedEvents.has(e)).length,
      acknowledged_flags: acknowledged.flags.size,
      lost_flags: [...acknowledged.flags].filter((f) => !storedFlags.has(f)).length,
      acknowledged_chunks: acknowledged.chunks.size,
      lost_chunks: [...acknowledged.chunks].filter((c) => !storedChunks.has(c)).length,
      recording_gaps: gapEvents.length,
      heartbeat_gaps: gaps,
      unexplained_gaps: gaps - explained,
      longest_heartbeat_gap_ms: longestGapMs,
    };
  } finally {
    await handle.close();
    for (const child of servers) await stopServer(child);
    await s3Proxy.close();
    await s3.close();
    await postgres.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
