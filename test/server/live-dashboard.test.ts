// The proctor's live dashboard over Server-Sent Events, through the real server and PostgreSQL's LISTEN/NOTIFY: the
// whole state first, then a student joining (Waiting), the session starting, the attempt (In Session), a flag as an
// alert, silence (Disconnected, with its heartbeat_lost alert) and the heartbeats back (In Session), the finish
// (Complete); and a second server process on the same database, whose dashboard hears a change made on the first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect } from 'vitest';
import { eq } from 'drizzle-orm';
import { signHeartbeat } from '../../models/heartbeat.ts';
import { liveSnapshots, proctoredSessions } from '../../models/schema.ts';
import { lmsTest } from '../support/fixtures.ts';
import { launch } from '../support/flows.ts';
import { freePort, type TestInvigil } from '../support/invigil.ts';
import { startServer, stopServer } from '../support/server-process.ts';
import { until } from '../support/wait.ts';
import { scheduleSession } from '../support/sessions.ts';
import type { ChildProcess } from 'node:child_process';
import { extensionCall } from '../support/extension-api.ts';

const test = lmsTest({ environment: { HEARTBEAT_TIMEOUT_SECONDS: '2' } });

type Event = { event: string; data: { id?: number; name?: string; status?: string; label?: string; startedAt?: string | null } & Record<string, unknown> };

/** Reads an SSE stream as a browser's EventSource would, keeping every event. */
async function openStream(url: string, cookie: string) {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { cookie, accept: 'text/event-stream' }, signal: controller.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const events: Event[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) as Event['data'] });
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    events,
    /** The first event (after `from`) that passes the test. */
    next: (what: string, pass: (e: Event) => boolean, from = 0) => until(what, async () => events.slice(from).find(pass), 30_000, async () => events),
    close: () => controller.abort(),
  };
}


