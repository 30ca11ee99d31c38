// The quiz gate on the Moodle-like test LMS (test/lti-platform/moodle-quiz.ts): the instructor pastes Invigil's
// password into the quiz; the extension types it, in the dialogue and on the full page, only once recording runs;
// a refused password is reported; with a web-service token each student gets a one-time password, rotated at the
// end; an attempt taken without Invigil shows as "not proctored"; time-up ends the proctored attempt; and after
// submission no quiz page keeps the lockdown bar.
import { and, eq } from 'drizzle-orm';
import type { Page } from 'puppeteer-core';
import { expect } from 'vitest';
import { attemptEvents, attempts } from '../../models/schema.ts';
import { adminKey } from '../../lti-server/admin/running-server.ts';
import { launchChromium } from '../support/chromium.ts';
import { lmsTest } from '../support/fixtures.ts';
import { deepLinkQuiz, gatePassword, instructorPage, quizSettingsForm } from '../support/flows.ts';
import { HttpBrowser } from '../support/http-browser.ts';
import { extensionStatus, finishFromPopup, startAttemptInBrowser } from '../support/student.ts';
import { until } from '../support/wait.ts';
import { submitAndRelease, throughTheGate, type GateLms } from '../support/gate-flow.ts';
import type { TestPlatform } from '../lti-platform/platform.ts';
import type { TestInvigil } from '../support/invigil.ts';
import { accessibilityViolations } from '../support/accessibility.ts';

const gatedCmid = 11;
const test = lmsTest({
  quiz: (quizUrl) => ({ ...quizSettingsForm, title: 'Gated quiz', quizUrl: quizUrl.replace('id=1', `id=${gatedCmid}`), recordWebcam: 'on', recordScreen: '' }),
});

const gateOnPage = (body: string) => /data-gate="([a-z_]+)"/.exec(body)?.[1];

async function quizTabOf(chromium: Awaited<ReturnType<typeof launchChromium>>, cmid: number) {
  return until('the quiz tab', async () => (await chromium.browser.pages()).find((p) => p.url().includes(`/mod/quiz/view.php?id=${cmid}`)), 30_000);
}

/** The Moodle-like test LMS's side of the shared gate flow (test/support/gate-flow.ts). */
function moodleGate(platform: TestPlatform, resourceLinkId: string, invigil: TestInvigil): GateLms {
  return {
    invigil,
    async launch(chromium, user) {
      await chromium.trust(platform.toolOrigin());
      const page = await chromium.browser.newPage();
      await page.goto(platform.launchUrl({ user, role: 'learner', resource: resourceLinkId }));
      return page;
    },
    quizTab: (chromium) => quizTabOf(chromium, gatedCmid),
    askForPassword: (tab) => tab.click('.quizstartbuttondiv [type=submit]'),
    attemptPage: async (tab) => {
      await tab.waitForFunction(() => location.pathname.endsWith('/mod/quiz/attempt.php'), { timeout: 120_000, polling: 500 });
    },
    submit: submitQuiz,
  };
}

/** Next page, Finish attempt, Submit all and finish, and the confirmation's save: Moodle's way out (§4, §6). */
async function submitQuiz(quizTab: Page) {
  await Promise.all([quizTab.waitForNavigation(), quizTab.click('#mod_quiz-next-nav')]);
  await Promise.all([quizTab.waitForNavigation(), quizTab.click('#mod_quiz-next-nav')]);
  expect(quizTab.url()).toContain('/mod/quiz/summary.php');
  await quizTab.click('.btn-finishattempt button');
  await quizTab.waitForSelector('.modal.show [data-action=save]');
  await Promise.all([quizTab.waitForNavigation(), quizTab.click('.modal.show [data-action=save]')]);
}

