// Canvas in Chromium with third-party cookies blocked (the Canvas emulator, test/lti-platform/canvas/): the student
// launches inside Canvas's iframe; the extension types the access code (Classic and New Quizzes, native and legacy
// shapes) only once recording runs; submission ends the attempt; a wrong code is reported; a browser that keeps not
// even partitioned cookies still launches through Canvas's platform storage; the instructor reviews from course
// navigation, and the code is replaced after the session.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { attemptEvents, attempts, canvasAuthorizations, chunks, quizGates } from '../../models/schema.ts';
import type { CanvasUser } from '../lti-platform/canvas/canvas.ts';
import { launchChromium } from '../support/chromium.ts';
import { addProctoredAssignment, connectCanvasApi, instructorCanvasPage, startCanvasAndInvigil, type CanvasLms } from '../support/canvas-lms.ts';
import { extensionStatus, finishFromPopup, startFromToolPage } from '../support/student.ts';
import { until } from '../support/wait.ts';
import { accessibilityViolations } from '../support/accessibility.ts';
import { submitAndRelease, throughTheGate, type GateLms } from '../support/gate-flow.ts';

type Chromium = Awaited<ReturnType<typeof launchChromium>>;
let lms: CanvasLms;
let chromium: Chromium | undefined;
const quizzes = { classic: 7101, wrong: 7102, rejoin: 7103, timed: 7104, native: 8101, legacy: 8102 };
const assignments: Record<keyof typeof quizzes, { assignmentId: number; quizId: string }> = {} as never;

beforeAll(async () => {
  lms = await startCanvasAndInvigil();
  const course = lms.canvas.course.id;
  lms.canvas.classic.add({ id: quizzes.classic, courseId: course, title: 'Midterm' });
  lms.canvas.classic.add({ id: quizzes.wrong, courseId: course, title: 'Quiz with a stale code', accessCode: 'Not-what-Invigil-shows-1' });
  lms.canvas.classic.add({ id: quizzes.rejoin, courseId: course, title: 'Final' });
  lms.canvas.classic.add({ id: quizzes.timed, courseId: course, title: 'Timed quiz', timeLimitSeconds: 40, oneQuestionAtATime: true });
  lms.canvas.newQuizzes.add({ courseId: course, assignmentId: quizzes.native, title: 'Unit test (native)', shape: 'native' });
  lms.canvas.newQuizzes.add({ courseId: course, assignmentId: quizzes.legacy, title: 'Unit test (legacy)', shape: 'legacy' });
  const form = { recordWebcam: 'on', recordScreen: '' };
  assignments.classic = await addProctoredAssignment(lms, { ...form, title: 'Midterm', quizUrl: lms.canvas.urls.classicQuiz(quizzes.classic) });
  assignments.wrong = await addProctoredAssignment(lms, { ...form, title: 'Stale', quizUrl: lms.canvas.urls.classicQuiz(quizzes.wrong) });
  assignments.rejoin = await addProctoredAssignment(lms, { ...form, title: 'Final', quizUrl: lms.canvas.urls.classicQuiz(quizzes.rejoin) });
  assignments.timed = await addProctoredAssignment(lms, { ...form, title: 'Timed', quizUrl: lms.canvas.urls.classicQuiz(quizzes.timed) });
  assignments.native = await addProctoredAssignment(lms, { ...form, title: 'Native', quizUrl: lms.canvas.urls.newQuiz(quizzes.native) });
  assignments.legacy = await addProctoredAssignment(lms, { ...form, title: 'Legacy', quizUrl: lms.canvas.urls.newQuiz(quizzes.legacy) });
}, 120_000);
afterAll(async () => {
  await chromium?.close();
  await lms?.close();
});

/** A fresh Chromium per test, trusting the loopback CA, resolving the emulator's names, blocking third-party cookies. */
async function browser(userDataDir?: string) {
  await chromium?.close();
  chromium = await launchChromium({ clip: 'single_person', userDataDir, extraArgs: [...lms.canvas.tls.chromiumArgs, '--test-third-party-cookie-phaseout'] });
  await chromium.trust(lms.invigil.url);
  return chromium;
}

