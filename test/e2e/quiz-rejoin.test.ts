// Rejoin after a crash (seed 001: "rejoin after a disconnect without losing progress"), on the Moodle-like test LMS:
// the browser dies mid-attempt; when it starts again the same proctored attempt resumes, the lockdown follows the new
// quiz tab, the student logs in again and presses "Continue your attempt", the new login session asks for the password
// and the extension types it, the student is back on the page they were on, and submitting ends the attempt.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { attemptEvents, attempts, chunks, flags } from '../../models/schema.ts';
import { launchChromium } from '../support/chromium.ts';
import { lmsTest } from '../support/fixtures.ts';
import { gatePassword, quizSettingsForm } from '../support/flows.ts';
import { extensionStatus, startAttemptInBrowser } from '../support/student.ts';
import { until } from '../support/wait.ts';

const cmid = 21;
const test = lmsTest({
  environment: { HEARTBEAT_TIMEOUT_SECONDS: '4' },
  quiz: (quizUrl) => ({ ...quizSettingsForm, title: 'Rejoin quiz', quizUrl: quizUrl.replace('id=1', `id=${cmid}`), recordWebcam: 'on', recordScreen: '' }),
});

test('a crashed browser rejoins the same attempt: new quiz tab under lockdown, password typed again, recording in a new segment', { timeout: 300_000 }, async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
  const moodleQuiz = platform.moodle.addQuiz({ cmid, courseId: platform.contextId });
  moodleQuiz.password = await gatePassword(platform, resourceLinkId);

  const userDataDir = mkdtempSync(path.join(tmpdir(), 'invigil-rejoin-'));
  let chromium = await launchChromium({ clip: 'single_person', userDataDir });
  try {
    const { attemptId } = await startAttemptInBrowser(chromium, platform, resourceLinkId, 'student-rejoin');
    let quizTab = await until('the quiz tab', async () => (await chromium.browser.pages()).find((p) => p.url().includes(`/mod/quiz/view.php?id=${cmid}`)), 30_000);
    await quizTab.bringToFront();
    await quizTab.click('.quizstartbuttondiv [type=submit]');
    await quizTab.waitForFunction(() => location.pathname.endsWith('/mod/quiz/attempt.php'), { timeout: 120_000, polling: 500 });
    const lmsAttemptId = new URL(quizTab.url()).searchParams.get('attempt');
    // On to page 2, where the crash will find the student.
    await Promise.all([quizTab.waitForNavigation(), quizTab.click('#mod_quiz-next-nav')]);
    expect(quizTab.url()).toContain('page=1');
    await until('chunks uploaded', async () => (await invigil.db.select().from(chunks).where(and(eq(chunks.attemptId, attemptId), eq(chunks.uploaded, true)))).length >= 2, 60_000);

    await chromium.kill();
    await until('the silence flagged', async () => (await invigil.db.select().from(flags).where(and(eq(flags.attemptId, attemptId), eq(flags.type, 'heartbeat_lost')))).length > 0, 60_000);

    chromium = await launchChromium({ clip: 'single_person', userDataDir });
    // The same attempt resumes by itself, and a quiz tab opens for it: the Moodle login, since the session died too.
    await until('the attempt to resume', async () => (await extensionStatus(chromium)).attempt?.id === attemptId, 60_000);
    quizTab = await until('the new quiz tab', async () => (await chromium.browser.pages()).find((p) => /\/login\/index\.php|\/mod\/quiz\//.test(p.url())), 60_000);
    await quizTab.bringToFront();
    await quizTab.waitForSelector('#username');
    await quizTab.type('#username', 'student-rejoin');
    await Promise.all([quizTab.waitForNavigation(), quizTab.click('#loginbtn')]);
    expect(quizTab.url()).toContain(`/mod/quiz/view.php?id=${cmid}`);
    // The lockdown is on this tab: its bar is here.
    await quizTab.waitForSelector('invigil-overlay', { timeout: 30_000 });
    expect(await quizTab.$eval('.quizstartbuttondiv [type=submit]', (b) => b.textContent)).toBe('Continue your attempt');
    await quizTab.click('.quizstartbuttondiv [type=submit]');
    await quizTab.waitForFunction(() => location.pathname.endsWith('/mod/quiz/attempt.php'), { timeout: 120_000, polling: 500 });
    const back = new URL(quizTab.url());
    expect(back.searchParams.get('attempt')).toBe(lmsAttemptId);
    expect(back.searchParams.get('page')).toBe('1');

    const issued = await invigil.db.select().from(attemptEvents).where(and(eq(attemptEvents.attemptId, attemptId), eq(attemptEvents.type, 'gate_password_issued')));
    expect(issued).toHaveLength(2);
    const resumed = await invigil.db.select().from(attemptEvents).where(and(eq(attemptEvents.attemptId, attemptId), eq(attemptEvents.type, 'heartbeat_resumed')));
    expect(resumed.length).toBeGreaterThan(0);
    await until('recording in a new segment', async () => (await invigil.db.select().from(chunks).where(and(eq(chunks.attemptId, attemptId), eq(chunks.uploaded, true))))
      .some((c) => c.segment > 0), 60_000);

    // Submitting from the rejoined tab ends the proctored attempt.
    await Promise.all([quizTab.waitForNavigation(), quizTab.click('#mod_quiz-next-nav')]);
    await quizTab.click('.btn-finishattempt button');
    await quizTab.waitForSelector('.modal.show [data-action=save]');
    await Promise.all([quizTab.waitForNavigation(), quizTab.click('.modal.show [data-action=save]')]);
    await until('the attempt to finish', async () => (await invigil.db.select().from(attempts).where(eq(attempts.id, attemptId)))[0].status === 'finished', 60_000);
    const [attempt] = await invigil.db.select().from(attempts).where(eq(attempts.id, attemptId));
    expect(attempt.lmsAttemptId).toBe(lmsAttemptId);
    await until('the extension to let go', async () => (await extensionStatus(chromium)).attempt === null, 60_000);
    expect(await quizTab.$('invigil-overlay')).toBeNull();
  } finally {
    await chromium.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
});
