import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, count, eq, like, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accommodations, attemptEvents, attempts, chunks, flags, recordings } from '../../models/schema.ts';
import type { StartAttemptResponse } from '../../models/contracts.ts';
import { signHeartbeat } from '../../models/heartbeat.ts';
import { flagSilentAttempts } from '../../lti-server/integrity/tamper-evidence.ts';
import { probeDurationMs } from '../../lti-server/jobs/remux-recording.ts';
import type { TestPlatform } from '../lti-platform/platform.ts';
import { launch } from '../support/flows.ts';
import type { TestInvigil } from '../support/invigil.ts';
import { makeLiveWebm, sha256, sliceIntoChunks } from '../support/media.ts';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { lmsTest } from '../support/fixtures.ts';

let invigil: TestInvigil;
let platform: TestPlatform;
let resourceLinkId: string;

const test = lmsTest();
// The file's Invigil, test LMS and quiz, from the fixtures, for the helpers below.
test.beforeAll(({ lms, quiz }) => {
  ({ invigil, platform } = lms);
  ({ resourceLinkId } = quiz);
});

/** A student acknowledges the policy on the tool page and gets a start token, as the page's script does. */
async function newStartToken(user = 'student-1') {
  const student = await launch(platform, { user, name: 'Sam Student', role: 'learner', resource: resourceLinkId });
  const createUrl = student.page.url.replace(/\/take\?/, '/attempts?');
  const response = await student.browser.request(createUrl, { json: { acknowledged: true } });
  expect(response.status).toBe(201);
  return JSON.parse(response.body) as { attemptId: string; startToken: string };
}