/** The student opens the proctored assignment in Canvas; Invigil's start page is in iframe#tool_content. */
async function launchInCanvas(c: Chromium, student: CanvasUser, which: keyof typeof quizzes): Promise<{ course: Page; frame: Frame }> {
  const course = await c.browser.newPage();
  await course.goto(lms.canvas.urls.logInAs(student, lms.canvas.urls.assignment(assignments[which].assignmentId)));
  const frame = await until('the start page in iframe#tool_content', async () => course.frames().find((f) => f.name() === 'tool_content' && f.url().includes('/take')), 60_000);
  return { course, frame };
}

/** The Canvas emulator's side of the shared gate flow: a Classic quiz, its start page in Canvas's iframe. */
function canvasGate(quizId: number, launch: () => Promise<Frame>): GateLms {
  return {
    invigil: lms.invigil,
    launch,
    quizTab: (c) => quizTab(c, `/courses/1/quizzes/${quizId}`),
    askForPassword: (tab) => tab.click('a#take_quiz_link'),
    attemptPage: async (tab) => {
      await tab.waitForSelector('body.assessing #submit_quiz_form', { timeout: 120_000 });
    },
    submit: async (tab) => {
      await Promise.all([tab.waitForNavigation(), tab.click('#submit_quiz_button')]);
    },
  };
}

/** A student launches a Classic quiz's assignment, starts, presses "Take the Quiz", and is on the taking page. */
async function takeClassicQuiz(c: Chromium, student: CanvasUser, which: 'rejoin' | 'timed') {
  const { frame } = await launchInCanvas(c, student, which);
  const attemptId = await startFromToolPage(c, frame);
  const tab = await quizTab(c, `/courses/1/quizzes/${quizzes[which]}`);
  await tab.bringToFront();
  await tab.click('a#take_quiz_link');
  await tab.waitForSelector('body.assessing #submit_quiz_form', { timeout: 120_000 });
  return { attemptId, tab };
}

/** The API authorised for the course: already (by the Classic test), or now (a test run alone). */
async function connectedForCourse(which: keyof typeof quizzes) {
  if (!(await instructorCanvasPage(lms, assignments[which].quizId, 'settings')).body.includes('data-canvas-api="connected"')) await connectCanvasApi(lms, assignments[which].quizId);
}

const quizTab = (c: Chromium, path: string) => until(`the quiz tab at ${path}`, async () => (await c.browser.pages()).find((p) => new URL(p.url()).pathname === path), 30_000);
const eventsOf = async (attemptId: string, type: string) => lms.invigil.db.select().from(attemptEvents).where(and(eq(attemptEvents.attemptId, attemptId), eq(attemptEvents.type, type as never)));
const finished = (attemptId: string) => until('the attempt to finish on the server', async () => (await lms.invigil.db.select().from(attempts).where(eq(attempts.id, attemptId)))[0].status === 'finished', 60_000);

test('a wrong access code is typed once and reported, and the student is told to ask the instructor', { timeout: 300_000 }, async () => {
  const c = await browser();
  const student = lms.canvas.addUser('Wren Wrong', 'student');
  const { frame } = await launchInCanvas(c, student, 'wrong');
  const attemptId = await startFromToolPage(c, frame);
  const tab = await quizTab(c, `/courses/1/quizzes/${quizzes.wrong}`);
  await tab.bringToFront();
  const posts: string[] = [];
  tab.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/take')) posts.push(r.postData() ?? ''); });
  await tab.click('a#take_quiz_link');
  // Polled in the page (it navigates when the code is posted): the bar's notice once it says the code was refused.
  await tab.waitForFunction(() => (document.querySelector('invigil-overlay')?.shadowRoot?.querySelector('.gate:not([hidden])')?.textContent ?? '').includes('did not accept'), { timeout: 120_000, polling: 500 });
  const notice = await tab.evaluate(() => document.querySelector('invigil-overlay')?.shadowRoot?.querySelector('.gate:not([hidden])')?.textContent);
  expect(notice).toContain('Ask them to check');
  await until('the refusal on the server', async () => (await eventsOf(attemptId, 'gate_password_rejected')).length === 1, 30_000);
  expect(await tab.$('form.access_code_form')).not.toBeNull();
  // The link's post, then one typing with Canvas's field name; never a second.
  expect(posts.filter((p) => p.includes('access_code='))).toHaveLength(1);
  const { body } = await instructorCanvasPage(lms, assignments.wrong.quizId, 'attempts');
  expect(/data-gate="([a-z_]+)"/.exec(body)?.[1]).toBe('password_rejected');
  await finishFromPopup(c);
});

