// Canvas without a browser (the browser tier runs the same in Chromium with third-party cookies blocked): the
// developer key from /lti/canvas.json and by Dynamic Registration, launches from course navigation and assignment
// selection, the access-code gate through the REST API (set, re-applied after a change by hand, rotated, refreshed
// tokens), the quiz address bound to its course, a replayed launch refused, and submissions nobody proctored.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attempts, quizGates, quizzes } from '../../models/schema.ts';
import { checkCanvasGates, rotateAccessCode } from '../../lti-server/gate/canvas-access-code.ts';
import { canvasConnectionStore } from '../../lti-server/gate/canvas-connections.ts';
import { createInvite } from '../../lti-server/lti/registration-invites.ts';
import { listPlatforms } from '../../lti-server/lti/platforms.ts';
import { ltiProvider } from '../../lti-server/lti/provider.ts';
import { addProctoredAssignment, canvasPage, connectCanvasApi, instructorCanvasPage, startCanvasAndInvigil, type CanvasLms } from '../support/canvas-lms.ts';
import { findAutoForm, HttpBrowser } from '../support/http-browser.ts';

let lms: CanvasLms;
beforeAll(async () => {
  lms = await startCanvasAndInvigil();
});
afterAll(async () => lms?.close());

const apiOn = (body: string) => /data-canvas-api="([a-z_]+)"/.exec(body)?.[1];

describe('registration', () => {
  it('the developer key JSON gives Canvas the placements, names only, and the custom variables the gate needs', async () => {
    const key = lms.key;
    expect(key.placements.map((p) => [p.placement, p.messageType])).toEqual([
      ['course_navigation', 'LtiResourceLinkRequest'], ['assignment_selection', 'LtiDeepLinkingRequest'], ['link_selection', 'LtiDeepLinkingRequest'],
    ]);
    expect(key.placements[0].visibility).toBe('admins');
    expect(key.privacy).toBe('name_only');
    expect(key.custom).toMatchObject({ canvas_course_id: '$Canvas.course.id', canvas_api_base_url: '$Canvas.api.baseUrl', canvas_user_id: '$Canvas.user.id' });
    expect(key.jwksUrl).toBe(`${lms.invigil.url}/lti/keys`);
  });

  it('Dynamic Registration tells Canvas the same placements and privacy, and waits for an admin', async () => {
    const invite = await createInvite(lms.invigil.db, 1);
    const url = await lms.canvas.dynamicRegistrationUrl(`${lms.invigil.url}/lti/register?invite=${invite.token}`);
    const page = await new HttpBrowser().request(url);
    expect(page.status, page.body).toBe(200);
    expect(page.body).toContain('Invigil is registered');
    const key = [...lms.canvas.keys.values()].find((k) => k.dynamic)!;
    expect(key.placements.map((p) => p.placement).sort()).toEqual(['assignment_selection', 'course_navigation', 'link_selection']);
    expect(key.placements.find((p) => p.placement === 'course_navigation')?.visibility).toBe('admins');
    expect(key.privacy).toBe('name_only');
    expect(key.redirectUris).toEqual([`${lms.invigil.url}/lti`]);
    const platform = (await listPlatforms(ltiProvider)).find((p) => p.clientId === key.clientId);
    expect(platform).toMatchObject({ url: 'https://canvas.instructure.com', active: false, authenticationEndpoint: `${lms.canvas.origins.sso}/api/lti/authorize_redirect` });
  });
});

