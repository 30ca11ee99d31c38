// The whole path in a real browser: an instructor deep-links a quiz, a student takes it with the built extension
// recording and detecting, and the instructor reviews a seekable recording with a phone flag.
import { eq } from 'drizzle-orm';
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { attemptEvents, attempts, chunks, recordings } from '../../models/schema.ts';
import type { TestPlatform } from '../lti-platform/platform.ts';
import { accessibilityViolations } from '../support/accessibility.ts';
import { launchChromium } from '../support/chromium.ts';
import { startToolAndPlatform } from '../support/flows.ts';
import type { TestInvigil } from '../support/invigil.ts';
import { until } from '../support/wait.ts';

let invigil: TestInvigil;
let platform: TestPlatform;
let chromium: Awaited<ReturnType<typeof launchChromium>>;

let both: Awaited<ReturnType<typeof startToolAndPlatform>>;

beforeAll(async () => {
  both = await startToolAndPlatform();
  ({ invigil, platform } = both);
  chromium = await launchChromium({ clip: 'person_with_phone' });
});
afterEach((context) => {
  if (context.task.result?.state === 'fail') {
    console.error(`Extension log:\n${chromium?.extensionLog.join('\n')}\nTargets:\n${chromium?.browser.targets().map((t) => `${t.type()} ${t.url()}`).join('\n')}`);
  }
});
afterAll(async () => {
  await chromium?.close();
  await both?.close();
});

/** What the server holds for an attempt, to explain a failed wait. */
async function attemptDiagnostics(attemptId: string) {
  const [chunkRows, recordingRows, eventRows] = await Promise.all([
    invigil.db.select().from(chunks).where(eq(chunks.attemptId, attemptId)),
    invigil.db.select().from(recordings).where(eq(recordings.attemptId, attemptId)),
    invigil.db.select().from(attemptEvents).where(eq(attemptEvents.attemptId, attemptId)),
  ]);
  return {
    chunks: Object.fromEntries(['webcam', 'screen'].map((s) => [s, chunkRows.filter((c) => c.stream === s).map((c) => `${c.segment}/${c.seq}:${c.uploaded ? 'kept' : 'pending'}`)])),
    recordings: recordingRows.map((r) => ({ stream: r.stream, status: r.status, error: r.error })),
    events: eventRows.map((e) => `${e.type} ${JSON.stringify(e.details)}`),
    extensionLog: chromium.extensionLog.slice(-30),
  };
}

async function newPage(): Promise<Page> {
  const page = await chromium.browser.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e));
  page.on('console', (m) => chromium.extensionLog.push(`${page.url().slice(0, 60)} console.${m.type()}: ${m.text()}`));
  return page;
}