test('the instructor pastes the password, the extension types it in the dialogue, and the gate reads "working"', { timeout: 240_000 }, async ({ lms: { invigil, platform }, quiz: { resourceLinkId }, chromium }) => {
  const moodleQuiz = platform.moodle.addQuiz({ cmid: gatedCmid, courseId: platform.contextId, timeLimitSeconds: 600 });
  const settings = await instructorPage(platform, resourceLinkId, 'settings');
  expect(gateOnPage(settings)).toBe('not_checked');
  expect(settings).toContain('Extra restrictions on attempts › Require password');
  const password = await gatePassword(platform, resourceLinkId);
  expect(password).toMatch(/^[A-Za-z0-9]{24}$/);
  moodleQuiz.password = password; // what the instructor does in Moodle's quiz settings

  const lms = moodleGate(platform, resourceLinkId, invigil);
  // The student presses the start button; Moodle opens its "Start attempt" dialogue, and the extension fills it.
  const { attemptId, tab: quizTab, issued, passwordInAddresses } = await throughTheGate(chromium, lms, 'student-gate', () => password);
  const lmsAttemptId = new URL(quizTab.url()).searchParams.get('attempt');
  const moodleAttempt = platform.moodle.attempts.find((a) => String(a.id) === lmsAttemptId)!;
  expect(moodleAttempt.userid).toBe('student-gate');
  expect(issued.details.mode).toBe('quiz');
  await until('the Moodle attempt id on the proctored attempt', async () => {
    const [a] = await invigil.db.select().from(attempts).where(eq(attempts.id, attemptId));
    return a.lmsAttemptId === lmsAttemptId;
  }, 30_000);
  expect(gateOnPage(await instructorPage(platform, resourceLinkId, 'settings'))).toBe('working');
  const list = await instructorPage(platform, resourceLinkId, 'attempts');
  expect(gateOnPage(list)).toBe('working');
  expect(list).toContain(`<td class="lms-attempt">${lmsAttemptId}</td>`);
  // Moodle's own background requests reach it under lockdown (autosave, §8).
  const sesskey = await quizTab.$eval('#responseform [name=sesskey]', (i) => (i as HTMLInputElement).value);
  const saved = await quizTab.evaluate((attempt, key) => fetch('/mod/quiz/autosave.ajax.php', { method: 'POST', body: new URLSearchParams({ attempt, sesskey: key, [`q${attempt}:1_answer`]: '1' }) }).then((r) => r.json()), lmsAttemptId!, sesskey);
  expect(saved).toEqual({ result: 'OK' });
  // The password never rode in an address (the secure-window popup puts it in one: §9).
  expect(passwordInAddresses()).toEqual([]);

  await submitAndRelease(chromium, lms, quizTab, attemptId);
  expect(quizTab.url()).toContain('/mod/quiz/review.php');
  expect(moodleAttempt.state).toBe('finished');
  // The proctoring status grade, on a line item of the proctored link, for completion rules to require.
  const item = await until('the proctoring grade', async () => platform.lineItems.find((i) => i.label === 'Proctoring: Gated quiz' && i.scores.length > 0), 30_000);
  expect(item.resourceLinkId).toBe(resourceLinkId);
  expect(item.scores).toEqual([expect.objectContaining({ userId: 'student-gate', scoreGiven: 1, scoreMaximum: 1, activityProgress: 'Completed', gradingProgress: 'FullyGraded' })]);
  // No bar on the review page, nor on the front page it links to, however the release and the page load raced.
  expect(await quizTab.$('invigil-overlay')).toBeNull();
  await Promise.all([quizTab.waitForNavigation(), quizTab.click('a.mod_quiz-next-nav')]);
  expect(quizTab.url()).toContain(`/mod/quiz/view.php?id=${gatedCmid}`);
  expect(await quizTab.$('invigil-overlay')).toBeNull();
});

