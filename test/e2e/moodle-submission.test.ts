// Submission is seen when the quiz closes its review right after the attempt: Moodle's review.php then sends the
// student on to view.php (shared/lms-moodle-quiz.md §7), and recording and lockdown must end there too.
import { and, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { attemptEvents, attempts } from '../../models/schema.ts';
import { lmsTest } from '../support/fixtures.ts';
import { extensionStatus, startAttemptInBrowser } from '../support/student.ts';
import { until } from '../support/wait.ts';

// The test LMS's quiz 2 takes Moodle's whole path, with no review right after the attempt.
const test = lmsTest({
  quiz: (quizUrl) => ({ title: 'Review closed', quizUrl: quizUrl.replace('id=1', 'id=2'), recordWebcam: 'on', lockdownPreset: 'closed_book', policyText: 'Recorded.' }),
});

test('ends the proctored attempt when the submission lands on view.php', { timeout: 180_000 }, async ({ lms: { invigil, platform }, quiz: { resourceLinkId }, chromium }) => {
  const { attemptId } = await startAttemptInBrowser(chromium, platform, resourceLinkId, 'student-review-closed');
  const quizTab = await until('the quiz tab', async () => (await chromium.browser.pages()).find((p) => p.url().includes('/mod/quiz/view.php?id=2')), 30_000);
  await quizTab.bringToFront();
  // The front page is not a submission, even with a form on it.
  await Promise.all([quizTab.waitForNavigation(), quizTab.click('.quizattempt button')]);
  expect(quizTab.url()).toContain('/mod/quiz/attempt.php');
  await Promise.all([quizTab.waitForNavigation(), quizTab.click('#mod_quiz-next-nav')]);
  expect(quizTab.url()).toContain('/mod/quiz/summary.php');
  expect((await extensionStatus(chromium)).attempt?.id).toBe(attemptId);
  await Promise.all([quizTab.waitForNavigation(), quizTab.click('#frm-finishattempt button')]);
  expect(quizTab.url()).toContain('/mod/quiz/view.php?id=2');

  await until('the attempt to finish on the server', async () => {
    const [a] = await invigil.db.select().from(attempts).where(eq(attempts.id, attemptId));
    return a.status === 'finished';
  }, 60_000);
  const [ending] = await invigil.db.select().from(attemptEvents).where(and(eq(attemptEvents.attemptId, attemptId), eq(attemptEvents.type, 'attempt_finishing')));
  expect(ending.details.reason).toBe('quiz submitted (moodle)');
  await until('the extension to let go', async () => (await extensionStatus(chromium)).attempt === null, 60_000);
  // Nothing of the lockdown stays on the quiz's front page.
  await until('the lockdown bar to go', async () => (await quizTab.$('invigil-overlay')) === null, 30_000);
});