test('Classic: inside Canvas\'s iframe with third-party cookies blocked, the code is typed after recording starts; submission ends the attempt; the code is replaced', { timeout: 300_000 }, async () => {
  await connectCanvasApi(lms, assignments.classic.quizId);
  const typed = (await lms.invigil.db.select().from(quizGates).where(eq(quizGates.lmsQuizKey, lms.canvas.urls.classicQuiz(quizzes.classic))))[0].password;
  expect(lms.canvas.classic.quizzes.get(quizzes.classic)!.accessCode).toBe(typed);
  const c = await browser();
  const student = lms.canvas.addUser('Sam Student', 'student');
  const { frame } = await launchInCanvas(c, student, 'classic');
  // The browser really blocks third-party cookies: an ordinary one set in the tool's frame is dropped, a
  // partitioned one kept — the launch above lived on partitioned cookies.
  expect(await frame.evaluate(() => {
    document.cookie = 'probe_plain=1; SameSite=None; Secure; path=/';
    document.cookie = 'probe_partitioned=1; SameSite=None; Secure; Partitioned; path=/';
    return { plain: document.cookie.includes('probe_plain=1'), partitioned: document.cookie.includes('probe_partitioned=1') };
  })).toEqual({ plain: false, partitioned: true });

  // The shared gate flow (test/support/gate-flow.ts), with Canvas's pages.
  const gate = canvasGate(quizzes.classic, async () => frame);
  const { attemptId, tab, issued, passwordInAddresses } = await throughTheGate(c, gate, student.name, () => typed); // the frame is this student's already
  expect(issued.details.mode).toBe('quiz');
  // Canvas's autosave reaches it under lockdown; the code never rode in an address.
  await tab.click('#question_1 input[value="0"]');
  await tab.waitForFunction(() => document.getElementById('last_saved_indicator')?.textContent?.startsWith('Quiz saved'), { timeout: 30_000, polling: 500 });
  expect(passwordInAddresses()).toEqual([]);

  await submitAndRelease(c, gate, tab, attemptId);
  expect(new URL(tab.url()).pathname).toBe(`/courses/1/quizzes/${quizzes.classic}`);
  expect(lms.canvas.classic.submissions.find((s) => s.userId === student.id)?.workflowState).toBe('complete');
  const [row] = await lms.invigil.db.select().from(attempts).where(eq(attempts.id, attemptId));
  expect(row.lmsUserId).toBe(String(student.id));
  // The proctoring status grade on the assignment's line item, and a new code for the next student.
  // Canvas gave the assignment its own line item (its launch names it): the score goes there.
  const lineItemId = lms.canvas.assignments.get(assignments.classic.assignmentId)!.lineItemId;
  await until('the proctoring grade in Canvas', async () => lms.canvas.lineItems.some((i) => i.id === lineItemId && i.scores.some((s) => s.userId === student.ltiId && s.scoreGiven === 1)), 30_000);
  await until('the code replaced after the session', async () => lms.canvas.classic.quizzes.get(quizzes.classic)!.accessCode !== typed, 30_000);
  // The instructor reviews from course navigation: the attempt, the gate working, nothing unproctored.
  const { body, course } = await instructorCanvasPage(lms, assignments.classic.quizId, 'attempts');
  expect(course).toContain('Midterm');
  expect(body).toContain(`/app/attempts/${attemptId}/review`);
  expect(/data-gate="([a-z_]+)"/.exec(body)?.[1]).toBe('working');
  expect(body).toContain('Every attempt in the LMS quiz was proctored.');
});