test('a refused password is reported once, on the full-page form, and the student is told to ask the instructor', { timeout: 180_000 }, async ({ lms: { invigil, platform }, quiz: { resourceLinkId }, chromium }) => {
  const moodleQuiz = platform.moodle.addQuiz({ cmid: gatedCmid, courseId: platform.contextId });
  moodleQuiz.password = 'Not-what-Invigil-shows-1';
  const { attemptId } = await startAttemptInBrowser(chromium, platform, resourceLinkId, 'student-wrong');
  const quizTab = await quizTabOf(chromium, gatedCmid);
  await quizTab.bringToFront();
  const posts: string[] = [];
  quizTab.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/mod/quiz/startattempt.php')) posts.push(r.postData() ?? ''); });
  await quizTab.click('.quizstartbuttondiv [type=submit]');
  // Moodle's wrong-password page (§3), with the extension's sentence in the bar.
  await quizTab.waitForFunction(() => (document.getElementById('id_error_quizpassword')?.textContent ?? '').includes('The password entered was incorrect'), { timeout: 120_000, polling: 500 });
  const notice = await until('the notice in the bar', async () => quizTab.evaluate(() => document.querySelector('invigil-overlay')?.shadowRoot?.querySelector('.gate:not([hidden])')?.textContent), 30_000);
  expect(notice).toContain('did not accept the password');
  await until('the refusal on the server', async () => (await invigil.db.select().from(attemptEvents)
    .where(and(eq(attemptEvents.attemptId, attemptId), eq(attemptEvents.type, 'gate_password_rejected')))).length === 1, 30_000);
  expect(gateOnPage(await instructorPage(platform, resourceLinkId, 'attempts'))).toBe('password_rejected');
  // Typed once, with Moodle's field names; never again on the error page.
  expect(posts).toHaveLength(1);
  expect(posts[0]).toContain('_qf__mod_quiz_form_preflight_check_form=1');
  expect(posts[0]).toContain('submitbutton=Start+attempt');
  expect(platform.moodle.attempts.filter((a) => a.userid === 'student-wrong')).toEqual([]);
  await finishFromPopup(chromium);
});

