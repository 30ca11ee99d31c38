// The lockdown rules in Firefox ESR with the built extension: the page rules, new tabs, navigation, the overlay, and
// release at the end. Firefox cannot record the screen without a person choosing it, so this quiz records the webcam.
import { and, eq } from 'drizzle-orm';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attemptEvents, attempts } from '../../models/schema.ts';
import type { TestPlatform } from '../lti-platform/platform.ts';
import { firefoxAvailable, launchFirefox } from '../support/firefox.ts';
import { deepLinkQuiz, startToolAndPlatform } from '../support/flows.ts';
import type { TestInvigil } from '../support/invigil.ts';
import { until } from '../support/wait.ts';
import type { EventType } from '../../models/events.ts';
import { navigatedAway } from '../support/cleanup.ts';

let both: Awaited<ReturnType<typeof startToolAndPlatform>>;
let invigil: TestInvigil;
let platform: TestPlatform;
let firefox: Awaited<ReturnType<typeof launchFirefox>>;
let attemptId: string;
let quizTab: Page;
let quizUrl: string;
let blockedUrl: string;

const eventsOf = (type: EventType) => invigil.db.select().from(attemptEvents).where(and(eq(attemptEvents.attemptId, attemptId), eq(attemptEvents.type, type)));
const serverEvent = (type: EventType, match: (d: Record<string, unknown>) => boolean = () => true) =>
  until(`a ${type} event on the server`, async () => (await eventsOf(type)).find((e) => match(e.details)), 20_000,
    async () => (await invigil.db.select().from(attemptEvents).where(eq(attemptEvents.attemptId, attemptId))).map((e) => `${e.type} ${JSON.stringify(e.details)}`));

describe.runIf(firefoxAvailable)('lockdown in Firefox ESR', () => {
  beforeAll(async () => {
    both = await startToolAndPlatform();
    ({ invigil, platform } = both);
    quizUrl = `${platform.issuer}/mod/quiz/view.php?id=1`;
    blockedUrl = `http://127.0.0.1:${new URL(platform.issuer).port}/mod/quiz/view.php?id=2`;
    const { resourceLinkId } = await deepLinkQuiz(platform, { title: 'Firefox quiz', quizUrl, recordWebcam: 'on', lockdownPreset: 'closed_book', policyText: 'Closed book.' });
    // IT's policy trusts this Invigil (Firefox's managed storage): the student is never asked.
    firefox = await launchFirefox({ trustedOrigins: [new URL(invigil.url).origin] });
    const student = await firefox.browser.newPage();
    await student.goto(platform.launchUrl({ user: 'student-firefox', role: 'learner', resource: resourceLinkId }));
    await student.waitForSelector('body[data-extension="ready"]', { timeout: 30_000 });
    await student.click('#acknowledge');
    await student.click('#start');
    await student.waitForFunction(() => document.body.dataset.attempt || /^Could not/.test(document.getElementById('start-status')?.textContent ?? ''), { timeout: 90_000, polling: 500 });
    attemptId = (await student.$eval('body', (b) => b.dataset.attempt))!;
    if (!attemptId) throw new Error(await student.$eval('#start-status', (p) => p.textContent ?? ''));
    const pages = await until('the quiz tab', async () => (await firefox.browser.pages()).find((p) => p.url().startsWith(quizUrl)), 30_000);
    quizTab = pages;
    await quizTab.bringToFront();
  }, 180_000);
  afterAll(async () => {
    await firefox?.close();
    await both?.close();
  });

  it('starts every rule Firefox has, and says what it cannot know', async () => {
    const started = await serverEvent('lockdown_started');
    expect(String(started.details.rules).split(',')).toEqual(expect.arrayContaining(['new-tabs', 'navigation', 'clipboard', 'shortcuts', 'other-extensions']));
    await serverEvent('displays_unknown');
    await serverEvent('other_extensions', (d) => d.count === 0);
  });

  it('shows the overlay and blocks the page shortcuts, the clipboard, printing, the context menu and dragging out', async () => {
    await quizTab.waitForFunction(() => document.querySelector('invigil-overlay')?.shadowRoot?.querySelector('.bar'), { timeout: 20_000, polling: 500 });
    await quizTab.evaluate(() => {
      const seen: string[] = [];
      Object.assign(window, { seen });
      window.addEventListener('keydown', (e) => seen.push(`${e.key}:${e.defaultPrevented}`));
    });
    await quizTab.click('h1');
    await quizTab.keyboard.down('Control');
    await quizTab.keyboard.press('c');
    await quizTab.keyboard.press('u');
    await quizTab.keyboard.press('p');
    await quizTab.keyboard.up('Control');
    await quizTab.keyboard.press('F12');
    await quizTab.click('h1', { button: 'right' });
    const drag = await quizTab.evaluate(() => document.querySelector('h1')!.dispatchEvent(new DragEvent('dragstart', { bubbles: true, cancelable: true })));
    expect(drag).toBe(false);
    const seen = await quizTab.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen).toEqual(expect.arrayContaining(['c:true', 'u:true', 'p:true', 'F12:true']));
    await serverEvent('clipboard_blocked', (d) => d.action === 'Ctrl+C');
    await serverEvent('shortcut_blocked', (d) => d.keys === 'Ctrl+U');
    await serverEvent('shortcut_blocked', (d) => d.keys === 'F12');
    await serverEvent('print_blocked', (d) => d.keys === 'Ctrl+P');
    await serverEvent('context_menu_blocked');
    await serverEvent('drag_blocked');
  });

  it('closes a new tab and keeps the quiz tab on the quiz', async () => {
    await quizTab.evaluate((url) => { window.open(url, '_blank', 'noopener'); }, blockedUrl);
    await serverEvent('tab_blocked', (d) => d.url === blockedUrl);
    await quizTab.evaluate((url) => { window.location.href = url; }, blockedUrl).catch(navigatedAway);
    await serverEvent('navigation_blocked', (d) => d.url === blockedUrl);
    await until('the quiz tab back on the quiz', async () => quizTab.url() === quizUrl, 15_000);
  });

  it('ends the attempt from the overlay and releases the page', async () => {
    await quizTab.bringToFront();
    await quizTab.waitForFunction(() => document.querySelector('invigil-overlay')?.shadowRoot?.querySelector('button.end'), { timeout: 20_000, polling: 500 });
    await quizTab.evaluate(() => (document.querySelector('invigil-overlay')!.shadowRoot!.querySelector('button.end') as HTMLButtonElement).click());
    await quizTab.evaluate(() => (document.querySelector('invigil-overlay')!.shadowRoot!.querySelector('button.yes') as HTMLButtonElement).click());
    await until('the attempt to finish', async () => (await invigil.db.select().from(attempts).where(eq(attempts.id, attemptId)))[0].status === 'finished', 60_000);
    await until('the overlay to go', async () => !(await quizTab.$('invigil-overlay')), 10_000);
  });
});