test('Classic, rejoin: a crashed browser comes back to the same attempt; after Canvas\'s login, "Resume Quiz" asks for the code again and the extension types it', { timeout: 300_000 }, async () => {
  await connectedForCourse('rejoin');
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'invigil-canvas-rejoin-'));
  try {
    let c = await browser(userDataDir);
    const student = lms.canvas.addUser('Ravi Rejoin', 'student');
    const started = await takeClassicQuiz(c, student, 'rejoin');
    const { attemptId } = started;
    let { tab } = started;
    await until('chunks uploaded', async () => (await lms.invigil.db.select().from(chunks).where(and(eq(chunks.attemptId, attemptId), eq(chunks.uploaded, true)))).length >= 2, 60_000);

    await c.kill();
    c = await launchChromium({ clip: 'single_person', userDataDir, extraArgs: [...lms.canvas.tls.chromiumArgs, '--test-third-party-cookie-phaseout'] });
    chromium = c;
    await until('the attempt to resume', async () => (await extensionStatus(c)).attempt?.id === attemptId, 60_000);
    // Canvas's session died with the browser: the new quiz tab meets its login form, under lockdown.
    tab = await until('the new quiz tab', async () => (await c.browser.pages()).find((p) => /\/login\/canvas|\/courses\/1\/quizzes\//.test(p.url())), 60_000);
    await tab.bringToFront();
    await tab.waitForSelector('#pseudonym_session_unique_id');
    await tab.type('#pseudonym_session_unique_id', String(student.id));
    await Promise.all([tab.waitForNavigation(), tab.click('#login_form button[type=submit]')]);
    await tab.waitForSelector('invigil-overlay', { timeout: 30_000 });
    const resume = await tab.$eval('#take_quiz_link_wrapper a', (a) => ({ text: a.textContent, id: a.id }));
    expect(resume).toEqual({ text: 'Resume Quiz', id: '' });
    await Promise.all([tab.waitForNavigation(), tab.click('#take_quiz_link_wrapper a')]);
    await tab.waitForSelector('body.assessing #submit_quiz_form', { timeout: 120_000 });
    // Typed again in the resumed run, and the same Canvas submission goes on.
    expect((await eventsOf(attemptId, 'gate_password_issued')).length).toBe(2);
    expect(lms.canvas.classic.submissions.filter((s) => s.userId === student.id)).toHaveLength(1);
    // Submitted at once (before the page had said it is the taking page): the address's history tells.
    await Promise.all([tab.waitForNavigation(), tab.click('#submit_quiz_button')]);
    await finished(attemptId);
  } finally {
    await chromium?.close();
    chromium = undefined;
    rmSync(userDataDir, { recursive: true, force: true });
  }
});

test('Classic, one question at a time with a time limit: moving between questions is no submission; time\'s up submits, and ends the attempt', { timeout: 240_000 }, async () => {
  await connectedForCourse('timed');
  const c = await browser();
  const student = lms.canvas.addUser('Tim Timed', 'student');
  const { attemptId, tab } = await takeClassicQuiz(c, student, 'timed');
  await tab.click('#question_1 input[value="0"]');
  // Next: record_answer, then Canvas's redirect to the next question — a form and a redirect, but not the quiz page.
  await Promise.all([tab.waitForNavigation(), tab.click('#submit_quiz_form button.next-question')]);
  expect(new URL(tab.url()).pathname).toBe(`/courses/1/quizzes/${quizzes.timed}/take/questions/2`);
  expect((await lms.invigil.db.select().from(attempts).where(eq(attempts.id, attemptId)))[0].status).toBe('in_progress');
  // Nobody presses Submit: Canvas's timer does, after its "Time's Up!" dialog.
  await tab.waitForSelector('#times_up_dialog:not([hidden])', { timeout: 60_000 });
  await finished(attemptId);
  const submission = lms.canvas.classic.submissions.find((s) => s.userId === student.id)!;
  expect(submission).toMatchObject({ workflowState: 'complete', answers: { question_1: '0' } });
});

