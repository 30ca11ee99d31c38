// The review by keyboard alone in Chromium, on a recording with a 25 s crash hole: reach the attempt, jump to the
// flag after the hole (it lands within 1 s of the moment the chunks say), play, change speed, decide, with axe
// clean and focus visible. Clicking the flag lands in the same place.
import { eq } from 'drizzle-orm';
import type { Page } from 'puppeteer-core';
import { describe, expect } from 'vitest';
import { flagDecisions } from '../../models/schema.ts';
import { accessibilityViolations } from '../support/accessibility.ts';
import { lmsTest } from '../support/fixtures.ts';
import { launch } from '../support/flows.ts';
import { seedGapRecording } from '../support/gap-recording.ts';

const test = lmsTest();

/** Tab until `selector` has the focus, as a keyboard user would; fails after `max` presses. */
async function tabTo(page: Page, selector: string, max = 300) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${selector} was not reached with ${max} presses of Tab`);
}

const webcamMs = (page: Page) => page.$eval('#video-webcam', (v) => (v as HTMLVideoElement).currentTime * 1000);
/** Waits for the webcam player to settle after a seek, and says where it is. */
async function settled(page: Page) {
  await page.waitForFunction(() => { const v = document.getElementById('video-webcam') as HTMLVideoElement; return !v.seeking && v.readyState >= 2; }, { timeout: 20_000, polling: 100 });
  return webcamMs(page);
}

describe('the review by keyboard', () => {
  test('reach, seek to the flag after the hole, play at 2×, decide; axe clean', { timeout: 240_000 }, async ({ lms: { invigil, platform }, quiz: { resourceLinkId }, chromium }) => {
    const student = await launch(platform, { user: 'student-kb', name: 'Kim Keys', role: 'learner', resource: resourceLinkId });
    const created = await student.browser.request(student.page.url.replace('/take?', '/attempts?'), { json: { acknowledged: true } });
    const { attemptId } = JSON.parse(created.body) as { attemptId: string };
    const seeded = await seedGapRecording(invigil, attemptId);

    const page = await chromium.browser.newPage();
    await page.goto(platform.launchUrl({ user: 'teacher-1', name: 'Tess Teacher', role: 'instructor', resource: resourceLinkId }));
    await page.waitForSelector(`tr[data-attempt="${attemptId}"]`);
    await tabTo(page, `tr[data-attempt="${attemptId}"] a`);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await page.waitForSelector('body[data-recordings="ready"]', { timeout: 30_000 });
    await page.waitForFunction(() => ((document.getElementById('video-webcam') as HTMLVideoElement | null)?.readyState ?? 0) >= 1, { timeout: 30_000, polling: 200 });
    expect(await accessibilityViolations(page)).toEqual([]);

    // The hole is a band on the scrubber with its sentence; the shortcuts are listed.
    expect(await page.$$eval('#scrubber .gap-band', (b) => b.length)).toBe(1);
    expect(await page.$eval('.gap-sentences', (l) => l.textContent)).toMatch(/Webcam: no recording from \d\d:\d\d:\d\d to \d\d:\d\d:\d\d UTC \(0:25\)/);
    expect(await page.$eval('#shortcuts', (d) => d.textContent)).toContain('Next or previous flag');

    // N from the page: the next flag, 10 s after the hole — within 1 s of where the chunks put it.
    await page.$eval('h1', (h) => { h.tabIndex = -1; h.focus(); });
    await page.keyboard.press('n');
    const landed = await settled(page);
    expect(Math.abs(landed - seeded.expectedMediaMs), `landed at ${landed} ms, expected ${seeded.expectedMediaMs} ms`).toBeLessThan(1000);
    expect(await page.$eval('#current-flag', (a) => a.textContent)).toContain('More than one display');
    expect(await page.$eval('#scrubber', (s) => s.getAttribute('aria-valuetext'))).toMatch(/^0:45 of /);
    // INVIGIL_SCREENSHOTS=<dir> keeps a picture of the page, to look at it as a person would.
    if (process.env.INVIGIL_SCREENSHOTS) {
      await page.setViewport({ width: 1100, height: 900 });
      await page.screenshot({ path: `${process.env.INVIGIL_SCREENSHOTS}/review-keyboard.png`, fullPage: true });
    }

    // Space plays both (at 2× after "2"), space again pauses.
    await page.keyboard.press('2');
    await page.keyboard.press(' ');
    await page.waitForFunction(() => [...document.querySelectorAll('video')].every((v) => !v.paused && v.playbackRate === 2), { timeout: 10_000, polling: 100 });
    expect(await page.$eval('#speed-2', (b) => b.getAttribute('aria-pressed'))).toBe('true');
    await page.keyboard.press(' ');
    await page.waitForFunction(() => [...document.querySelectorAll('video')].every((v) => v.paused), { timeout: 10_000, polling: 100 });

    // The scrubber takes the focus visibly; Home goes to the start.
    await tabTo(page, '#scrubber');
    expect(await page.$eval('#scrubber', (s) => getComputedStyle(s).outlineStyle)).not.toBe('none');
    await page.keyboard.press('Home');
    expect(await settled(page)).toBeLessThan(500);

    // Decide on the flag by keyboard: the radio group, a note, submit.
    const form = `#flag-${seeded.afterHole.id} .decision-form`;
    await tabTo(page, `${form} input[value="dismissed"]`);
    await page.keyboard.press('ArrowRight');
    expect(await page.$eval(`${form} input[value="confirmed"]`, (r) => r.checked)).toBe(true);
    await tabTo(page, `${form} textarea`);
    await page.keyboard.type('A second display was on.');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Save the decision');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await page.waitForSelector(`#flag-${seeded.afterHole.id} .decision[data-decision="confirmed"]`);
    const saved = await invigil.db.select().from(flagDecisions).where(eq(flagDecisions.flagId, seeded.afterHole.id));
    expect(saved.map((d) => [d.decision, d.note])).toEqual([['confirmed', 'A second display was on.']]);
    await page.waitForSelector('body[data-recordings="ready"]', { timeout: 30_000 });
    expect(await accessibilityViolations(page)).toEqual([]);

    // A click on the flag's time lands in the same place.
    await page.waitForFunction(() => ((document.getElementById('video-webcam') as HTMLVideoElement | null)?.readyState ?? 0) >= 1, { timeout: 30_000, polling: 200 });
    await page.click(`#flag-${seeded.afterHole.id} button.seek`);
    expect(Math.abs(await settled(page) - seeded.expectedMediaMs)).toBeLessThan(1000);
    await page.close();
  });
});
