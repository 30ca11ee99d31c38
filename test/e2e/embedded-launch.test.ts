// Launches inside the LMS's iframe (Moodle's "embed, without blocks" container, which Dynamic Registration picks):
// the extension's bridge answers in the frame, so the student starts from there; and the page can move to a window
// of its own with one button, carrying its session, when a frame cannot show the camera or screen prompt.
import type { Frame } from 'puppeteer-core';
import { expect } from 'vitest';
import type { TestPlatform } from '../lti-platform/platform.ts';
import type { launchChromium } from '../support/chromium.ts';
import { lmsTest } from '../support/fixtures.ts';
import { quizSettingsForm } from '../support/flows.ts';
import { until } from '../support/wait.ts';

const test = lmsTest({ quiz: (quizUrl) => ({ ...quizSettingsForm, title: 'Framed quiz', quizUrl }) });

type Chromium = Awaited<ReturnType<typeof launchChromium>>;

/** A student opens the proctored link in the course page, which frames it; the frame once the extension answered there. */
async function launchFramed(chromium: Chromium, platform: TestPlatform, resourceLinkId: string, user: string): Promise<Frame> {
  await chromium.trust(platform.toolOrigin());
  const course = await chromium.browser.newPage();
  await course.goto(platform.embeddedLaunchUrl({ user, role: 'learner', resource: resourceLinkId }));
  const frame = await until('the tool page in the LMS frame', async () => course.frames().find((f) => f !== course.mainFrame() && f.url().includes('/take')), 30_000);
  await frame.waitForSelector('body[data-extension="ready"]', { timeout: 30_000 });
  return frame;
}

test('the start page works inside the LMS iframe: the extension is found and the attempt starts', { timeout: 180_000 }, async ({ lms: { platform }, quiz: { resourceLinkId }, chromium }) => {
  const frame = await launchFramed(chromium, platform, resourceLinkId, 'student-framed');
  expect(await frame.$eval('#framed', (d) => (d as HTMLElement).hidden)).toBe(false);
  await frame.click('#acknowledge');
  await frame.click('#start');
  await frame.waitForFunction(() => document.body.dataset.attempt || /^Could not/.test(document.getElementById('start-status')?.textContent ?? ''), { timeout: 60_000, polling: 500 });
  expect(await frame.$eval('#start-status', (p) => p.textContent)).toContain('Proctoring is on');
  await until('the quiz tab', async () => (await chromium.browser.pages()).find((p) => p.url().includes('/mod/quiz/view.php?id=1')), 30_000);
});

test('"Open in its own window" moves the start page, with its session, to a top-level window', { timeout: 180_000 }, async ({ lms: { platform }, quiz: { resourceLinkId }, chromium }) => {
  const frame = await launchFramed(chromium, platform, resourceLinkId, 'student-window');
  const opened = new Promise<import('puppeteer-core').Page>((resolve) => {
    chromium.browser.on('targetcreated', (t: import('puppeteer-core').Target) => { if (t.type() === 'page') void t.page().then((p) => p && resolve(p)); });
  });
  await frame.click('#open-window');
  const own = await opened;
  await own.waitForFunction(() => location.pathname.endsWith('/take') && document.body?.dataset.extension === 'ready', { timeout: 30_000, polling: 500 });
  // Top level now: no frame notice, and no session code left in the address.
  expect(await own.$eval('#framed', (d) => (d as HTMLElement).hidden)).toBe(true);
  expect(new URL(own.url()).searchParams.has('code')).toBe(false);
  await own.click('#acknowledge');
  await own.click('#start');
  await own.waitForFunction(() => document.body.dataset.attempt || /^Could not/.test(document.getElementById('start-status')?.textContent ?? ''), { timeout: 60_000, polling: 500 });
  expect(await own.$eval('#start-status', (p) => p.textContent)).toContain('Proctoring is on');
  expect(await frame.$eval('#framed-text', (p) => p.textContent)).toBe('This page continues in its own window.');
});
