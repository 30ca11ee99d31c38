// Every lockdown rule, provoked in Chromium with the built extension during one real closed-book attempt: each test
// does what a student might (open a tab, leave the quiz, press Ctrl+C, install an extension...) and checks both that
// the browser was stopped and that the server received the event. The last test ends the attempt from the quiz
// page's overlay and checks that nothing stays locked.
import { and, eq } from 'drizzle-orm';
import type { KeyInput, Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { attemptEvents, attempts, flags } from '../../models/schema.ts';
import type { TestPlatform } from '../lti-platform/platform.ts';
import { accessibilityViolations } from '../support/accessibility.ts';
import { launchChromium, otherExtension } from '../support/chromium.ts';
import { deepLinkQuiz, startToolAndPlatform } from '../support/flows.ts';
import type { TestInvigil } from '../support/invigil.ts';
import { startAttemptInBrowser } from '../support/student.ts';
import { until } from '../support/wait.ts';
import type { EventType } from '../../models/events.ts';
import { navigatedAway } from '../support/cleanup.ts';

let both: Awaited<ReturnType<typeof startToolAndPlatform>>;
let invigil: TestInvigil;
let platform: TestPlatform;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let attemptId: string;
let quizTab: Page;
let quizUrl: string;
/** Another origin (127.0.0.1 rather than localhost): allowed under /notes/, blocked everywhere else. */
let notesUrl: string;
let blockedUrl: string;

async function eventsOfAttempt(type?: EventType) {
  const rows = await invigil.db.select().from(attemptEvents)
    .where(type ? and(eq(attemptEvents.attemptId, attemptId), eq(attemptEvents.type, type)) : eq(attemptEvents.attemptId, attemptId));
  return rows;
}

/** Waits for the server to have stored an event of this type (whose details pass `match`), from `since` on. */
function serverEvent(type: EventType, match: (details: Record<string, unknown>) => boolean = () => true, since = 0) {
  return until(`a ${type} event on the server`, async () => (await eventsOfAttempt(type)).find((e) => e.occurredAt.getTime() >= since && match(e.details)), 20_000,
    async () => ({ events: (await eventsOfAttempt()).map((e) => `${e.type} ${JSON.stringify(e.details)}`), log: chromium.extensionLog.slice(-20) }));
}

const isExtensionEnabled = (id: string) => chromium.inExtension((extensionId) =>
  (globalThis as unknown as { chrome: { management: { get(id: string): Promise<{ enabled: boolean }> } } }).chrome.management.get(extensionId).then((e) => e.enabled), id);

const extensionIdByName = (name: string) => chromium.inExtension((wanted) =>
  (globalThis as unknown as { chrome: { management: { getAll(): Promise<{ id: string; name: string }[]> } } }).chrome.management.getAll()
    .then((all) => all.find((e) => e.name === wanted)?.id), name);

async function quizWindow() {
  const session = await quizTab.createCDPSession();
  const { windowId, bounds } = await session.send('Browser.getWindowForTarget');
  return { session, windowId, state: bounds.windowState };
}

/** Keys pressed in the quiz page, and whether the page saw them as blocked (defaultPrevented). */
async function press(keys: KeyInput[]) {
  for (const k of keys.slice(0, -1)) await quizTab.keyboard.down(k);
  await quizTab.keyboard.press(keys.at(-1)!);
  for (const k of keys.slice(0, -1).reverse()) await quizTab.keyboard.up(k);
}

beforeAll(async () => {
  both = await startToolAndPlatform({ HEARTBEAT_TIMEOUT_SECONDS: '6' });
  ({ invigil, platform } = both);
  quizUrl = `${platform.issuer}/mod/quiz/view.php?id=1`;
  const port = new URL(platform.issuer).port;
  notesUrl = `http://127.0.0.1:${port}/notes/formulas`;
  blockedUrl = `http://127.0.0.1:${port}/mod/quiz/view.php?id=2`;
  const { resourceLinkId } = await deepLinkQuiz(platform, {
    title: 'Closed-book quiz', quizUrl, lockdownPreset: 'closed_book', allowedUrls: `http://127.0.0.1:${port}/notes/`,
    disableOtherExtensions: 'on', policyText: 'Closed book. No other tabs.',
  });
  chromium = await launchChromium({
    clip: 'single_person',
    otherExtensions: [otherExtension('Helper Notes')],
    // Two displays, as a student with a second monitor.
    extraArgs: ['--screen-info={1280x800}{1024x768}'],
  });
  ({ attemptId } = await startAttemptInBrowser(chromium, platform, resourceLinkId, 'student-lockdown'));
  const target = await chromium.browser.waitForTarget((t) => t.url().startsWith(quizUrl), { timeout: 30_000 });
  quizTab = (await target.page())!;
  await quizTab.bringToFront();
}, 180_000);

afterEach((context) => {
  if (context.task.result?.state === 'fail') console.error(`Extension log:\n${chromium?.extensionLog.slice(-40).join('\n')}`);
});

afterAll(async () => {
  await chromium?.close();
  await both?.close();
});

describe('lockdown in Chromium, one closed-book attempt', () => {
  it('shows the student that lockdown is on and which rules apply', async () => {
    await quizTab.waitForFunction(() => document.querySelector('invigil-overlay')?.shadowRoot?.querySelector('.bar'), { timeout: 20_000, polling: 500 });
    const overlay = await quizTab.$eval('invigil-overlay', (host) => ({
      text: host.shadowRoot!.querySelector('.bar strong')!.textContent,
      rules: [...host.shadowRoot!.querySelectorAll('#rules li')].map((li) => li.textContent),
    }));
    expect(overlay.text).toContain('Proctoring is on');
    expect(overlay.rules).toContain('Copy, cut and paste are blocked');
    expect(overlay.rules).toHaveLength(13);
    expect(await accessibilityViolations(quizTab)).toEqual([]);
    const started = await serverEvent('lockdown_started');
    expect(String(started.details.rules).split(',')).toHaveLength(13);
  });

  it('flags a second display at the start', async () => {
    const flag = await until('a multiple_displays flag', async () => (await invigil.db.select().from(flags)
      .where(and(eq(flags.attemptId, attemptId), eq(flags.type, 'multiple_displays'))))[0], 20_000);
    expect(flag.explanation.summary).toContain('2 displays connected');
    expect(flag.explanation.summary).toContain('1024×768');
  });

  it('lists the other extensions for the instructor and turns them off for the attempt', async () => {
    const listed = await serverEvent('other_extensions');
    expect(listed.details.names).toContain('Helper Notes 1.0');
    await serverEvent('extensions_disabled', (d) => String(d.names).includes('Helper Notes'));
    expect(await isExtensionEnabled((await extensionIdByName('Helper Notes'))!)).toBe(false);
  });

  it('closes a new tab, and keeps one that opens an allowed address', async () => {
    await quizTab.evaluate((url) => { window.open(url, '_blank', 'noopener'); }, blockedUrl);
    const blocked = await serverEvent('tab_blocked', (d) => d.url === blockedUrl);
    expect(blocked.details.summary).toContain('closed');
    await until('the blocked tab to be gone', async () => !chromium.browser.targets().some((t) => t.url() === blockedUrl), 10_000);

    await quizTab.evaluate((url) => { window.open(url, '_blank', 'noopener'); }, notesUrl);
    await serverEvent('tab_allowed', (d) => d.url === notesUrl);
    const notes = await chromium.browser.waitForTarget((t) => t.url() === notesUrl, { timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 1000));
    expect(chromium.browser.targets().some((t) => t.url() === notesUrl)).toBe(true);
    await (await notes.page())?.close();

    // Invigil's own pages stay open: a student relaunching from the LMS comes back through them.
    const toolPage = `${invigil.url}/app/nowhere`;
    await quizTab.evaluate((url) => { window.open(url, '_blank', 'noopener'); }, toolPage);
    await serverEvent('tab_allowed', (d) => d.url === toolPage);
    const tool = await chromium.browser.waitForTarget((t) => t.url() === toolPage, { timeout: 10_000 });
    await (await tool.page())?.close();
    await quizTab.bringToFront();
  });

  it('keeps the quiz tab on the quiz site and the allowed addresses', async () => {
    await quizTab.evaluate((url) => { window.location.href = url; }, blockedUrl).catch(navigatedAway);
    const blocked = await serverEvent('navigation_blocked', (d) => d.url === blockedUrl);
    expect(blocked.details.summary).toContain(blockedUrl);
    await until('the quiz tab to be back on the quiz', async () => quizTab.url() === quizUrl && (await quizTab.$('#responseform').catch(() => null)) !== null, 15_000);
    expect((await eventsOfAttempt('navigation_blocked')).every((e) => e.details.url === blockedUrl)).toBe(true);

    await quizTab.evaluate((url) => { window.location.href = url; }, notesUrl).catch(navigatedAway);
    await until('the allowed page to load in the quiz tab', async () => quizTab.url() === notesUrl && (await quizTab.$('#page-notes').catch(() => null)) !== null, 15_000);
    await quizTab.goto(quizUrl);
    expect(await eventsOfAttempt('navigation_blocked')).toHaveLength(1);
  });

  it('keeps the quiz window full screen', async () => {
    const before = await quizWindow();
    expect(before.state).toBe('fullscreen');
    await before.session.send('Browser.setWindowBounds', { windowId: before.windowId, bounds: { windowState: 'normal' } });
    const exited = await serverEvent('fullscreen_exited');
    expect(exited.details.summary).toContain('left full screen');
    await serverEvent('fullscreen_restored');
    expect((await quizWindow()).state).toBe('fullscreen');
  });

  it('blocks copy, paste, printing, the context menu, dragging out and browser shortcuts in the quiz page', async () => {
    await quizTab.bringToFront();
    await quizTab.waitForFunction(() => document.querySelector('invigil-overlay'), { timeout: 20_000, polling: 500 });
    // The page's own listeners see whether the extension stopped each action.
    await quizTab.evaluate(() => {
      const seen: string[] = [];
      Object.assign(window, { seen });
      window.addEventListener('keydown', (e) => seen.push(`${e.key}:${e.defaultPrevented}`));
      window.addEventListener('contextmenu', (e) => seen.push(`contextmenu:${e.defaultPrevented}`));
    });
    await quizTab.click('h1');
    await press(['Control', 'c']);
    await press(['Control', 'v']);
    await press(['Control', 'p']);
    await press(['F12']);
    await press(['Control', 'u']);
    await press(['Control', 's']);
    await press(['Control', 'Shift', 'I']);
    await quizTab.click('h1', { button: 'right' });
    const synthetic = await quizTab.evaluate(() => ({
      copy: document.dispatchEvent(new ClipboardEvent('copy', { bubbles: true, cancelable: true })),
      paste: document.dispatchEvent(new ClipboardEvent('paste', { bubbles: true, cancelable: true })),
      drag: document.querySelector('h1')!.dispatchEvent(new DragEvent('dragstart', { bubbles: true, cancelable: true })),
    }));
    const seen = await quizTab.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen).toEqual(expect.arrayContaining(['c:true', 'v:true', 'p:true', 'F12:true', 'u:true', 's:true', 'I:true', 'contextmenu:true']));
    // dispatchEvent is false when a listener prevented the default.
    expect(synthetic).toEqual({ copy: false, paste: false, drag: false });
    // Anything printed from the browser's menu comes out blank.
    await quizTab.emulateMediaType('print');
    expect(await quizTab.evaluate(() => getComputedStyle(document.documentElement).display)).toBe('none');
    await quizTab.emulateMediaType(undefined);

    await serverEvent('clipboard_blocked', (d) => d.action === 'Ctrl+C');
    await serverEvent('clipboard_blocked', (d) => d.action === 'paste');
    await serverEvent('print_blocked', (d) => d.keys === 'Ctrl+P');
    for (const keys of ['F12', 'Ctrl+U', 'Ctrl+S', 'Ctrl+Shift+I']) await serverEvent('shortcut_blocked', (d) => d.keys === keys);
    await serverEvent('context_menu_blocked');
    await serverEvent('drag_blocked');
  });

  it('records leaving the quiz tab and the quiz page being hidden, with how long', async () => {
    // Opening a page brings it to the front.
    const left = Date.now();
    const other = await chromium.browser.newPage();
    await other.bringToFront();
    await new Promise((r) => setTimeout(r, 1500));
    await quizTab.bringToFront();
    const back = await serverEvent('tab_return', () => true, left);
    expect(Number(back.details.awayMs)).toBeGreaterThanOrEqual(1000);
    await serverEvent('page_hidden', () => true, left);
    const visible = await serverEvent('page_visible', () => true, left);
    expect(Number(visible.details.hiddenMs)).toBeGreaterThanOrEqual(1000);
    await other.close();
  });

  it('records an extension installed during the attempt, and turns it off', async () => {
    const id = await chromium.browser.installExtension(otherExtension('Late Helper'));
    await serverEvent('extension_enabled', (d) => d.name === 'Late Helper 1.0');
    await until('the new extension to be turned off', async () => !(await isExtensionEnabled(id)), 10_000);
  });

  it('sends signed heartbeats with a growing counter', async () => {
    const [attempt] = await invigil.db.select().from(attempts).where(eq(attempts.id, attemptId));
    expect(attempt.heartbeatCount).toBeGreaterThanOrEqual(3);
    expect(attempt.heartbeatCounter).toBeGreaterThanOrEqual(attempt.heartbeatCount);
    expect(await invigil.db.select().from(flags).where(and(eq(flags.attemptId, attemptId), eq(flags.type, 'heartbeat_lost')))).toEqual([]);
  });

  it('ends the attempt from the quiz page, and then nothing stays locked', async () => {
    await quizTab.bringToFront();
    await quizTab.click('invigil-overlay >>> button.end');
    await quizTab.click('invigil-overlay >>> button.yes');
    await until('the attempt to finish', async () => (await invigil.db.select().from(attempts).where(eq(attempts.id, attemptId)))[0].status === 'finished', 60_000,
      async () => ({ events: (await eventsOfAttempt()).slice(-10).map((e) => `${e.type} ${JSON.stringify(e.details)}`), log: chromium.extensionLog.slice(-20) }));
    await until('the overlay to go', async () => !(await quizTab.$('invigil-overlay')), 10_000);

    // Extensions are back on, the window is no longer forced full screen.
    expect(await isExtensionEnabled((await extensionIdByName('Helper Notes'))!)).toBe(true);
    expect(await isExtensionEnabled((await extensionIdByName('Late Helper'))!)).toBe(true);
    await until('the window to leave full screen', async () => (await quizWindow()).state !== 'fullscreen', 10_000);

    // Keys and the context menu reach the page untouched.
    // Clicks wait for animation frames, which only the front tab gets.
    await quizTab.bringToFront();
    await quizTab.evaluate(() => {
      const seen: string[] = [];
      Object.assign(window, { seen });
      window.addEventListener('keydown', (e) => seen.push(`${e.key}:${e.defaultPrevented}`));
    });
    await quizTab.click('h1');
    await press(['Control', 'c']);
    await press(['F12']);
    const seenAfter = await quizTab.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seenAfter.filter((k) => !k.startsWith('Control'))).toEqual(['c:false', 'F12:false']);

    // New tabs stay open and the quiz tab may go anywhere.
    const blockedTabs = (await eventsOfAttempt('tab_blocked')).length;
    await quizTab.evaluate((url) => { window.open(url, '_blank', 'noopener'); }, blockedUrl);
    const opened = await chromium.browser.waitForTarget((t) => t.url() === blockedUrl, { timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 1500));
    expect(chromium.browser.targets().includes(opened)).toBe(true);
    await (await opened.page())?.close();
    await quizTab.goto(blockedUrl);
    expect(quizTab.url()).toBe(blockedUrl);
    expect(await eventsOfAttempt('tab_blocked')).toHaveLength(blockedTabs);
  }, 120_000);
});
