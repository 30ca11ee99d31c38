// What happens around the lockdown rather than inside it: the browser dying mid-attempt (the server flags the silent
// heartbeats; a restart without the attempt leaves the browser unlocked), the extension being removed mid-attempt,
// and developer tools open on the quiz tab.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { attemptEvents, attempts, flags } from '../../models/schema.ts';
import type { TestPlatform } from '../lti-platform/platform.ts';
import { launchChromium, otherExtension } from '../support/chromium.ts';
import type { TestInvigil } from '../support/invigil.ts';
import { extensionStatus, startAttemptInBrowser } from '../support/student.ts';
import { until } from '../support/wait.ts';
import type { AnyFlagType } from '../../models/flags.ts';
import { navigatedAway } from '../support/cleanup.ts';
import { lmsTest } from '../support/fixtures.ts';

let invigil: TestInvigil;
let platform: TestPlatform;
let resourceLinkId: string;

const test = lmsTest({
  // A short timeout, so a silent extension is flagged within seconds.
  environment: { HEARTBEAT_TIMEOUT_SECONDS: '4' },
  quiz: (quizUrl) => ({ title: 'Tamper quiz', quizUrl, lockdownPreset: 'closed_book', disableOtherExtensions: 'on', policyText: 'Closed book.' }),
});
// The file's Invigil, test LMS and quiz, from the fixtures, for the helpers below.
test.beforeAll(({ lms, quiz }) => {
  ({ invigil, platform } = lms);
  ({ resourceLinkId } = quiz);
});

const flagsOf = (attemptId: string, type: AnyFlagType) => invigil.db.select().from(flags).where(and(eq(flags.attemptId, attemptId), eq(flags.type, type)));
type ChromeApi = { chrome: { management: { getAll(): Promise<{ id: string; name: string; enabled: boolean }[]>; uninstallSelf(): Promise<void> }; storage: { local: { get(k: string): Promise<Record<string, unknown>> } } } };

describe('tamper evidence and crashes', () => {
  it('flags an attempt whose browser died, and a restart without the attempt leaves the browser unlocked', async () => {
    const userDataDir = mkdtempSync(path.join(tmpdir(), 'invigil-profile-'));
    const helper = otherExtension('Helper Notes');
    let chromium = await launchChromium({ clip: 'single_person', userDataDir, otherExtensions: [helper] });
    try {
      const { attemptId } = await startAttemptInBrowser(chromium, platform, resourceLinkId, 'student-crash');
      const remembered = await until('the helper extension to be turned off', () => chromium.inExtension(async () => {
        const { chrome } = globalThis as unknown as ChromeApi;
        const helperOff = (await chrome.management.getAll()).some((e) => e.name === 'Helper Notes' && !e.enabled);
        return helperOff && (await chrome.storage.local.get('extensionsDisabledForAttempt')).extensionsDisabledForAttempt;
      }), 20_000);
      expect(remembered).toHaveLength(1);

      await chromium.kill();
      const [lost] = await until('a heartbeat_lost flag', async () => (await flagsOf(attemptId, 'heartbeat_lost')).length > 0 && flagsOf(attemptId, 'heartbeat_lost'), 30_000);
      expect(lost.severity).toBe('high');
      expect(lost.explanation.summary).toMatch(/^No heartbeat from the extension for \d+ s while the attempt was open/);

      // The attempt ends while the browser is closed (the deadline passed, or the instructor ended it).
      await invigil.db.update(attempts).set({ status: 'finished', finishedAt: new Date() }).where(eq(attempts.id, attemptId));
      chromium = await launchChromium({ clip: 'single_person', userDataDir, otherExtensions: [helper] });
      const state = await until('the extension to let go of the attempt', () => chromium.inExtension(async () => {
        const { chrome } = globalThis as unknown as ChromeApi;
        const stored = await chrome.storage.local.get('extensionsDisabledForAttempt');
        const helperOn = (await chrome.management.getAll()).some((e) => e.name === 'Helper Notes' && e.enabled);
        return !stored.extensionsDisabledForAttempt && !(await chrome.storage.local.get('activeAttempt')).activeAttempt && helperOn && { helperOn };
      }), 30_000);
      expect(state.helperOn).toBe(true);
      expect((await extensionStatus(chromium)).attempt).toBeNull();

      // Nothing is locked: another site opens in a new tab and stays, and keys reach it untouched.
      const page = await chromium.browser.newPage();
      await page.goto(`${invigil.url}/app/nowhere`).catch(navigatedAway);
      await page.evaluate(() => {
        const seen: string[] = [];
        Object.assign(window, { seen });
        window.addEventListener('keydown', (e) => seen.push(`${e.key}:${e.defaultPrevented}`));
      });
      await page.keyboard.press('F12');
      await new Promise((r) => setTimeout(r, 1500));
      expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toEqual(['F12:false']);
      expect(await page.$('invigil-overlay')).toBeNull();
      expect(page.isClosed()).toBe(false);
    } finally {
      await chromium.close();
      rmSync(userDataDir, { recursive: true, force: true });
    }
  }, 240_000);

  it('flags an attempt whose extension was removed during it', async () => {
    const chromium = await launchChromium({ clip: 'single_person' });
    try {
      const { attemptId } = await startAttemptInBrowser(chromium, platform, resourceLinkId, 'student-removal');
      // Removing the extension ends every extension page, so the call never returns.
      await chromium.inExtension(() => { void (globalThis as unknown as ChromeApi).chrome.management.uninstallSelf(); }).catch(navigatedAway);
      const [removed] = await until('an extension_removed flag', async () => (await flagsOf(attemptId, 'extension_removed')).length > 0 && flagsOf(attemptId, 'extension_removed'), 30_000);
      expect(removed.explanation.summary).toContain('removed');
      const events = await invigil.db.select().from(attemptEvents).where(and(eq(attemptEvents.attemptId, attemptId), eq(attemptEvents.type, 'extension_removed')));
      expect(events).toHaveLength(1);
    } finally {
      await chromium.close();
    }
  }, 120_000);

  it('records developer tools open on the quiz tab', async () => {
    const chromium = await launchChromium({ clip: 'single_person', extraArgs: ['--auto-open-devtools-for-tabs'] });
    try {
      const { attemptId } = await startAttemptInBrowser(chromium, platform, resourceLinkId, 'student-devtools');
      const opened = await until('a devtools_opened event', async () => (await invigil.db.select().from(attemptEvents)
        .where(and(eq(attemptEvents.attemptId, attemptId), eq(attemptEvents.type, 'devtools_opened'))))[0], 30_000);
      expect(opened.details.summary).toBe('Developer tools were opened on the quiz tab.');
    } finally {
      await chromium.close();
    }
  }, 120_000);
});