for (const shape of ['native', 'legacy'] as const) {
  test(`New Quizzes (${shape} shape): the code is typed into the app; its submission ends the attempt`, { timeout: 240_000 }, async () => {
    const c = await browser();
    const student = lms.canvas.addUser(`Nia ${shape}`, 'student');
    await connectedForCourse(shape);
    const { frame } = await launchInCanvas(c, student, shape);
    const attemptId = await startFromToolPage(c, frame);
    const tab = await quizTab(c, `/courses/1/assignments/${quizzes[shape]}`);
    await tab.bringToFront();
    const app = shape === 'native' ? tab.mainFrame() : await until('the quiz-lti frame', async () => tab.frames().find((f) => f.url().includes('quiz-lti')), 30_000);
    await app.waitForSelector('#root .nq-begin', { timeout: 30_000 });
    await app.click('#root .nq-begin');
    await app.waitForSelector('#root .nq-submit', { timeout: 120_000 });
    await until('the gate reported working', async () => (await eventsOf(attemptId, 'gate_password_accepted')).length === 1, 30_000);
    await app.click('#root .nq-submit');
    await finished(attemptId);
    expect(lms.canvas.newQuizzes.sessions.find((s) => s.userId === student.id)?.state).toBe('submitted');
    await until('the extension to let go', async () => (await extensionStatus(c)).attempt === null, 60_000);
  });
}

test('a browser that keeps not even partitioned cookies still launches, through Canvas\'s platform storage', { timeout: 180_000 }, async () => {
  const c = await browser();
  const student = lms.canvas.addUser('Pat Private', 'student');
  // The state cookie ltijs sets never comes back: only the proof in Canvas's storage can carry the launch.
  lms.front.dropCookies(/^state/);
  try {
    const { frame } = await launchInCanvas(c, student, 'classic');
    await frame.waitForSelector('body[data-extension="ready"]', { timeout: 30_000 });
    expect(new URL(frame.url()).pathname).toBe(`/app/quizzes/${assignments.classic.quizId}/take`);
  } finally {
    lms.front.dropCookies(null);
  }
});