test('with a web-service token each student gets a one-time password, rotated at the end; a direct attempt shows as not proctored', { timeout: 240_000 }, async ({ lms: { invigil, platform }, quiz: { resourceLinkId }, chromium }) => {
  const moodleQuiz = platform.moodle.addQuiz({ cmid: gatedCmid, courseId: platform.contextId });
  moodleQuiz.password = await gatePassword(platform, resourceLinkId);
  const admin = (body: unknown) => fetch(`${invigil.url}/admin/api/lms-connections`, {
    method: 'POST', headers: { authorization: `Bearer ${adminKey(invigil.config.dataDir, invigil.config.adminKey).key}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  // A token whose service lacks a function is refused now, saying what to add.
  const partial = await admin({ issuer: platform.issuer, token: platform.moodle.addToken(['mod_quiz_get_user_attempts']) });
  expect(partial.status).toBe(400);
  expect(((await partial.json()) as { error: { message: string } }).error.message).toMatch(/Moodle refused mod_quiz_get_quizzes_by_courses: Access control exception.*mod_quiz_save_overrides/);
  const connected = await admin({ issuer: platform.issuer, token: platform.moodle.addToken(['mod_quiz_get_quizzes_by_courses', 'mod_quiz_save_overrides', 'mod_quiz_get_user_attempts']) });
  expect(connected.status).toBe(201);
  expect(await instructorPage(platform, resourceLinkId, 'settings')).toContain('data-per-student="on"');

  // A student who knows the quiz password takes it in a plain browser, without Invigil.
  platform.addMember({ id: 'student-direct', name: 'Dana Direct', role: 'learner' });
  platform.addMember({ id: 'student-own', name: 'Olive Own', role: 'learner' });
  const plain = new HttpBrowser();
  const front = await plain.follow(`${platform.issuer}/login/as?user=student-direct&next=/mod/quiz/view.php?id=${gatedCmid}`);
  const sesskey = /name="sesskey" value="([^"]+)"/.exec(front.body)![1];
  const started = await plain.request(`${platform.issuer}/mod/quiz/startattempt.php`, { csrf: false, form: { cmid: String(gatedCmid), sesskey, _qf__mod_quiz_form_preflight_check_form: '1', quizpassword: moodleQuiz.password, submitbutton: 'Start attempt' } });
  expect(started.url).toContain('/mod/quiz/attempt.php');
  const direct = platform.moodle.attempts.find((a) => a.userid === 'student-direct')!;

  const { attemptId } = await startAttemptInBrowser(chromium, platform, resourceLinkId, 'student-own');
  const quizTab = await quizTabOf(chromium, gatedCmid);
  await quizTab.bringToFront();
  await quizTab.click('.quizstartbuttondiv [type=submit]');
  await quizTab.waitForFunction(() => location.pathname.endsWith('/mod/quiz/attempt.php'), { timeout: 120_000, polling: 500 });
  const own = platform.moodle.overrides.find((o) => o.userid === 'student-own')!;
  const typed = own.password!;
  expect(typed).not.toBe(moodleQuiz.password);
  const [issued] = await invigil.db.select().from(attemptEvents).where(and(eq(attemptEvents.attemptId, attemptId), eq(attemptEvents.type, 'gate_password_issued')));
  expect(issued.details.mode).toBe('student');

  const list = await instructorPage(platform, resourceLinkId, 'attempts');
  expect(list).toContain(`data-lms-attempt="${direct.id}"`);
  expect(list).toMatch(/Dana Direct<\/td><td>\d+ <span class="badge">not proctored<\/span>/);
  const ownLms = platform.moodle.attempts.find((a) => a.userid === 'student-own')!;
  expect(list).not.toContain(`data-lms-attempt="${ownLms.id}"`);

  await submitQuiz(quizTab);
  await until('the override\'s password to be rotated', async () => own.password !== typed, 60_000);
  // The used password opens nothing now: a friend given it meets Moodle's refusal.
  const friend = new HttpBrowser();
  const friendFront = await friend.follow(`${platform.issuer}/login/as?user=student-own&next=/mod/quiz/view.php?id=${gatedCmid}`);
  const friendKey = /name="sesskey" value="([^"]+)"/.exec(friendFront.body)![1];
  const refused = await friend.request(`${platform.issuer}/mod/quiz/startattempt.php`, { csrf: false, form: { cmid: String(gatedCmid), sesskey: friendKey, _qf__mod_quiz_form_preflight_check_form: '1', quizpassword: typed, submitbutton: 'Start attempt' } });
  expect(refused.body).toContain('The password entered was incorrect');
});

test('time-up auto-submit finishes the proctored attempt', { timeout: 240_000 }, async ({ lms: { invigil, platform }, chromium }) => {
  const cmid = 12;
  const moodleQuiz = platform.moodle.addQuiz({ cmid, courseId: platform.contextId, timeLimitSeconds: 25, reviewAfterAttempt: false });
  const { resourceLinkId } = await deepLinkQuiz(platform, { ...quizSettingsForm, title: 'Timed quiz', quizUrl: `${platform.issuer}/mod/quiz/view.php?id=${cmid}`, recordWebcam: 'on', recordScreen: '' });
  moodleQuiz.password = await gatePassword(platform, resourceLinkId);
  const { attemptId } = await startAttemptInBrowser(chromium, platform, resourceLinkId, 'student-timed');
  const quizTab = await quizTabOf(chromium, cmid);
  await quizTab.bringToFront();
  await quizTab.click('.quizstartbuttondiv [type=submit]');
  await quizTab.waitForFunction(() => location.pathname.endsWith('/mod/quiz/attempt.php'), { timeout: 120_000, polling: 500 });
  // The student does nothing; the page submits itself at 0 s, and the closed review sends it on to view.php (§7).
  await until('the proctored attempt to finish', async () => (await invigil.db.select().from(attempts).where(eq(attempts.id, attemptId)))[0].status === 'finished', 120_000);
  expect(platform.moodle.attempts.find((a) => a.userid === 'student-timed')!.state).toBe('finished');
  const [ending] = await invigil.db.select().from(attemptEvents).where(and(eq(attemptEvents.attemptId, attemptId), eq(attemptEvents.type, 'attempt_finishing')));
  expect(ending.details.reason).toBe('quiz submitted (moodle)');
});

test('the extension types the password on the full-page form, and in secure-window mode the attempt stays in the locked tab', { timeout: 240_000 }, async ({ lms: { invigil, platform }, chromium }) => {
  const cmid = 13;
  const moodleQuiz = platform.moodle.addQuiz({ cmid, courseId: platform.contextId, secureWindow: true });
  const { resourceLinkId } = await deepLinkQuiz(platform, { ...quizSettingsForm, title: 'Secure window quiz', quizUrl: `${platform.issuer}/mod/quiz/view.php?id=${cmid}`, recordWebcam: 'on', recordScreen: '' });
  moodleQuiz.password = await gatePassword(platform, resourceLinkId);
  const { attemptId } = await startAttemptInBrowser(chromium, platform, resourceLinkId, 'student-fullpage');
  const quizTab = await quizTabOf(chromium, cmid);
  await quizTab.bringToFront();
  // The full page first: the address Moodle sends a fresh session to (§3).
  const sesskey = await quizTab.$eval('.quizstartbuttondiv [name=sesskey]', (i) => (i as HTMLInputElement).value);
  await quizTab.goto(`${platform.issuer}/mod/quiz/startattempt.php?cmid=${cmid}&sesskey=${sesskey}`);
  await quizTab.waitForFunction(() => location.pathname.endsWith('/mod/quiz/attempt.php'), { timeout: 120_000, polling: 500 });
  const first = platform.moodle.attempts.find((a) => a.userid === 'student-fullpage')!;
  expect(new URL(quizTab.url()).searchParams.get('attempt')).toBe(String(first.id));
  await submitQuiz(quizTab);
  await until('the first attempt to finish', async () => (await invigil.db.select().from(attempts).where(eq(attempts.id, attemptId)))[0].status === 'finished', 60_000);
  await until('the extension to let go', async () => (await extensionStatus(chromium)).attempt === null, 60_000);

  // Then the dialogue of a secure-window quiz: Moodle's own handler would open a popup with the password in its address.
  const pagesBefore = (await chromium.browser.pages()).length;
  const second = await startAttemptInBrowser(chromium, platform, resourceLinkId, 'student-fullpage');
  const tab = await until('the second quiz tab', async () => (await chromium.browser.pages()).filter((p) => p.url().includes(`/mod/quiz/view.php?id=${cmid}`)).at(-1), 30_000);
  await tab.bringToFront();
  await tab.click('.quizstartbuttondiv [type=submit]');
  await tab.waitForFunction(() => location.pathname.endsWith('/mod/quiz/attempt.php'), { timeout: 120_000, polling: 500 });
  expect(platform.moodle.attempts.filter((a) => a.userid === 'student-fullpage')).toHaveLength(2);
  // No start came as the popup's GET with the password in its address: the form was posted in the locked tab.
  expect(platform.moodle.starts.filter((r) => r.url.includes('quizpassword'))).toEqual([]);
  expect((await chromium.browser.pages()).filter((p) => p.url().includes('startattempt.php'))).toEqual([]);
  expect((await chromium.browser.pages()).length).toBeLessThanOrEqual(pagesBefore + 2); // the start page and the quiz tab
  expect((await extensionStatus(chromium)).attempt?.id).toBe(second.attemptId);
  await finishFromPopup(chromium);
});

test('the gate\'s instructor pages and the admin page pass WCAG 2.1 AA checks', { timeout: 120_000 }, async ({ lms: { invigil, platform }, quiz: { resourceLinkId }, chromium }) => {
  const page = await chromium.browser.newPage();
  // The instructor's landing page (the attempt list, with the gate's state and the "not proctored" section), then settings.
  await page.goto(platform.launchUrl({ user: 'teacher-1', name: 'Tess Teacher', role: 'instructor', resource: resourceLinkId }));
  await page.waitForSelector('#gate-status');
  expect(await page.$('#unproctored')).not.toBeNull();
  expect(await accessibilityViolations(page)).toEqual([]);
  await Promise.all([page.waitForNavigation(), page.click('a[href*="/settings"]')]);
  await page.waitForSelector('#gate-password');
  expect(await accessibilityViolations(page)).toEqual([]);
  await page.goto(`${invigil.url}/admin`);
  expect(await accessibilityViolations(page)).toEqual([]);
  await page.type('#key', adminKey(invigil.config.dataDir, invigil.config.adminKey).key);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  await page.waitForSelector('#platforms-heading');
  expect(await accessibilityViolations(page)).toEqual([]);
});

test('after submission no quiz page keeps the lockdown bar, over many attempts with the review open and closed', { timeout: 600_000 }, async ({ lms: { platform }, quiz: { resourceLinkId }, chromium }) => {
  const moodleQuiz = platform.moodle.addQuiz({ cmid: gatedCmid, courseId: platform.contextId });
  moodleQuiz.password = await gatePassword(platform, resourceLinkId);
  const runs = 6;
  for (let run = 0; run < runs; run++) {
    // Alternately: review.php shown, and review.php sending the student on to view.php (§7).
    moodleQuiz.reviewAfterAttempt = run % 2 === 0;
    await startAttemptInBrowser(chromium, platform, resourceLinkId, 'student-many');
    const quizTab = await until('the quiz tab', async () => (await chromium.browser.pages()).filter((p) => p.url().includes(`/mod/quiz/view.php?id=${gatedCmid}`)).at(-1), 30_000);
    await quizTab.bringToFront();
    await quizTab.waitForSelector('invigil-overlay', { timeout: 30_000 });
    // As the attempts pile up the start button ends the page: scrolled to, it sits above the bar, never under it.
    const clear = await quizTab.evaluate(() => {
      const button = document.querySelector('.quizstartbuttondiv [type=submit]')!;
      button.scrollIntoView({ block: 'end' });
      const bar = document.querySelector('invigil-overlay')!.shadowRoot!.querySelector('.bar')!;
      return button.getBoundingClientRect().bottom <= bar.getBoundingClientRect().top;
    });
    expect(clear).toBe(true);
    await quizTab.click('.quizstartbuttondiv [type=submit]');
    await quizTab.waitForFunction(() => location.pathname.endsWith('/mod/quiz/attempt.php'), { timeout: 120_000, polling: 500 }).catch(async (error: unknown) => {
      throw new Error(`run ${run + 1}: ${quizTab.url()} ${await quizTab.content()}\n${chromium.extensionLog.slice(-40).join('\n')}`, { cause: error });
    });
    await submitQuiz(quizTab);
    expect(quizTab.url()).toContain(moodleQuiz.reviewAfterAttempt ? '/mod/quiz/review.php' : `/mod/quiz/view.php?id=${gatedCmid}`);
    await until('the extension to let go', async () => (await extensionStatus(chromium)).attempt === null, 60_000);
    await until(`the bar to go (run ${run + 1})`, async () => (await quizTab.$('invigil-overlay')) === null, 30_000);
    // A fresh load of the same page after the release shows none either.
    await quizTab.reload();
    expect(await quizTab.$('invigil-overlay')).toBeNull();
    for (const page of await chromium.browser.pages()) if (page !== quizTab && page.url().includes('/mod/quiz/')) await page.close();
    await quizTab.close();
  }
});