it('runs one proctored attempt from deep linking to a seekable, flagged review', async () => {
  const quizUrl = `${platform.issuer}/mod/quiz/view.php?id=1`;

  // The instructor adds the proctored quiz through Deep Linking.
  const teacher = await newPage();
  await teacher.goto(platform.launchUrl({ user: 'teacher-1', name: 'Tess Teacher', role: 'instructor', message: 'deep_link' }));
  await teacher.waitForSelector('#quizUrl');
  expect(await accessibilityViolations(teacher)).toEqual([]);
  await teacher.type('#title', 'Week 5 quiz');
  await teacher.type('#quizUrl', quizUrl);
  await Promise.all([teacher.waitForSelector('body[data-resource-links]', { timeout: 30_000 }), teacher.click('button[type=submit]')]);
  const resourceLinkId = await teacher.$eval('body', (b) => b.dataset.resourceLinks!);

  // The student launches. Invigil does not answer a site it does not trust: the page offers to ask, and the
  // extension's own window names the site; once allowed, the page finds the extension without a reload.
  const student = await newPage();
  await student.goto(platform.launchUrl({ user: 'student-1', name: 'Sam Student', role: 'learner', resource: resourceLinkId }));
  await student.waitForSelector('body[data-extension="missing"] #connect', { visible: true, timeout: 30_000 });
  expect(await accessibilityViolations(student)).toEqual([]);
  const approvalWindow = chromium.browser.waitForTarget((t) => t.url().startsWith(`${chromium.extensionOrigin}/approve.html`), { timeout: 30_000 });
  await student.click('#connect');
  const approval = (await (await approvalWindow).page())!;
  await approval.waitForSelector('#allow');
  expect(await approval.$eval('#origin', (o) => o.textContent)).toBe(new URL(invigil.url).origin);
  expect(await accessibilityViolations(approval)).toEqual([]);
  await approval.click('#allow');
  await student.waitForSelector('body[data-extension="ready"]', { timeout: 30_000 });
  expect(await student.$eval('#start', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
  expect(await accessibilityViolations(student)).toEqual([]);
  // The camera check runs the extension's detector on a few frames: this clip is well lit, one face, close enough.
  await student.click('#check');
  await student.waitForSelector('body[data-check]', { timeout: 60_000 });
  expect(await student.$eval('#check-result', (r) => r.textContent)).toContain('look good');
  expect(await accessibilityViolations(student)).toEqual([]);
  // A chunk left in the extension's outbox by another attempt (a crash) must never be filed under this one.
  const outboxPage = await newPage();
  await outboxPage.goto(`${chromium.extensionOrigin}/popup.html`);
  await outboxPage.evaluate(() => new Promise<void>((resolve, reject) => {
    const open = indexedDB.open('invigil-outbox', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('chunks', { keyPath: ['attemptId', 'stream', 'segment', 'seq'] })
      .createIndex('attemptCreatedAt', ['attemptId', 'createdAt']);
    open.onsuccess = () => {
      const put = open.result.transaction('chunks', 'readwrite').objectStore('chunks')
        .put({ attemptId: 'stale-attempt', stream: 'webcam', segment: 99, seq: 0, segmentStartedAt: Date.now(), blob: new Blob(['stale']), createdAt: 0 });
      put.onsuccess = () => { open.result.close(); resolve(); };
      put.onerror = () => reject(put.error ?? new Error('put failed'));
    };
    open.onerror = () => reject(open.error ?? new Error('open failed'));
  }));
  // Clicks wait for animation frames, which a background tab never gets.
  await student.bringToFront();
  await student.click('#acknowledge');
  const quizTabOpened = chromium.browser.waitForTarget((t) => t.url().startsWith(quizUrl), { timeout: 60_000 });
  await student.click('#start');
  // Interval polling: requestAnimationFrame never fires in a background tab, and the quiz tab takes the focus.
  await student.waitForFunction(() => document.body.dataset.attempt || /^Could not/.test(document.getElementById('start-status')?.textContent ?? ''), { timeout: 60_000, polling: 500 });
  const attemptId = await student.$eval('body', (b) => b.dataset.attempt);
  if (!attemptId) throw new Error(`${await student.$eval('#start-status', (p) => p.textContent)}\n${chromium.extensionLog.join('\n')}`);
  const quizTab = (await (await quizTabOpened).page())!;

  const [attempt] = await invigil.db.select().from(attempts).where(eq(attempts.id, attemptId));
  expect(attempt.status).toBe('in_progress');
  expect(attempt.policyAcknowledgedAt).toBeInstanceOf(Date);

  // Leaving the quiz tab is an event.
  await student.bringToFront();
  await new Promise((r) => setTimeout(r, 1000));
  await quizTab.bringToFront();

  // Recording and detection run for about 20 s, then the student submits the quiz.
  await new Promise((r) => setTimeout(r, 20_000));
  await Promise.all([quizTab.waitForNavigation(), quizTab.click('.btn-finishattempt button')]);
  expect(quizTab.url()).toContain('/mod/quiz/review.php');

  await until('the attempt to finish', async () => {
    const [a] = await invigil.db.select().from(attempts).where(eq(attempts.id, attemptId));
    return a.status === 'finished' && a;
  }, 120_000, () => attemptDiagnostics(attemptId));
  const ready = await until('both recordings to be remuxed', async () => {
    const rows = await invigil.db.select().from(recordings).where(eq(recordings.attemptId, attemptId));
    if (rows.some((r) => r.status === 'failed')) throw new Error(`remux failed: ${rows.map((r) => r.error).join('; ')}`);
    return rows.length === 2 && rows.every((r) => r.status === 'ready') && rows;
  }, 120_000, () => attemptDiagnostics(attemptId));
  const webcam = ready.find((r) => r.stream === 'webcam')!;
  const uploaded = await invigil.db.select().from(chunks).where(eq(chunks.attemptId, attemptId));
  expect(uploaded.every((c) => c.uploaded && c.segment !== 99)).toBe(true);
  const staleLeft = await outboxPage.evaluate(() => new Promise<number>((resolve) => {
    const open = indexedDB.open('invigil-outbox');
    open.onsuccess = () => {
      const count = open.result.transaction('chunks').objectStore('chunks').count(IDBKeyRange.bound(['stale-attempt'], ['stale-attempt', []]));
      count.onsuccess = () => resolve(count.result);
    };
  }));
  expect(staleLeft).toBe(1);
  expect(webcam.durationMs).toBeGreaterThan(15_000);
  expect(webcam.durationMs).toBeLessThan(40_000);

  // The instructor's review lists the attempt with at least one phone flag.
  const review = await newPage();
  await review.goto(platform.launchUrl({ user: 'teacher-1', name: 'Tess Teacher', role: 'instructor', resource: resourceLinkId }));
  await review.waitForSelector(`tr[data-attempt="${attemptId}"]`);
  expect(await accessibilityViolations(review)).toEqual([]);
  expect(Number(await review.$eval(`tr[data-attempt="${attemptId}"] .flag-count`, (td) => td.textContent))).toBeGreaterThanOrEqual(1);
  // The instructor's other pages meet WCAG 2.1 AA too.
  const listUrl = review.url();
  for (const other of ['accommodations', 'settings']) {
    await review.goto(listUrl.replace('/attempts?', `/${other}?`));
    await review.waitForSelector('h1');
    expect(await accessibilityViolations(review), other).toEqual([]);
  }
  await review.goto(listUrl);
  await Promise.all([review.waitForNavigation(), review.click(`tr[data-attempt="${attemptId}"] a`)]);
  await review.waitForSelector('body[data-recordings="ready"]', { timeout: 30_000 });
  await review.waitForSelector('button.flag-phone');
  expect(await accessibilityViolations(review)).toEqual([]);
  const events = await review.$$eval('#events li', (items) => items.map((li) => li.textContent ?? ''));
  expect(events.some((e) => e.includes('Left the quiz tab'))).toBe(true);

  // The recording is seekable: its duration is known, and jumping to the flag lands within 1 s of it.
  await review.waitForFunction(() => (document.getElementById('video-webcam') as HTMLVideoElement)?.readyState >= 1, { timeout: 30_000, polling: 200 });
  const duration = await review.$eval('#video-webcam', (v) => (v as HTMLVideoElement).duration);
  expect(Number.isFinite(duration)).toBe(true);
  expect(Math.abs(duration * 1000 - webcam.durationMs!)).toBeLessThan(1000);
  const flagAt = Number(await review.$eval('button.flag-phone', (b) => (b as HTMLElement).dataset.atMs));
  const expectedSeconds = (flagAt - webcam.startedAt!.getTime()) / 1000;
  expect(expectedSeconds).toBeGreaterThan(0);
  const seeked = review.$eval('#video-webcam', (v) => new Promise<number>((resolve) => v.addEventListener('seeked', () => resolve((v as HTMLVideoElement).currentTime), { once: true })));
  await review.click('button.flag-phone');
  const landed = await seeked;
  expect(Math.abs(landed - expectedSeconds)).toBeLessThan(1);
  await review.waitForFunction(() => (document.getElementById('video-webcam') as HTMLVideoElement).readyState >= 2, { timeout: 10_000, polling: 200 });
  // Both recordings are on one timeline: playing the webcam plays the screen; pausing one pauses the other.
  await review.bringToFront();
  await review.$eval('#video-webcam', (v) => { (v as HTMLVideoElement).muted = true; return (v as HTMLVideoElement).play(); });
  await review.waitForFunction(() => !(document.getElementById('video-screen') as HTMLVideoElement).paused, { timeout: 10_000, polling: 200 })
    .catch(async (error) => { throw new Error(`${error.message}: ${await review.$$eval('video', (vs) => JSON.stringify(vs.map((v) => ({ id: v.id, paused: v.paused, t: v.currentTime, d: v.duration, rs: v.readyState, err: v.error?.message }))))}`); });
  await review.$eval('#video-webcam', (v) => (v as HTMLVideoElement).pause());
  await review.waitForFunction(() => (document.getElementById('video-screen') as HTMLVideoElement).paused, { timeout: 10_000, polling: 200 });
  // Review links expire after minutes: a link that no longer works (here, one the bucket refuses) is replaced by a
  // fresh one from the server.
  await review.$eval('#video-screen', (v) => {
    const video = v as HTMLVideoElement;
    video.src = video.src.replace('/screen.webm', '/gone.webm');
  });
  await review.waitForFunction(() => {
    const video = document.getElementById('video-screen') as HTMLVideoElement;
    return video.src.includes('/screen.webm') && video.readyState >= 1;
  }, { timeout: 20_000, polling: 200 });
  // INVIGIL_SCREENSHOTS=<dir> keeps pictures of the pages, to look at them as a person would.
  if (process.env.INVIGIL_SCREENSHOTS) {
    await review.setViewport({ width: 1100, height: 900 });
    await review.screenshot({ path: `${process.env.INVIGIL_SCREENSHOTS}/review.png`, fullPage: true });
    await student.screenshot({ path: `${process.env.INVIGIL_SCREENSHOTS}/take.png`, fullPage: true });
  }
}, 300_000);