async function api(pathname: string, body: unknown, token?: string, raw?: string) {
  const response = await fetch(`${invigil.url}/ext${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'chrome-extension://abcdefghijklmnop', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: raw ?? JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

/** A heartbeat as the extension signs it. */
async function signedBeat(attemptId: string, token: string, counter: number) {
  const beat = { counter, sentAt: Date.now() };
  return { ...beat, signature: await signHeartbeat(token, attemptId, beat) };
}

async function startAttempt(user?: string) {
  const { startToken, attemptId } = await newStartToken(user);
  const started = await api('/attempts/start', { startToken });
  expect(started.status).toBe(201);
  return { ...(started.body as StartAttemptResponse), attemptId, startToken };
}

const counts = async (attemptId: string) => ({
  events: Number((await invigil.db.select({ n: count() }).from(attemptEvents).where(eq(attemptEvents.attemptId, attemptId)))[0].n),
  flags: Number((await invigil.db.select({ n: count() }).from(flags).where(eq(flags.attemptId, attemptId)))[0].n),
  chunks: Number((await invigil.db.select({ n: count() }).from(chunks).where(eq(chunks.attemptId, attemptId)))[0].n),
});

const explanation = { model: 'centernet (COCO)', thresholds: { phone: 0.2 }, scores: [0.41, 0.38, 0.5], samples: 5, samplesHeld: 3, summary: 'A phone was visible.' };

describe('accommodations', () => {
  it('lists the roster from NRPS, saves flag types turned off, and applies them to that student only', async () => {
    platform.addMember({ id: 'student-acc', name: 'Ada Accommodated', role: 'learner' });
    platform.addMember({ id: 'student-other', name: 'Otto Other', role: 'learner' });
    const teacher = await launch(platform, { user: 'teacher-1', role: 'instructor', resource: resourceLinkId });
    const pageUrl = teacher.page.url.replace('/attempts?', '/accommodations?');
    const page = await teacher.browser.request(pageUrl);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Ada Accommodated');
    expect(page.body).toContain('Otto Other');
    expect(page.body).toContain('the course roster from your LMS');
    const saved = await teacher.browser.request(pageUrl, { form: { 'student:student-acc': 'Ada Accommodated', 'off:student-acc': 'face_not_visible', 'student:student-other': 'Otto Other' } });
    expect(saved.body).toContain('Accommodations saved.');
    expect(saved.body).toMatch(/value="face_not_visible" aria-label="Face not visible off for Ada Accommodated" checked/);
    expect((await teacher.browser.request(pageUrl, { form: { 'student:student-acc': 'A', 'off:student-acc': 'sneezing' } })).status).toBe(400);

    const ada = await startAttempt('student-acc');
    expect(ada.attempt.disabledFlags).toEqual(['face_not_visible']);
    expect((await startAttempt('student-other')).attempt.disabledFlags).toEqual([]);
    const hidden = { id: 'fh', type: 'face_not_visible', severity: 'low', startedAt: Date.now() - 3000, endedAt: Date.now(), explanation };
    expect((await api(`/attempts/${ada.attemptId}/flags`, { flags: [hidden] }, ada.attemptToken)).body).toEqual({ accepted: 1, created: 0 });
    expect((await counts(ada.attemptId)).flags).toBe(0);
  });

  it('saves the accommodations of a 2,000-student course in one form', async () => {
    const teacher = await launch(platform, { user: 'teacher-1', role: 'instructor', resource: resourceLinkId });
    const pageUrl = teacher.page.url.replace('/attempts?', '/accommodations?');
    await teacher.browser.request(pageUrl);
    const form: Record<string, string> = {};
    for (let i = 0; i < 2000; i++) {
      form[`student:big-${i}`] = `Student ${i}`;
      if (i % 2 === 0) form[`off:big-${i}`] = 'nobody';
    }
    const saved = await teacher.browser.request(pageUrl, { form });
    expect(saved.status).toBe(200);
    expect(saved.body).toContain('Accommodations saved.');
    const rows = await invigil.db.select().from(accommodations).where(like(accommodations.userId, 'big-%'));
    expect(rows).toHaveLength(2000);
    expect(rows.filter((r) => r.disabledFlags.includes('nobody'))).toHaveLength(1000);
  }, 120_000);
});

describe('the extension API', () => {
  it('requires the policy acknowledgement before an attempt exists', async () => {
    const student = await launch(platform, { user: 'student-9', role: 'learner', resource: resourceLinkId });
    const response = await student.browser.request(student.page.url.replace(/\/take\?/, '/attempts?'), { json: { acknowledged: false } });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error.details[0].message).toContain('acknowledge');
  });

  it('redeems a start token once, records the acknowledgement time, and answers CORS for the extension', async () => {
    const { startToken, attemptId } = await newStartToken();
    const first = await api('/attempts/start', { startToken });
    expect(first.status).toBe(201);
    expect(first.headers.get('access-control-allow-origin')).toBe('chrome-extension://abcdefghijklmnop');
    expect(first.body.attempt).toMatchObject({ id: attemptId, quizUrl: 'http://localhost:9/mod/quiz/view.php?id=1', settings: { recordWebcam: true } });
    const again = await api('/attempts/start', { startToken });
    expect(again.status).toBe(401);
    const [attempt] = await invigil.db.select().from(attempts).where(eq(attempts.id, attemptId));
    expect(attempt.status).toBe('in_progress');
    expect(attempt.policyAcknowledgedAt).toBeInstanceOf(Date);
  });

  it('counts heartbeats and stores a retried event batch once', async () => {
    const { attemptToken, attemptId } = await startAttempt();
    expect((await api(`/attempts/${attemptId}/heartbeat`, await signedBeat(attemptId, attemptToken, 1), attemptToken)).body.heartbeatCount).toBe(1);
    const batch = { events: [{ id: 'e1', type: 'tab_switch', at: Date.now(), details: { url: 'https://example.com' } }, { id: 'e2', type: 'page_hidden', at: Date.now() }] };
    expect((await api(`/attempts/${attemptId}/events`, batch, attemptToken)).body).toEqual({ accepted: 2, stored: 2 });
    expect((await api(`/attempts/${attemptId}/events`, batch, attemptToken)).body).toEqual({ accepted: 2, stored: 0 });
    expect((await counts(attemptId)).events).toBe(2);
    const flag = { id: 'f1', type: 'phone', severity: 'high', startedAt: Date.now() - 3000, endedAt: Date.now(), explanation };
    expect((await api(`/attempts/${attemptId}/flags`, { flags: [flag] }, attemptToken)).body).toEqual({ accepted: 1, created: 1 });
    expect((await api(`/attempts/${attemptId}/flags`, { flags: [flag] }, attemptToken)).body).toEqual({ accepted: 1, created: 0 });
    // Reported again later while still open: the same row grows; an older report never shrinks it.
    const longer = { ...flag, endedAt: flag.endedAt + 10_000, explanation: { ...explanation, samplesHeld: 12 } };
    expect((await api(`/attempts/${attemptId}/flags`, { flags: [longer] }, attemptToken)).body).toEqual({ accepted: 1, created: 0 });
    await api(`/attempts/${attemptId}/flags`, { flags: [flag] }, attemptToken);
    const rows = await invigil.db.select().from(flags).where(eq(flags.attemptId, attemptId));
    expect(rows).toHaveLength(1);
    expect(rows[0].endedAt.getTime()).toBe(longer.endedAt);
    expect(rows[0].explanation.samplesHeld).toBe(12);
  });

  describe('tamper evidence', () => {
    it('accepts only heartbeats signed with the attempt token whose counter grows, and records a replay', async () => {
      const { attemptToken, attemptId } = await startAttempt();
      const beat = async (counter: number) => api(`/attempts/${attemptId}/heartbeat`, await signedBeat(attemptId, attemptToken, counter), attemptToken);
      expect((await beat(1)).status).toBe(200);
      expect((await beat(2)).status).toBe(200);
      // Counters may skip (a beat lost offline) but never go back or repeat.
      expect((await beat(5)).status).toBe(200);
      const replay = await beat(2);
      expect(replay.status).toBe(409);
      expect(replay.body.error.message).toContain('not newer');
      const forged = { ...(await signedBeat(attemptId, attemptToken, 6)), signature: (await signedBeat(attemptId, 'another key', 6)).signature };
      expect((await api(`/attempts/${attemptId}/heartbeat`, forged, attemptToken)).status).toBe(401);
      const tampered = { ...(await signedBeat(attemptId, attemptToken, 6)), counter: 7 };
      expect((await api(`/attempts/${attemptId}/heartbeat`, tampered, attemptToken)).status).toBe(401);
      const [attempt] = await invigil.db.select().from(attempts).where(eq(attempts.id, attemptId));
      expect(attempt).toMatchObject({ heartbeatCount: 3, heartbeatCounter: 5 });
      const refused = await invigil.db.select().from(attemptEvents).where(and(eq(attemptEvents.attemptId, attemptId), eq(attemptEvents.type, 'heartbeat_refused')));
      expect(refused).toHaveLength(1);
      expect(refused[0].details).toMatchObject({ counter: 2, highest: 5 });
    });

    it('flags a running attempt whose heartbeats stop, once per silence, and closes the flag when they resume', async () => {
      const { attemptToken, attemptId } = await startAttempt();
      const silentSince = new Date(Date.now() - 120_000);
      await invigil.db.update(attempts).set({ lastHeartbeatAt: silentSince }).where(eq(attempts.id, attemptId));
      // Two sweeps (or two servers) raise one flag, which grows.
      await flagSilentAttempts(invigil.db, 30_000, new Date(Date.now() - 1000));
      await flagSilentAttempts(invigil.db, 30_000);
      const lost = await invigil.db.select().from(flags).where(and(eq(flags.attemptId, attemptId), eq(flags.type, 'heartbeat_lost')));
      expect(lost).toHaveLength(1);
      expect(lost[0].startedAt.getTime()).toBe(silentSince.getTime());
      expect(lost[0].explanation.summary).toMatch(/^No heartbeat from the extension for 12\d s/);
      // A heartbeat ends the silence.
      const beforeBeat = Date.now();
      expect((await api(`/attempts/${attemptId}/heartbeat`, await signedBeat(attemptId, attemptToken, 1), attemptToken)).status).toBe(200);
      const [closed] = await invigil.db.select().from(flags).where(eq(flags.id, lost[0].id));
      expect(closed.endedAt.getTime()).toBeGreaterThanOrEqual(beforeBeat);
      const resumed = await invigil.db.select().from(attemptEvents).where(and(eq(attemptEvents.attemptId, attemptId), eq(attemptEvents.type, 'heartbeat_resumed')));
      expect(resumed[0].details.summary).toMatch(/came back after 12\d s/);
    });

    it('flags the removal of the extension only with the attempt\'s removal key, and only while it runs', async () => {
      const started = await startAttempt();
      const removal = new URL(started.attempt.removalUrl);
      expect(removal.pathname).toBe(`/ext/attempts/${started.attemptId}/removed`);
      const wrongKey = await fetch(`${removal.origin}${removal.pathname}?key=${'x'.repeat(32)}`);
      expect(wrongKey.status).toBe(200);
      expect(await invigil.db.select().from(flags).where(eq(flags.attemptId, started.attemptId))).toEqual([]);
      const opened = await fetch(removal);
      expect(opened.status).toBe(200);
      expect(await opened.text()).toContain('Invigil was removed');
      await fetch(removal);
      const removed = await invigil.db.select().from(flags).where(and(eq(flags.attemptId, started.attemptId), eq(flags.type, 'extension_removed')));
      expect(removed).toHaveLength(1);
    });
  });

  it('keeps the server\'s evidence apart: a student can neither pre-empt, rewrite nor imitate it, and the review says who said what', async () => {
    const started = await startAttempt();
    const { attemptToken, attemptId } = started;
    const silentSince = new Date(Date.now() - 120_000);
    // The student's extension gets in first, under the ids the server uses, claiming the server's model.
    const forged = (id: string) => ({ id, type: 'phone', severity: 'low', startedAt: Date.now() - 1000, endedAt: Date.now() + 600_000, explanation: { ...explanation, model: 'server heartbeat watch', summary: 'Nothing happened.' } });
    expect((await api(`/attempts/${attemptId}/flags`, { flags: [forged('extension-removed'), forged(`heartbeat-lost-${silentSince.getTime()}`)] }, attemptToken)).status).toBe(200);
    expect((await api(`/attempts/${attemptId}/events`, { events: [{ id: 'extension-removed', type: 'tab_return', at: Date.now() }] }, attemptToken)).status).toBe(200);
    // Server-only event types are refused from the extension.
    for (const type of ['heartbeat_resumed', 'bandwidth_checked', 'extension_removed', 'recording_gap']) {
      expect((await api(`/attempts/${attemptId}/events`, { events: [{ id: `e-${type}`, type, at: Date.now() }] }, attemptToken)).status).toBe(400);
    }
    expect((await api(`/attempts/${attemptId}/flags`, { flags: [{ ...forged('f-server-type'), type: 'heartbeat_lost' }] }, attemptToken)).status).toBe(400);

    // The server's own evidence is recorded all the same.
    await invigil.db.update(attempts).set({ lastHeartbeatAt: silentSince }).where(eq(attempts.id, attemptId));
    await flagSilentAttempts(invigil.db, 30_000);
    await fetch(started.attempt.removalUrl);
    // A later report under the same ids changes only the student's own flags.
    expect((await api(`/attempts/${attemptId}/flags`, { flags: [forged('extension-removed'), forged(`heartbeat-lost-${silentSince.getTime()}`)] }, attemptToken)).status).toBe(200);

    const rows = await invigil.db.select().from(flags).where(eq(flags.attemptId, attemptId));
    const server = rows.filter((f) => f.source === 'server');
    expect(server.map((f) => f.type).sort()).toEqual(['extension_removed', 'heartbeat_lost']);
    expect(server.find((f) => f.type === 'heartbeat_lost')!.explanation.summary).toMatch(/^No heartbeat from the extension/);
    expect(server.find((f) => f.type === 'extension_removed')!.explanation.summary).toContain('was removed');
    expect(rows.filter((f) => f.source === 'extension').map((f) => f.type)).toEqual(['phone', 'phone']);
    const removedEvents = await invigil.db.select().from(attemptEvents).where(and(eq(attemptEvents.attemptId, attemptId), eq(attemptEvents.clientEventId, 'extension-removed')));
    expect(removedEvents.map((e) => `${e.source}:${e.type}`).sort()).toEqual(['extension:tab_return', 'server:extension_removed']);

    // The instructor's review marks each item's source.
    const teacher = await launch(platform, { user: 'teacher-1', role: 'instructor', resource: resourceLinkId });
    const review = await teacher.browser.request(`${invigil.url}/app/attempts/${attemptId}/review.json?c=${teacher.scope}`);
    const data = JSON.parse(review.body) as { flags: { type: string; source: string; sourceLabel: string }[]; events: { type: string; source: string }[] };
    expect(data.flags.filter((f) => f.source === 'server').map((f) => f.type).sort()).toEqual(['extension_removed', 'heartbeat_lost']);
    expect(data.flags.find((f) => f.type === 'heartbeat_lost')!.sourceLabel).toBe('Recorded by the server');
    expect(data.flags.filter((f) => f.type === 'phone').every((f) => f.sourceLabel === 'Reported by the extension')).toBe(true);
    expect(data.events.find((e) => e.type === 'extension_removed')!.source).toBe('server');
  });

  it('keeps one evidence thumbnail per flag in the bucket and refuses anything but a JPEG', async () => {
    const { attemptToken, attemptId } = await startAttempt();
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Buffer.from('a small jpeg body')]);
    const flag = { id: 'f-ev', type: 'phone', severity: 'high', startedAt: Date.now() - 3000, endedAt: Date.now(), explanation, evidence: jpeg.toString('base64') };
    expect((await api(`/attempts/${attemptId}/flags`, { flags: [flag] }, attemptToken)).status).toBe(200);
    const [row] = await invigil.db.select().from(flags).where(eq(flags.attemptId, attemptId));
    expect(row.evidenceKey).toBe(`evidence/${attemptId}/extension/f-ev.jpg`);
    expect(await invigil.bucket.head(row.evidenceKey!)).toEqual({ bytes: jpeg.length });
    const png = { ...flag, id: 'f-png', evidence: Buffer.from('\x89PNG not a jpeg').toString('base64') };
    expect((await api(`/attempts/${attemptId}/flags`, { flags: [png] }, attemptToken)).status).toBe(400);
    const huge = { ...flag, id: 'f-huge', evidence: Buffer.concat([jpeg, Buffer.alloc(30_000)]).toString('base64') };
    expect((await api(`/attempts/${attemptId}/flags`, { flags: [huge] }, attemptToken)).status).toBe(400);
    expect((await invigil.db.select().from(flags).where(eq(flags.attemptId, attemptId))).map((f) => f.clientFlagId)).toEqual(['f-ev']);
  });

  describe('bad input gets a 4xx JSON error and changes nothing', () => {
    it.each([
      ['malformed JSON', undefined, '{"events": [', 400],
      ['a wrong shape', { events: [{ id: 'bad id!', type: 'x', at: 1 }] }, undefined, 400],
      ['an empty batch', { events: [] }, undefined, 400],
      ['an event type not in the registry', { events: [{ id: 'e', type: 'window_blur', at: Date.now() }] }, undefined, 400],
      ['an event type only the server records', { events: [{ id: 'e', type: 'heartbeat_resumed', at: Date.now() }] }, undefined, 400],
      ['an oversized body', { events: [{ id: 'e', type: 'tab_switch', at: Date.now(), details: { pad: 'x'.repeat(1999) } }], pad: 'y'.repeat(80_000) }, undefined, 413],
    ])('%s', async (_name, body, raw, status) => {
      const { attemptToken, attemptId } = await startAttempt();
      const response = await api(`/attempts/${attemptId}/events`, body, attemptToken, raw);
      expect(response.status).toBe(status);
      expect(response.body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
      expect(await counts(attemptId)).toEqual({ events: 0, flags: 0, chunks: 0 });
    });

    it('a flag whose end is before its start', async () => {
      const { attemptToken, attemptId } = await startAttempt();
      const response = await api(`/attempts/${attemptId}/flags`, { flags: [{ id: 'f', type: 'phone', severity: 'high', startedAt: Date.now(), endedAt: Date.now() - 5000, explanation }] }, attemptToken);
      expect(response.status).toBe(400);
      expect((await counts(attemptId)).flags).toBe(0);
    });

    it('a token for another attempt', async () => {
      const mine = await startAttempt('student-a');
      const theirs = await startAttempt('student-b');
      const response = await api(`/attempts/${theirs.attemptId}/events`, { events: [{ id: 'e1', type: 'tab_switch', at: Date.now() }] }, mine.attemptToken);
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('forbidden');
      expect(await counts(theirs.attemptId)).toEqual({ events: 0, flags: 0, chunks: 0 });
    });

    it('an expired or forged token', async () => {
      const { attemptId } = await startAttempt();
      const { SignJWT } = await import('jose');
      const { createHmac } = await import('node:crypto');
      const key = createHmac('sha256', invigil.config.appSecret).update('invigil:attempt').digest();
      const expired = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(attemptId).setAudience('invigil-extension')
        .setIssuedAt(Math.floor(Date.now() / 1000) - 7200).setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(key);
      for (const token of [expired, 'not.a.token', undefined]) {
        const response = await api(`/attempts/${attemptId}/heartbeat`, signedBeat(attemptId, token ?? 'none', 1), token);
        expect(response.status).toBe(401);
      }
      const [attempt] = await invigil.db.select().from(attempts).where(eq(attempts.id, attemptId));
      expect(attempt.heartbeatCount).toBe(0);
    });

    it('a chunk larger than the limit, and a different chunk under a used number', async () => {
      const { attemptToken, attemptId } = await startAttempt();
      const base = { stream: 'webcam', segment: 0, seq: 0, sha256: 'a'.repeat(64), segmentStartedAt: Date.now() };
      expect((await api(`/attempts/${attemptId}/chunks`, { ...base, bytes: 64 * 1024 * 1024 }, attemptToken)).status).toBe(400);
      expect((await api(`/attempts/${attemptId}/chunks`, { ...base, bytes: 100 }, attemptToken)).status).toBe(200);
      expect((await api(`/attempts/${attemptId}/chunks`, { ...base, bytes: 100 }, attemptToken)).status).toBe(200);
      expect((await api(`/attempts/${attemptId}/chunks`, { ...base, bytes: 100, sha256: 'b'.repeat(64) }, attemptToken)).status).toBe(409);
      expect((await api(`/attempts/${attemptId}/chunks/complete`, { stream: 'webcam', segment: 0, seq: 0 }, attemptToken)).status).toBe(409);
      const [row] = await invigil.db.select().from(chunks).where(eq(chunks.attemptId, attemptId));
      expect(row).toMatchObject({ sha256: 'a'.repeat(64), uploaded: false });
    });
  });

  it('takes chunks through presigned PUTs and remuxes them into a seekable recording after finish', async () => {
    const { attemptToken, attemptId } = await startAttempt();
    const dir = await mkdtemp(path.join(tmpdir(), 'invigil-chunks-'));
    const slices = await sliceIntoChunks(await makeLiveWebm(path.join(dir, 'webcam.webm'), 12), 6);
    const segmentStartedAt = Date.now() - 12_000;
    for (const [seq, data] of slices.entries()) {
      const signed = await api(`/attempts/${attemptId}/chunks`, { stream: 'webcam', segment: 0, seq, bytes: data.length, sha256: sha256(data), segmentStartedAt }, attemptToken);
      expect(signed.status).toBe(200);
      expect(signed.body.url).toContain(`chunks/${attemptId}/webcam/0000/`);
      const put = await fetch(signed.body.url, { method: 'PUT', headers: signed.body.headers, body: data });
      expect(put.status).toBe(200);
      expect((await api(`/attempts/${attemptId}/chunks/complete`, { stream: 'webcam', segment: 0, seq }, attemptToken)).body).toEqual({ kept: true });
    }
    const finished = await api(`/attempts/${attemptId}/finish`, {}, attemptToken);
    expect(finished.body.status).toBe('finished');
    // After finishing, the attempt no longer takes events.
    expect((await api(`/attempts/${attemptId}/events`, { events: [{ id: 'late', type: 'tab_switch', at: Date.now() }] }, attemptToken)).status).toBe(403);

    let recording: typeof recordings.$inferSelect | undefined;
    for (let i = 0; i < 120 && recording?.status !== 'ready'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      [recording] = await invigil.db.select().from(recordings).where(eq(recordings.attemptId, attemptId));
      if (recording?.status === 'failed') throw new Error(recording.error ?? 'remux failed');
    }
    expect(recording).toMatchObject({ status: 'ready', stream: 'webcam' });
    // A finish sent again (a retry, a second click) queues no second finalisation.
    expect((await api(`/attempts/${attemptId}/finish`, {}, attemptToken)).body.status).toBe('finished');
    expect((await api(`/attempts/${attemptId}/finish`, {}, attemptToken)).body.status).toBe('finished');
    const jobs = await invigil.db.execute(sql`select count(*)::int as n from pgboss.job where name = 'finalize-attempt' and data->>'attemptId' = ${attemptId}`);
    expect((jobs as { rows: { n: number }[] }).rows[0].n).toBe(1);
    expect(recording!.durationMs).toBeGreaterThan(11_000);
    expect(recording!.durationMs).toBeLessThan(13_000);
    expect(recording!.startedAt!.getTime()).toBe(segmentStartedAt);

    // The review file is seekable: it has Cues, so ffprobe reads its duration straight from the header.
    const local = path.join(dir, 'review.webm');
    await pipeline(await invigil.bucket.getStream(recording!.objectKey!), createWriteStream(local));
    expect(await probeDurationMs(local)).toBe(recording!.durationMs);
    const bytes = await readFile(local);
    const cuesElementId = Buffer.from([0x1c, 0x53, 0xbb, 0x6b]);
    expect(bytes.indexOf(cuesElementId)).toBeGreaterThan(0);
    // The live upload had no Cues: the index comes from the remux.
    expect(Buffer.concat(slices).indexOf(cuesElementId)).toBe(-1);
  });

  it('records the holes in a recording as integrity events and still makes it seekable', async () => {
    const { attemptToken, attemptId } = await startAttempt();
    const dir = await mkdtemp(path.join(tmpdir(), 'invigil-gaps-'));
    const first = await sliceIntoChunks(await makeLiveWebm(path.join(dir, 'a.webm'), 12), 4);
    const second = await sliceIntoChunks(await makeLiveWebm(path.join(dir, 'b.webm'), 6), 2);
    const started = Date.now() - 60_000;
    const upload = async (segment: number, seq: number, data: (typeof first)[number], segmentStartedAt: number) => {
      const signed = await api(`/attempts/${attemptId}/chunks`, { stream: 'webcam', segment, seq, bytes: data.length, sha256: sha256(data), segmentStartedAt }, attemptToken);
      await fetch(signed.body.url, { method: 'PUT', headers: signed.body.headers, body: data });
      expect((await api(`/attempts/${attemptId}/chunks/complete`, { stream: 'webcam', segment, seq }, attemptToken)).status).toBe(200);
    };
    // Segment 0 loses chunk 2 (a slice in the middle); the recorder then restarts as segment 1, 30 s later.
    for (const seq of [0, 1, 3]) await upload(0, seq, first[seq], started);
    for (const [seq, data] of second.entries()) await upload(1, seq, data, started + 12_000 + 30_000);
    await api(`/attempts/${attemptId}/finish`, {}, attemptToken);

    let recording: typeof recordings.$inferSelect | undefined;
    for (let i = 0; i < 120 && recording?.status !== 'ready'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      [recording] = await invigil.db.select().from(recordings).where(eq(recordings.attemptId, attemptId));
      if (recording?.status === 'failed') throw new Error(recording.error ?? 'remux failed');
    }
    expect(recording?.status).toBe('ready');
    expect(recording!.durationMs).toBeGreaterThan(9_000);
    const gaps = await invigil.db.select().from(attemptEvents).where(and(eq(attemptEvents.attemptId, attemptId), eq(attemptEvents.type, 'recording_gap')));
    expect(gaps.map((g) => g.details.summary).sort()).toEqual([
      expect.stringMatching(/^30 s missing: the recording stopped at .* and restarted at /),
      expect.stringMatching(/^about 3 s missing at .*: 1 chunk never arrived$/),
    ]);
  });
});
