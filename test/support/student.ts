// A student in a real browser: launch from the LMS, acknowledge the policy, start; and end the attempt from the
// extension's popup.
import type { Frame, Page } from 'puppeteer-core';
import type { TestPlatform } from '../lti-platform/platform.ts';
import type { BackgroundStatus } from '../../extension/messaging/protocol.ts';
import type { launchChromium } from './chromium.ts';

type Chromium = Awaited<ReturnType<typeof launchChromium>>;

export async function startAttemptInBrowser(chromium: Chromium, platform: TestPlatform, resourceLinkId: string, user: string) {
  // The student allowed this Invigil once (the approval window itself is tested in proctored-attempt.test.ts).
  await chromium.trust(platform.toolOrigin());
  const student = await chromium.browser.newPage();
  await student.goto(platform.launchUrl({ user, role: 'learner', resource: resourceLinkId }));
  return { student, attemptId: await startFromToolPage(chromium, student) };
}

/**
 * The student's steps on Invigil's start page, wherever the LMS put it (a tab, or a frame of the course page, as
 * Canvas does): wait for the extension, acknowledge the policy, start. Every LMS's browser tests take this path.
 */
export async function startFromToolPage(browser: { extensionLog?: string[] }, page: Page | Frame) {
  await page.waitForSelector('body[data-extension="ready"]', { timeout: 30_000 });
  await page.click('#acknowledge');
  await page.click('#start');
  // Interval polling: requestAnimationFrame never fires in a background tab, and the quiz tab takes the focus.
  // The first start in a fresh browser loads the recorder and its models: slow on a busy machine, so a wide bound.
  await page.waitForFunction(() => document.body.dataset.attempt || /^Could not/.test(document.getElementById('start-status')?.textContent ?? ''), { timeout: 150_000, polling: 500 });
  const attemptId = await page.$eval('body', (b) => b.dataset.attempt);
  if (!attemptId) throw new Error(`${await page.$eval('#start-status', (p) => p.textContent)}\n${(browser.extensionLog ?? []).join('\n')}`);
  return attemptId;
}

/** What the background reports: the running attempt and the recorder's status. */
export async function extensionStatus(chromium: Chromium) {
  const popup = await chromium.browser.newPage();
  await popup.goto(`${chromium.extensionOrigin}/popup.html`);
  // The extension's own message envelope (extension/messaging/protocol.ts), sent from one of its pages.
  const answer = await popup.evaluate(() => (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).chrome.runtime
    .sendMessage({ invigil: 1, to: 'background', name: 'status', payload: undefined })) as { ok: true; value: BackgroundStatus } | { ok: false; error: string };
  await popup.close();
  if (!answer.ok) throw new Error(`The background refused "status": ${answer.error}`);
  return answer.value;
}

export async function finishFromPopup(chromium: Chromium) {
  const popup = await chromium.browser.newPage();
  await popup.goto(`${chromium.extensionOrigin}/popup.html`);
  await popup.waitForSelector('#finish:not([hidden])', { timeout: 10_000 });
  await popup.click('#finish');
  await popup.waitForFunction(() => document.getElementById('summary')?.textContent === 'No proctored attempt is running.', { timeout: 60_000, polling: 500 });
  await popup.close();
}
