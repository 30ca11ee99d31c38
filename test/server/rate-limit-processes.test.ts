// Two server processes on one database enforce one rate-limit budget: an attempt's heartbeats, sent alternately to
// both, are refused past the one limit, not past twice it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { openDatabase } from '../../lti-server/database.ts';
import { createTokenService } from '../../lti-server/http/tokens.ts';
import { quizSettingsSchema } from '../../models/contracts.ts';
import { signHeartbeat } from '../../models/heartbeat.ts';
import { attempts, quizzes } from '../../models/schema.ts';
import { startServer, stopServer } from '../support/server-process.ts';
import { createTestDatabase, freePort } from '../support/invigil.ts';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

test('two server processes share one heartbeat budget per attempt', async () => {
  const database = await createTestDatabase();
  cleanups.push(() => database.drop());
  const work = mkdtempSync(path.join(tmpdir(), 'invigil-two-servers-'));
  cleanups.push(() => rmSync(work, { recursive: true, force: true }));
  const appSecret = randomBytes(32).toString('hex');
  const ports = [await freePort(), await freePort()];
  for (const port of ports) {
    const child = await startServer({
      NODE_ENV: 'test', PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, DATA_DIR: path.join(work, String(port)), EMBEDDED_S3_PORT: '0',
      DATABASE_URL: database.url, APP_SECRET: appSecret, LTI_KEY: randomBytes(32).toString('hex'), NODE_OPTIONS: '--openssl-legacy-provider',
    });
    cleanups.push(() => stopServer(child));
  }
  const handle = await openDatabase({ kind: 'postgres', url: database.url });
  cleanups.push(() => handle.close());
  const [quiz] = await handle.db.insert(quizzes).values({
    issuer: 'https://lms.two', clientId: 'c', deploymentId: 'd', contextId: 'x', title: 'Two', quizUrl: 'https://lms.two/q',
    settings: quizSettingsSchema.parse({ policyText: 'p' }), createdBy: 't',
  }).returning();
  const [attempt] = await handle.db.insert(attempts).values({ quizId: quiz.id, userId: 's', status: 'in_progress', startedAt: new Date() }).returning();
  const token = await createTokenService(appSecret).attempt.sign(attempt.id);

  // The heartbeat limit is 120 a minute per attempt: 130 heartbeats, alternately to each process, all in one
  // minute window (windows start on the minute: wait for a fresh one if this one is old).
  while (Date.now() % 60_000 > 30_000) await new Promise((r) => setTimeout(r, 500));
  const statuses: number[] = [];
  for (let counter = 1; counter <= 130; counter++) {
    const beat = { counter, sentAt: Date.now() };
    const response = await fetch(`http://127.0.0.1:${ports[counter % 2]}/ext/attempts/${attempt.id}/heartbeat`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ ...beat, signature: await signHeartbeat(token, attempt.id, beat) }),
    });
    statuses.push(response.status);
  }
  // One budget: 120 accepted, the rest refused (per-process counting would have accepted all 130).
  expect(statuses.filter((s) => s === 200)).toHaveLength(120);
  expect(statuses.filter((s) => s === 429)).toHaveLength(10);
}, 180_000);