test('Canvas\'s platform storage as the emulator serves it: keyed by the tool\'s origin, with its limits, errors and the \'*\' relay', { timeout: 120_000 }, async () => {
  const c = await browser();
  const { course, frame } = await launchInCanvas(c, lms.canvas.addUser('Sol Storage', 'student'), 'classic');
  const sso = lms.canvas.origins.sso;
  const answers = await frame.evaluate(async (ssoOrigin) => {
    const ask = (target: Window, origin: string, message: Record<string, unknown>) => new Promise<Record<string, unknown>>((resolve) => {
      const id = Math.random().toString(36).slice(2);
      const listen = (e: MessageEvent<Record<string, unknown>>) => {
        if (e.data?.message_id === id) {
          window.removeEventListener('message', listen);
          resolve(e.data);
        }
      };
      window.addEventListener('message', listen);
      target.postMessage({ ...message, message_id: id }, origin);
    });
    const forwarding = (window.parent.frames as unknown as Record<string, Window>).post_message_forwarding;
    return {
      capabilities: await ask(window.parent, '*', { subject: 'lti.capabilities' }),
      put: await ask(forwarding, ssoOrigin, { subject: 'lti.put_data', key: 'k1', value: 'v1' }),
      get: await ask(forwarding, ssoOrigin, { subject: 'lti.get_data', key: 'k1' }),
      relayed: await ask(window.parent, '*', { subject: 'lti.get_data', key: 'k1' }),
      tooLong: await ask(forwarding, ssoOrigin, { subject: 'lti.put_data', key: 'k2', value: 'x'.repeat(4097) }),
      noKey: await ask(forwarding, ssoOrigin, { subject: 'lti.get_data' }),
      unknown: await ask(forwarding, ssoOrigin, { subject: 'lti.something_else', key: 'k1' }),
    };
  }, sso);
  expect(answers.capabilities.supported_messages).toEqual(expect.arrayContaining([{ subject: 'lti.put_data', frame: 'post_message_forwarding' }, { subject: 'lti.get_data', frame: 'post_message_forwarding' }]));
  expect(answers.put).toMatchObject({ subject: 'lti.put_data.response', key: 'k1', value: 'v1' });
  expect(answers.get).toMatchObject({ subject: 'lti.get_data.response', key: 'k1', value: 'v1' });
  expect(answers.relayed).toMatchObject({ subject: 'lti.get_data.response', key: 'k1', value: 'v1' });
  expect(answers.tooLong).toMatchObject({ error: { code: 'storage_exhaustion' } });
  expect(answers.noKey).toMatchObject({ error: { code: 'bad_request' } });
  expect(answers.unknown).toMatchObject({ error: { code: 'unsupported_subject' } });
  // Another origin (the Canvas page itself, not relaying) reads nothing of the tool's keys.
  const foreign = await course.evaluate((ssoOrigin) => new Promise<Record<string, unknown>>((resolve) => {
    window.addEventListener('message', (e: MessageEvent<Record<string, unknown>>) => { if (e.data?.message_id === 'foreign') resolve(e.data); });
    (document.getElementById('post_message_forwarding') as HTMLIFrameElement).contentWindow!.postMessage({ subject: 'lti.get_data', key: 'k1', message_id: 'foreign' }, ssoOrigin);
  }), sso);
  expect(foreign).toMatchObject({ error: { code: 'wrong_origin' } });
});

test('"Open in its own window" carries the session out of Canvas\'s iframe, where the partitioned cookie cannot follow', { timeout: 180_000 }, async () => {
  const c = await browser();
  const { frame } = await launchInCanvas(c, lms.canvas.addUser('Win Window', 'student'), 'classic');
  await frame.waitForSelector('body[data-extension="ready"]', { timeout: 30_000 });
  const opened = new Promise<Page>((resolve) => {
    c.browser.on('targetcreated', (t: import('puppeteer-core').Target) => { if (t.type() === 'page') void t.page().then((p) => p && resolve(p)); });
  });
  await frame.click('#open-window');
  const own = await opened;
  // Top level on the tool's own site: a first-party session from the one-time code, none left in the address.
  await own.waitForFunction(() => location.pathname.endsWith('/take') && document.body?.dataset.extension === 'ready', { timeout: 30_000, polling: 500 });
  expect(new URL(own.url()).origin).toBe(lms.invigil.url);
  expect(new URL(own.url()).searchParams.has('code')).toBe(false);
  const attemptId = await startFromToolPage(c, own);
  expect(attemptId).toMatch(/^[0-9a-f-]{36}$/);
  await quizTab(c, `/courses/1/quizzes/${quizzes.classic}`);
  await finishFromPopup(c);
});

test('the instructor\'s Canvas pages in Canvas\'s frame pass WCAG 2.1 AA checks: the course\'s quizzes, the gate\'s settings, the attempt list', { timeout: 120_000 }, async () => {
  const c = await browser();
  const course = await c.browser.newPage();
  await course.goto(lms.canvas.urls.logInAs(lms.teacher, lms.canvas.urls.courseNavigation(lms.key)));
  const frame = await until('the course page in iframe#tool_content', async () => course.frames().find((f) => f.name() === 'tool_content' && f.url().includes('/app/course')), 60_000);
  await frame.waitForSelector('#course-quizzes');
  expect(await accessibilityViolations(frame)).toEqual([]);
  await Promise.all([frame.waitForNavigation(), frame.click(`tr[data-quiz="${assignments.classic.quizId}"] a[href*="/settings"]`)]);
  await frame.waitForSelector('#canvas-api');
  expect(await accessibilityViolations(frame)).toEqual([]);
  await frame.goto(frame.url().replace('/settings', '/attempts'));
  await frame.waitForSelector('#gate-status');
  expect(await accessibilityViolations(frame)).toEqual([]);
});

