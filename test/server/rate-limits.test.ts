// Rate limits count per authenticated principal, after authentication, in PostgreSQL: a stranger cannot spend a
// student's budget, a whole exam room behind one NAT gets in, and two server processes enforce one budget.
import { describe, expect } from 'vitest';
import { openDatabase } from '../../lti-server/database.ts';
import { createRateLimiter } from '../../lti-server/http/rate-limit.ts';
import { signHeartbeat } from '../../models/heartbeat.ts';
import type { StartAttemptResponse } from '../../models/contracts.ts';
import { launch } from '../support/flows.ts';
import { lmsTest } from '../support/fixtures.ts';
import type { TestInvigil } from '../support/invigil.ts';

const test = lmsTest();

async function post(invigil: TestInvigil, pathname: string, body: unknown, token?: string) {
  const response = await fetch(`${invigil.url}/ext${pathname}`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() as unknown };
}

/** Launch, acknowledge, start: what one student's browser and extension do, all from this one address. */
async function startOne(invigil: TestInvigil, platform: Parameters<typeof launch>[0], resourceLinkId: string, user: string) {
  const student = await launch(platform, { user, role: 'learner', resource: resourceLinkId });
  if (student.page.status !== 200) throw new Error(`${user}'s start page: ${student.page.status}`);
  const created = await student.browser.request(student.page.url.replace(/\/take\?/, '/attempts?'), { json: { acknowledged: true } });
  if (created.status !== 201) throw new Error(`${user}'s attempt: ${created.status} ${created.body}`);
  const { startToken } = JSON.parse(created.body) as { startToken: string };
  return post(invigil, '/attempts/start', { startToken });
}

async function inBatches<T>(count: number, size: number, run: (i: number) => Promise<T>) {
  const results: T[] = [];
  for (let i = 0; i < count; i += size) results.push(...await Promise.all(Array.from({ length: Math.min(size, count - i) }, (_, j) => run(i + j))));
  return results;
}

describe('rate limits', () => {
  test('token-less spam at a student\'s attempt spends nothing of its budget', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const started = await startOne(invigil, platform, resourceLinkId, 'student-victim');
    expect(started.status).toBe(201);
    const { attempt, attemptToken } = started.body as StartAttemptResponse;
    const spam = await inBatches(200, 25, () => post(invigil, `/attempts/${attempt.id}/heartbeat`, { counter: 1, sentAt: Date.now(), signature: 'x' }));
    expect(new Set(spam.map((r) => r.status))).toEqual(new Set([401]));
    const beat = { counter: 1, sentAt: Date.now() };
    const real = await post(invigil, `/attempts/${attempt.id}/heartbeat`, { ...beat, signature: await signHeartbeat(attemptToken, attempt.id, beat) }, attemptToken);
    expect(real.status).toBe(200);
  });

  test('300 students behind one campus address all start within a minute', { timeout: 600_000 }, async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const results = await inBatches(300, 15, (i) => startOne(invigil, platform, resourceLinkId, `nat-student-${i}`));
    expect(results.filter((r) => r.status !== 201)).toEqual([]);
  });

  test('two server processes on one database enforce one budget', async ({ lms: { invigil } }) => {
    // Each process has its own pool and nothing in memory: the count lives in PostgreSQL.
    const other = await openDatabase({ kind: 'postgres', url: invigil.databaseUrl });
    try {
      const [a, b] = [createRateLimiter(invigil.db), createRateLimiter(other.db)];
      const limit = { name: 'shared-test', max: 10, windowMs: 60_000 };
      const now = Date.now();
      for (let i = 0; i < 5; i++) await a.hit('user:x', limit, now);
      for (let i = 0; i < 5; i++) await b.hit('user:x', limit, now);
      await expect(a.hit('user:x', limit, now)).rejects.toMatchObject({ status: 429 });
      await expect(b.hit('user:x', limit, now)).rejects.toMatchObject({ status: 429 });
      // Another principal's budget is its own.
      await expect(b.hit('user:y', limit, now)).resolves.toBeUndefined();
    } finally {
      await other.close();
    }
  });
});