async function newSession(invigil: TestInvigil, platform: Parameters<typeof launch>[0], resource: string, name: string) {
  const quizId = platform.resourceLinks.get(resource)!.custom.invigil_quiz;
  const teacher = await launch(platform, { user: 'teacher-1', name: 'Tess Teacher', role: 'instructor', resource });
  const { sessionId, code } = await scheduleSession(invigil, teacher, quizId, { name, maxUsers: '10', lateEntryMinutes: '60', timeLimitMinutes: '45' });
  return { quizId, teacher, sessionId, code };
}

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const child of children) await stopServer(child);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the live dashboard', () => {
  test('hears each change of a student as it happens, and a new flag as an alert', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const { quizId, teacher, sessionId, code } = await newSession(invigil, platform, resourceLinkId, 'Live one');
    const page = await teacher.browser.request(`${invigil.url}/app/sessions/${sessionId}/dashboard?c=${teacher.scope}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('id="live-participants"');
    const stream = await openStream(`${invigil.url}/app/sessions/${sessionId}/live?c=${teacher.scope}`, teacher.browser.cookiesFor(invigil.url));
    await stream.next('the session\'s state first', (e) => e.event === 'session');

    const student = await launch(platform, { user: 'student-live', name: 'Liv Live', role: 'learner', resource: resourceLinkId });
    await student.browser.request(student.page.url);
    await student.browser.request(`${invigil.url}/app/quizzes/${quizId}/session-entry?c=${student.scope}`, { form: { code } });
    const waiting = await stream.next('Liv waiting', (e) => e.event === 'participant' && e.data.name === 'Liv Live' && e.data.status === 'waiting');
    expect(waiting.data).toMatchObject({ label: 'Waiting', timeLimitMinutes: 45, flags: 0 });

    await teacher.browser.request(`${invigil.url}/app/sessions/${sessionId}?c=${teacher.scope}`);
    await teacher.browser.request(`${invigil.url}/app/sessions/${sessionId}/start?c=${teacher.scope}`, { form: {} });
    await stream.next('the session started', (e) => e.event === 'session' && Boolean(e.data.startedAt));

    const created = await student.browser.request(`${invigil.url}/app/quizzes/${quizId}/attempts?c=${student.scope}`, { json: { acknowledged: true } });
    const { attemptId, startToken } = JSON.parse(created.body) as { attemptId: string; startToken: string };
    await stream.next('Liv in session', (e) => e.event === 'participant' && e.data.status === 'in_session');
    const startedAttempt = (await extensionCall(invigil, '/attempts/start', { startToken })).body as { attemptToken: string; attempt: { liveSnapshotSeconds?: number } };
    const token = startedAttempt.attemptToken;
    // In a session the extension is asked for a small picture every 10 s; the latest is on the dashboard.
    expect(startedAttempt.attempt.liveSnapshotSeconds).toBe(10);
    const picture = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('a small webcam picture')]);
    expect((await extensionCall(invigil, `/attempts/${attemptId}/snapshot`, { jpeg: picture.toString('base64'), takenAt: Date.now() }, token)).status).toBe(200);
    const pictured = await stream.next('the row with its picture', (e) => e.event === 'participant' && Boolean(e.data.snapshotAt));
    const shown = await fetch(`${invigil.url}/app/sessions/${sessionId}/participants/${pictured.data.id}/snapshot.jpg?c=${teacher.scope}`, { headers: { cookie: teacher.browser.cookiesFor(invigil.url) } });
    expect(shown.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await shown.arrayBuffer())).toEqual(picture);
    expect((await fetch(`${invigil.url}/app/sessions/${sessionId}/participants/${pictured.data.id}/snapshot.jpg`)).status).toBe(401);

    const at = Date.now();
    const flagged = await extensionCall(invigil, `/attempts/${attemptId}/flags`, { flags: [{ id: 'phone-1', type: 'phone', severity: 'high', startedAt: at, endedAt: at + 3000,
      explanation: { model: 'test', thresholds: {}, scores: [0.9], samples: 5, samplesHeld: 3, summary: 'A phone in view for 3 s.' } }] }, token);
    expect(flagged.status).toBe(200);
    const alert = await stream.next('the phone alert', (e) => e.event === 'flag' && e.data.type === 'phone');
    expect(alert.data).toMatchObject({ name: 'Liv Live', severity: 'high', summary: 'A phone in view for 3 s.' });
    await stream.next('the flag counted on the row', (e) => e.event === 'participant' && e.data.flags === 1);

    // Silence: the server's sweep flags it; the row turns Disconnected with the alert. A heartbeat brings it back.
    await stream.next('Liv disconnected', (e) => e.event === 'participant' && e.data.status === 'disconnected');
    await stream.next('the silence alert', (e) => e.event === 'flag' && e.data.type === 'heartbeat_lost');
    const back = stream.events.length;
    const beat = { counter: 1, sentAt: Date.now() };
    expect((await extensionCall(invigil, `/attempts/${attemptId}/heartbeat`, { ...beat, signature: await signHeartbeat(token, attemptId, beat) }, token)).status).toBe(200);
    await stream.next('Liv back in session', (e) => e.event === 'participant' && e.data.status === 'in_session', back);

    expect((await extensionCall(invigil, `/attempts/${attemptId}/finish`, {}, token)).status).toBe(200);
    await stream.next('Liv complete', (e) => e.event === 'participant' && e.data.status === 'complete');
    stream.close();
  });

  test('a second server process on the same database hears a change made on the first', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const { quizId, teacher, sessionId, code } = await newSession(invigil, platform, resourceLinkId, 'Live two');
    const port = await freePort();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'invigil-second-'));
    dirs.push(dataDir);
    children.push(await startServer({
      NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: `http://localhost:${port}`, DATA_DIR: dataDir, EMBEDDED_S3_PORT: '0',
      DATABASE_URL: invigil.databaseUrl, APP_SECRET: invigil.config.appSecret, LTI_KEY: invigil.config.ltiKey, NODE_OPTIONS: '--openssl-legacy-provider',
      HEARTBEAT_TIMEOUT_SECONDS: '2',
    }));
    const other = `http://localhost:${port}`;
    // The proctor's dashboard is served by the second process; the student joins through the first.
    const stream = await openStream(`${other}/app/sessions/${sessionId}/live?c=${teacher.scope}`, teacher.browser.cookiesFor(other));
    await stream.next('the session\'s state from the second process', (e) => e.event === 'session');
    const student = await launch(platform, { user: 'student-far', name: 'Far Away', role: 'learner', resource: resourceLinkId });
    await student.browser.request(student.page.url);
    const joined = await student.browser.request(`${invigil.url}/app/quizzes/${quizId}/session-entry?c=${student.scope}`, { form: { code } });
    expect(joined.status).toBe(200);
    await stream.next('the join, heard on the other process', (e) => e.event === 'participant' && e.data.name === 'Far Away' && e.data.status === 'waiting');
    stream.close();
  });
});

describe('pictures outside a session', () => {
  test('an attempt outside a proctored session is never asked for one, and one sent is refused', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    // A quiz with no open session: the lone attempt of the quiz's own.
    const other = await launch(platform, { user: 'teacher-1', name: 'Tess Teacher', role: 'instructor', resource: resourceLinkId });
    const quizId = platform.resourceLinks.get(resourceLinkId)!.custom.invigil_quiz;
    for (const row of await invigil.db.select().from(proctoredSessions).where(eq(proctoredSessions.quizId, quizId))) {
      await other.browser.request(`${invigil.url}/app/sessions/${row.id}?c=${other.scope}`);
      await other.browser.request(`${invigil.url}/app/sessions/${row.id}/end?c=${other.scope}`, { form: {} });
    }
    const student = await launch(platform, { user: 'student-alone', name: 'Al Alone', role: 'learner', resource: resourceLinkId });
    const created = await student.browser.request(`${invigil.url}/app/quizzes/${quizId}/attempts?c=${student.scope}`, { json: { acknowledged: true } });
    const { attemptId, startToken } = JSON.parse(created.body) as { attemptId: string; startToken: string };
    const started = (await extensionCall(invigil, '/attempts/start', { startToken })).body as { attemptToken: string; attempt: Record<string, unknown> };
    expect(started.attempt).not.toHaveProperty('liveSnapshotSeconds');
    const refused = await extensionCall(invigil, `/attempts/${attemptId}/snapshot`, { jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2]).toString('base64'), takenAt: Date.now() }, started.attemptToken);
    expect(refused.status).toBe(409);
    expect(await invigil.db.select().from(liveSnapshots)).toHaveLength(1); // the session student's, from the test before
  });
});
