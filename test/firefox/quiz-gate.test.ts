// The gate journey in Firefox ESR with the Firefox build, recording included: the webcam through Firefox's fake
// stream. The screen is not recorded here: Firefox has no preference that lets getDisplayMedia choose a screen without
// a person answering its picker, so a screen-recording quiz is driven in Chromium only.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attempts, chunks, recordings } from '../../models/schema.ts';
import { firefoxAvailable, launchFirefox } from '../support/firefox.ts';
import { deepLinkQuiz, gatePassword, quizSettingsForm, startToolAndPlatform } from '../support/flows.ts';
import { until } from '../support/wait.ts';

const cmid = 31;

describe.runIf(firefoxAvailable)('the quiz gate in Firefox ESR', () => {
  let both: Awaited<ReturnType<typeof startToolAndPlatform>>;
  let firefox: Awaited<ReturnType<typeof launchFirefox>>;
  beforeAll(async () => {
    both = await startToolAndPlatform();
    firefox = await launchFirefox({ trustedOrigins: [new URL(both.invigil.url).origin] });
  }, 120_000);
  afterAll(async () => {
    await firefox?.close();
    await both?.close();
  });

  it('types the password once recording runs, records the webcam, and ends at submission', async () => {
    const { invigil, platform } = both;
    const moodleQuiz = platform.moodle.addQuiz({ cmid, courseId: platform.contextId });
    const { resourceLinkId } = await deepLinkQuiz(platform, { ...quizSettingsForm, title: 'Firefox gated quiz', quizUrl: `${platform.issuer}/mod/quiz/view.php?id=${cmid}`, recordWebcam: 'on', recordScreen: '' });
    moodleQuiz.password = await gatePassword(platform, resourceLinkId);

    const student = await firefox.browser.newPage();
    await student.goto(platform.launchUrl({ user: 'student-firefox-gate', role: 'learner', resource: resourceLinkId }));
    await student.waitForSelector('body[data-extension="ready"]', { timeout: 30_000 });
    await student.click('#acknowledge');
    await student.click('#start');
    await student.waitForFunction(() => document.body.dataset.attempt || /^Could not/.test(document.getElementById('start-status')?.textContent ?? ''), { timeout: 90_000, polling: 500 });
    const attemptId = await student.$eval('body', (b) => b.dataset.attempt);
    if (!attemptId) throw new Error(await student.$eval('#start-status', (p) => p.textContent ?? ''));
    const quizTab = await until('the quiz tab', async () => (await firefox.browser.pages()).find((p) => p.url().includes(`/mod/quiz/view.php?id=${cmid}`)), 30_000);
    await quizTab.bringToFront();
    await quizTab.click('.quizstartbuttondiv [type=submit]');
    await quizTab.waitForFunction(() => location.pathname.endsWith('/mod/quiz/attempt.php'), { timeout: 120_000, polling: 500 });
    const lmsAttemptId = new URL(quizTab.url()).searchParams.get('attempt');
    expect(platform.moodle.attempts.find((a) => String(a.id) === lmsAttemptId)?.userid).toBe('student-firefox-gate');
    // The password was given only after webcam chunks reached the server: Firefox records.
    const uploaded = await invigil.db.select().from(chunks).where(and(eq(chunks.attemptId, attemptId), eq(chunks.uploaded, true), eq(chunks.stream, 'webcam')));
    expect(uploaded.length).toBeGreaterThan(0);

    await quizTab.click('#mod_quiz-next-nav');
    await quizTab.waitForFunction(() => document.title.includes('page 2 of 2'), { timeout: 30_000, polling: 200 });
    await quizTab.click('#mod_quiz-next-nav');
    await quizTab.waitForSelector('.btn-finishattempt button', { timeout: 30_000 });
    await quizTab.click('.btn-finishattempt button');
    await quizTab.waitForSelector('.modal.show [data-action=save]');
    await quizTab.click('.modal.show [data-action=save]');
    await until('the attempt to finish', async () => (await invigil.db.select().from(attempts).where(eq(attempts.id, attemptId)))[0].status === 'finished', 90_000);
    const [attempt] = await invigil.db.select().from(attempts).where(eq(attempts.id, attemptId));
    expect(attempt.lmsAttemptId).toBe(lmsAttemptId);
    // The webcam recording, remuxed for review.
    const webcam = await until('the webcam recording', async () => (await invigil.db.select().from(recordings)
      .where(and(eq(recordings.attemptId, attemptId), eq(recordings.stream, 'webcam'))))[0]?.status === 'ready'
      && (await invigil.db.select().from(recordings).where(and(eq(recordings.attemptId, attemptId), eq(recordings.stream, 'webcam'))))[0], 120_000);
    expect(webcam.durationMs).toBeGreaterThan(0);
    await until('the bar to go', async () => (await quizTab.$('invigil-overlay')) === null, 30_000);
  }, 300_000);
});