describe('launches and the gate', () => {
  let quizId: string;
  let assignmentId: number;
  const classic = () => lms.canvas.classic.quizzes.get(7001)!;

  beforeAll(async () => {
    lms.canvas.classic.add({ id: 7001, courseId: lms.canvas.course.id, title: 'Midterm (Classic)' });
    ({ quizId, assignmentId } = await addProctoredAssignment(lms, { title: 'Midterm', quizUrl: lms.canvas.urls.classicQuiz(7001) }));
  });

  it('assignment selection creates the assignment; course navigation lands the instructor on the course\'s quizzes', async () => {
    expect(lms.canvas.assignments.get(assignmentId)?.title).toBe('Midterm (proctored)');
    const { course, body } = await instructorCanvasPage(lms, quizId, 'settings');
    expect(course).toContain('Midterm');
    expect(course).toContain(`/app/quizzes/${quizId}/attempts`);
    // No API yet: the instructor pastes the code, and is told where.
    expect(apiOn(body)).toBe('no_key');
    expect(body).toContain('Require an access code');
  });

  it('a quiz address from another course, or another Canvas, is refused', async () => {
    const { browser, scope } = await instructorCanvasPage(lms, quizId, 'settings');
    const settings = `${lms.invigil.url}/app/quizzes/${quizId}/settings?c=${scope}`;
    for (const [quizUrl, says] of [[`${lms.canvas.origins.school}/courses/99/quizzes/7001`, 'Canvas course 99'], ['https://other.instructure.com/courses/1/quizzes/7001', 'this course is on']]) {
      const answer = await browser.request(settings, { form: { title: 'Midterm', quizUrl, lockdownPreset: 'closed_book', recordWebcam: 'on', maxAttempts: '50', policyText: 'Stay in view.' } });
      expect(answer.status).toBe(400);
      expect(answer.body).toContain(says);
    }
  });

  it('with the API authorised, Invigil sets the access code, puts it back after a change by hand, and rotates it', async () => {
    await connectCanvasApi(lms, quizId);
    const { body } = await instructorCanvasPage(lms, quizId, 'settings');
    expect(apiOn(body)).toBe('connected');
    const [gate] = await lms.invigil.db.select().from(quizGates).where(eq(quizGates.lmsQuizKey, lms.canvas.urls.classicQuiz(7001)));
    expect(classic().accessCode).toBe(gate.password);
    expect(lms.canvas.apiCalls.some((c) => c.method === 'PUT' && c.path === `/api/v1/courses/1/quizzes/7001`)).toBe(true);

    // Someone changes the code in Canvas; the schedule's pass puts Invigil's back.
    classic().accessCode = 'typed-by-hand';
    const store = canvasConnectionStore(lms.invigil.db, lms.invigil.config.ltiKey);
    expect((await checkCanvasGates(lms.invigil.db, store)).reapplied).toBe(1);
    expect(classic().accessCode).toBe(gate.password);
    const after = await instructorCanvasPage(lms, quizId, 'settings');
    expect(after.body).toContain('Someone changed it in Canvas; Invigil put its own back');

    // An hour later (the access token expired): the refresh token still works.
    lms.canvas.expireApiTokens();
    const [quiz] = await lms.invigil.db.select().from(quizzes).where(eq(quizzes.id, quizId));
    expect(await rotateAccessCode(lms.invigil.db, store, quiz)).toBe(true);
    const [rotated] = await lms.invigil.db.select().from(quizGates).where(eq(quizGates.id, gate.id));
    expect(rotated.password).not.toBe(gate.password);
    expect(classic().accessCode).toBe(rotated.password);
  });

  it('a New Quiz gets the code through the New Quizzes API, on its assignment id', async () => {
    lms.canvas.newQuizzes.add({ courseId: lms.canvas.course.id, assignmentId: 8001, title: 'Pharmacology unit test' });
    const { quizId: nqQuiz } = await addProctoredAssignment(lms, { title: 'Unit test', quizUrl: lms.canvas.urls.newQuiz(8001) });
    const { body } = await instructorCanvasPage(lms, nqQuiz, 'settings');
    expect(apiOn(body)).toBe('connected');
    const nq = lms.canvas.newQuizzes.quizzes.get(8001)!;
    expect(nq.requireAccessCode).toBe(true);
    expect(nq.accessCode).toBe(/id="gate-password" value="([^"]+)"/.exec(body)?.[1]);
    expect(lms.canvas.apiCalls.some((c) => c.method === 'PATCH' && c.path === '/api/quiz/v1/courses/1/quizzes/8001')).toBe(true);
  });

  it('a quiz taken straight in Canvas shows as not proctored', async () => {
    const student = lms.canvas.addUser('Dana Direct', 'student');
    lms.canvas.classic.submitDirectly(classic(), student.id);
    const { body } = await instructorCanvasPage(lms, quizId, 'attempts');
    expect(body).toContain('not proctored');
    expect(body).toContain(`Canvas user ${student.id}`);
  });

  it('accommodations list the course roster from Canvas\'s Names and Roles service', async () => {
    const roster = lms.canvas.addUser('Rosa Roster', 'student');
    const { browser, scope } = await instructorCanvasPage(lms, quizId, 'settings');
    const page = await browser.request(`${lms.invigil.url}/app/quizzes/${quizId}/accommodations?c=${scope}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('the course roster from your LMS');
    expect(page.body).toContain(`name="student:${roster.ltiId}" value="Rosa Roster"`);
  });

  it('a student\'s launch opens the start page with the Canvas user id kept for the gate', async () => {
    const student = lms.canvas.addUser('Sam Student', 'student');
    const { page } = await canvasPage(lms, student, lms.canvas.urls.assignment(assignmentId));
    expect(page.url).toContain(`/app/quizzes/${quizId}/take`);
    const rows = await lms.invigil.db.select().from(attempts).where(and(eq(attempts.quizId, quizId), eq(attempts.userId, student.ltiId)));
    expect(rows).toEqual([]); // the start page alone makes no attempt
  });

  it('with lti_storage_target the login page puts the state\'s proof in Canvas\'s storage, and may be framed by the school', async () => {
    const student = lms.canvas.addUser('Fran Framed', 'student');
    const launchPage = await new HttpBrowser().request(lms.canvas.urls.logInAs(student, lms.canvas.urls.assignment(assignmentId)));
    const login = findAutoForm(launchPage.body)!;
    const answer = await fetch(login.action, { method: 'POST', body: new URLSearchParams(login.fields), headers: { origin: lms.canvas.origins.school }, redirect: 'manual' });
    expect(answer.status).toBe(200);
    const page = await answer.text();
    const task = JSON.parse(/<script type="application\/json" id="platform-storage-task">([^<]+)<\/script>/.exec(page)![1].replace(/\\u003c/g, '<')) as Record<string, string>;
    expect(task).toMatchObject({ mode: 'put', target: 'post_message_forwarding', platformOrigin: lms.canvas.origins.sso });
    expect(task.key).toMatch(/^invigil_state_/);
    expect(new URL(task.next).searchParams.get('state')).toBe(task.key.replace('invigil_state_', ''));
    const ancestors = /frame-ancestors ([^;]*)/.exec(answer.headers.get('content-security-policy') ?? '')?.[1].split(' ');
    expect(ancestors).toEqual(expect.arrayContaining(["'self'", lms.canvas.origins.school]));
  });

  it('a launch is single-use: replaying Canvas\'s login form is refused by Canvas, and the tool says so', async () => {
    const student = lms.canvas.addUser('Rey Replay', 'student');
    const browser = new HttpBrowser();
    const launchPage = await browser.request(lms.canvas.urls.logInAs(student, lms.canvas.urls.assignment(assignmentId)));
    const login = findAutoForm(launchPage.body)!;
    expect(login.fields).toMatchObject({ iss: 'https://canvas.instructure.com', lti_storage_target: 'post_message_forwarding', canvas_environment: 'prod' });
    expect(login.fields.deployment_id).toBe(lms.key.deploymentId);
    expect(login.fields.lti_deployment_id).toBeUndefined();
    const first = await browser.follow(login.action, { form: login.fields });
    expect(first.url).toContain(`/app/quizzes/`);
    // The same hint again: Canvas answers launch_no_longer_valid, and the tool starts no session from it.
    const replay = await browser.follow(login.action, { form: login.fields });
    expect(replay.status).toBe(401);
    expect(replay.body).toContain('could not be verified');
    expect(browser.history.some((h) => h.url.includes('/api/lti/authorize'))).toBe(true);
  });
});