test('a browser that keeps no cookie at all in Canvas\'s frame is offered Invigil in its own window, which carries the session', { timeout: 180_000 }, async () => {
  const c = await browser();
  // Inside the frame nothing of Invigil's sticks: not the launch state (platform storage carries it) nor the session.
  lms.front.dropCookies(/^(state|invigil_)/);
  let frame: Frame;
  try {
    ({ frame } = await launchInCanvas(c, lms.canvas.addUser('Cass Cookieless', 'student'), 'classic'));
    await frame.waitForSelector('#cookies-blocked', { timeout: 30_000 });
    expect(await accessibilityViolations(frame)).toEqual([]);
  } finally {
    // A top-level window is first-party: its cookie is kept (the proxy cannot tell partitions apart, so it stops here).
    lms.front.dropCookies(null);
  }
  const opened = new Promise<Page>((resolve) => {
    c.browser.on('targetcreated', (t: import('puppeteer-core').Target) => { if (t.type() === 'page') void t.page().then((p) => p && resolve(p)); });
  });
  await frame.click('#own-window');
  const own = await opened;
  await own.waitForFunction(() => location.pathname.endsWith('/take') && document.body?.dataset.extension === 'ready', { timeout: 30_000, polling: 500 });
  expect(new URL(own.url()).searchParams.has('code')).toBe(false);
  expect(new URL(own.url()).searchParams.has('spare')).toBe(false);
});

test('an instructor connects Canvas from the settings page in Canvas\'s frame: Canvas\'s consent in its own window, then the gate in force (pages axe-checked)', { timeout: 180_000 }, async () => {
  // A course not authorised yet (an earlier test may have been): the school's API key stays.
  await connectedForCourse('classic');
  await lms.invigil.db.delete(canvasAuthorizations);
  const c = await browser();
  const course = await c.browser.newPage();
  await course.goto(lms.canvas.urls.logInAs(lms.teacher, lms.canvas.urls.courseNavigation(lms.key)));
  const frame = await until('the course page in iframe#tool_content', async () => course.frames().find((f) => f.name() === 'tool_content' && f.url().includes('/app/course')), 60_000);
  await Promise.all([frame.waitForNavigation(), frame.click(`tr[data-quiz="${assignments.classic.quizId}"] a[href*="/settings"]`)]);
  await frame.waitForSelector('#canvas-connect button');
  await Promise.all([frame.waitForNavigation(), frame.click('#canvas-connect button')]);
  await frame.waitForSelector('#canvas-authorize');
  expect(await accessibilityViolations(frame)).toEqual([]);
  const opened = new Promise<Page>((resolve) => {
    c.browser.on('targetcreated', (t: import('puppeteer-core').Target) => { if (t.type() === 'page') void t.page().then((p) => p && resolve(p)); });
  });
  await frame.click('#canvas-authorize');
  const consent = await opened;
  await consent.waitForSelector('#oauth2_accept');
  expect(new URL(consent.url()).origin).toBe(lms.canvas.origins.school);
  await Promise.all([consent.waitForNavigation(), consent.click('#oauth2_accept')]);
  await consent.waitForSelector('#canvas-connected');
  expect(await consent.$eval('#canvas-connected', (p) => p.textContent)).toContain('authorised as Tess Teacher');
  expect(await accessibilityViolations(consent)).toEqual([]);
  // Back in Canvas: the settings page says Invigil keeps the code, and the quiz has it.
  await frame.goto(frame.url().replace(/\/canvas\/connect\?/, '/settings?'));
  await frame.waitForSelector('[data-canvas-api="connected"]');
  const code = await frame.$eval('#gate-password', (i) => (i as HTMLInputElement).value);
  expect(lms.canvas.classic.quizzes.get(quizzes.classic)!.accessCode).toBe(code);
});
