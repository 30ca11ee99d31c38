import { eq } from 'drizzle-orm';
import type { IdToken } from 'ltijs';
import crypto from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { createInvite } from '../../lti-server/lti/registration-invites.ts';
import { launches, quizzes } from '../../models/schema.ts';
import { ltiProvider } from '../../lti-server/lti/provider.ts';
import { activatePlatform, listPlatforms } from '../../lti-server/lti/platforms.ts';
import { startTestPlatform, type TestPlatform } from '../lti-platform/platform.ts';
import { findAutoForm, HttpBrowser } from '../support/http-browser.ts';
import type { TestInvigil } from '../support/invigil.ts';
import { deepLinkQuiz, launch, quizSettingsForm } from '../support/flows.ts';
import { lmsTest } from '../support/fixtures.ts';

let invigil: TestInvigil;
let platform: TestPlatform;

// The test LMS runs on localhost: this deployment lets Dynamic Registration reach that one internal host.
const test = lmsTest({ environment: { REGISTRATION_INTERNAL_HOSTS: 'localhost' } });
// The file's Invigil and test LMS, from the fixtures, for every test below.
test.beforeAll(({ lms }) => {
  ({ invigil, platform } = lms);
});

describe('LTI 1.3 launches through the test platform', () => {
  it('lets an instructor place a proctored quiz by Deep Linking, with its settings stored', async () => {
    const { resourceLinkId } = await deepLinkQuiz(platform);
    const link = platform.resourceLinks.get(resourceLinkId)!;
    expect(link.title).toBe('Midterm (proctored)');
    const [quiz] = await invigil.db.select().from(quizzes).where(eq(quizzes.id, link.custom.invigil_quiz));
    expect(quiz).toMatchObject({ title: 'Midterm', quizUrl: quizSettingsForm.quizUrl, contextId: 'course-101' });
    expect(quiz.settings).toEqual({ sensitivity: 'normal', sampleSeconds: 1, recordWebcam: true, recordScreen: true, webcamKbps: 300, screenKbps: 350, recordMicrophone: false, pauseOnStreamLoss: false, lockdown: { preset: 'closed_book', rules: [], allowedUrls: [], disableOtherExtensions: false }, policyText: 'Stay in view. No phones.', retentionDays: 30, timeLimitMinutes: null, maxAttempts: 50 });
  });

  it('refuses a deep-linked quiz with a bad address, re-showing the form with the problem', async () => {
    const browser = new HttpBrowser();
    const picker = await browser.follow(platform.launchUrl({ user: 'teacher-1', role: 'instructor', message: 'deep_link' }));
    const page = await browser.request(picker.url, { form: { ...quizSettingsForm, quizUrl: 'not a url' } });
    expect(page.status).toBe(400);
    expect(page.body).toContain('Enter the full address');
    expect(page.body).toContain('aria-invalid="true"');
    expect(findAutoForm(page.body)?.action ?? '').not.toContain('deep-link-return');
  });

  it('answers the quiz picker from an ordinary launch, or with no form, with a readable 400 and no quiz row', async () => {
    const { resourceLinkId } = await deepLinkQuiz(platform);
    const before = (await invigil.db.select().from(quizzes)).length;
    const teacher = await launch(platform, { user: 'teacher-1', role: 'instructor', resource: resourceLinkId });
    const picker = `${invigil.url}/app/deep-link?c=${teacher.scope}`;
    const fromLink = await teacher.browser.request(picker, { form: quizSettingsForm });
    expect(fromLink.status).toBe(400);
    expect(fromLink.body).toContain('tool picker');
    expect((await teacher.browser.request(picker)).status).toBe(400);
    const deepLinking = new HttpBrowser();
    const page = await deepLinking.follow(platform.launchUrl({ user: 'teacher-1', role: 'instructor', message: 'deep_link' }));
    const empty = await deepLinking.request(page.url, { method: 'POST' });
    expect(empty.status).toBe(400);
    expect(empty.body).toContain('aria-invalid="true"');
    expect((await invigil.db.select().from(quizzes)).length).toBe(before);
  });

  it('refuses the quiz picker to a learner, with a readable page', async () => {
    const { page } = await launch(platform, { user: 'student-1', role: 'learner', message: 'deep_link' });
    expect(page.status).toBe(403);
    expect(page.body).toContain('Only instructors can add proctored quizzes, from inside a course.');
  });

  it('sends instructors to the attempt list and learners to the start page, binding the resource link', async () => {
    const { resourceLinkId } = await deepLinkQuiz(platform);
    const teacher = await launch(platform, { user: 'teacher-1', role: 'instructor', resource: resourceLinkId });
    expect(teacher.page.status).toBe(200);
    expect(teacher.page.url).toMatch(/\/app\/quizzes\/[0-9a-f-]+\/attempts\?c=[0-9a-f]{16}$/);
    expect(teacher.page.body).toContain('No attempts yet');

    const student = await launch(platform, { user: 'student-1', name: 'Sam Student', role: 'learner', resource: resourceLinkId });
    expect(student.page.status).toBe(200);
    expect(student.page.url).toMatch(/\/take\?c=[0-9a-f]{16}$/);
    expect(student.page.body).toContain('Stay in view. No phones.');
    // Without the extension, the page links to the install page (its browser's section is picked in the page).
    expect(student.page.body).toContain('id="install-link" href="/extension"');
    const [quiz] = await invigil.db.select().from(quizzes).where(eq(quizzes.resourceLinkId, resourceLinkId));
    expect(quiz.title).toBe('Midterm');

    // A learner cannot open instructor pages with their own session (their browser's cookie for this course).
    const attemptsUrl = teacher.page.url;
    const denied = await student.browser.request(attemptsUrl);
    expect(denied.status).toBe(403);
  });

  it('treats a learner with an institution instructor role as a learner in this course', async () => {
    const { resourceLinkId } = await deepLinkQuiz(platform);
    const teacher = await launch(platform, { user: 'teacher-1', role: 'instructor', resource: resourceLinkId });
    const lis = 'http://purl.imsglobal.org/vocab/lis/v2';
    const student = await launch(platform, {
      user: 'student-9', role: 'learner', resource: resourceLinkId,
      extraRoles: `${lis}/institution/person#Instructor ${lis}/institution/person#Administrator`,
    });
    expect(student.page.url).toMatch(/\/take\?c=/);
    const attemptsUrl = teacher.page.url;
    expect((await student.browser.request(attemptsUrl)).status).toBe(403);
    const picker = await launch(platform, { user: 'student-9', role: 'learner', message: 'deep_link', extraRoles: `${lis}/institution/person#Instructor` });
    expect(picker.page.status).toBe(403);
  });

  it('lets an instructor edit the settings later', async () => {
    const { resourceLinkId } = await deepLinkQuiz(platform);
    const teacher = await launch(platform, { user: 'teacher-1', role: 'instructor', resource: resourceLinkId });
    const settingsUrl = teacher.page.url.replace('/attempts?', '/settings?');
    // Another site cannot post the form in the teacher's name: the cookie goes along, the page's token does not.
    const forged = await teacher.browser.request(settingsUrl, { form: { ...quizSettingsForm, title: 'Forged' }, csrf: false });
    expect(forged.status).toBe(403);
    expect(forged.body).toContain('Reload the page and try again.');
    await teacher.browser.request(settingsUrl); // the form page, as the teacher opens it
    const saved = await teacher.browser.request(settingsUrl, { form: { ...quizSettingsForm, title: 'Final', policyText: 'New policy', sensitivity: 'high' } });
    expect(saved.status).toBe(200);
    expect(saved.body).toContain('Settings saved.');
    const [quiz] = await invigil.db.select().from(quizzes).where(eq(quizzes.resourceLinkId, resourceLinkId));
    expect(quiz.title).toBe('Final');
    expect(quiz.settings).toMatchObject({ recordScreen: true, policyText: 'New policy', sensitivity: 'high' });
    const invalid = await teacher.browser.request(settingsUrl, { form: { ...quizSettingsForm, sensitivity: 'paranoid', sampleSeconds: '0.1' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toContain('Choose a detection sensitivity');
    expect(invalid.body).toContain('Sample at most twice a second');
  });

  it.each([
    ['bad_signature'],
    ['wrong_audience'],
    ['missing_deployment'],
    ['expired'],
  ] as const)('rejects a launch with %s, with a clear error page', async (fault) => {
    const { resourceLinkId } = await deepLinkQuiz(platform);
    const before = (await invigil.db.select().from(launches)).length;
    const { page } = await launch(platform, { user: 'student-2', role: 'learner', resource: resourceLinkId, fault });
    expect(page.status).toBe(401);
    expect(page.body).toContain('This launch could not be verified');
    expect(page.body).not.toMatch(/at .*\.js:\d+/);
    expect((await invigil.db.select().from(launches)).length).toBe(before);
  });

  it('rejects a replayed id_token (same nonce) even with the state cookie', async () => {
    const { resourceLinkId } = await deepLinkQuiz(platform);
    const browser = new HttpBrowser();
    const idTokenPage = await browser.follow(platform.launchUrl({ user: 'student-3', role: 'learner', resource: resourceLinkId }), {
      stopAt: (p) => findAutoForm(p.body)?.fields.id_token !== undefined,
    });
    const form = findAutoForm(idTokenPage.body)!;
    const first = await browser.request(form.action, { form: form.fields });
    expect(first.status).toBe(200);
    const replay = await browser.request(form.action, { form: form.fields });
    expect(replay.status).toBe(401);
    expect(replay.body).toContain('could not be verified');
  });

  it('answers an unregistered platform with a readable page', async () => {
    const stranger = await startTestPlatform();
    try {
      stranger.registerTool({ loginUrl: `${invigil.url}/lti/login`, launchUrl: `${invigil.url}/lti`, jwksUrl: `${invigil.url}/lti/keys` });
      const { page } = await launch(stranger, { user: 'x', role: 'learner', message: 'deep_link' });
      expect(page.status).toBe(400);
      expect(page.body).toContain('not registered with Invigil');
    } finally {
      await stranger.close();
    }
  });

  it('reaches the platform\'s NRPS and AGS services with a client-credentials token', async () => {
    const { resourceLinkId } = await deepLinkQuiz(platform);
    platform.addMember({ id: 'student-1', name: 'Sam Student', role: 'learner' });
    await launch(platform, { user: 'teacher-1', role: 'instructor', resource: resourceLinkId });
    const [row] = await invigil.db.select().from(launches).where(eq(launches.resourceLinkId, resourceLinkId));
    const token = row.token as unknown as IdToken;
    const members = await ltiProvider.NamesAndRoles.getMembers(token);
    expect(members.members).toEqual([expect.objectContaining({ user_id: 'student-1', name: 'Sam Student' })]);
    const lineItem = await ltiProvider.Grade.createLineItem(token, { label: 'Proctoring check', scoreMaximum: 1 }) as { id: string };
    await ltiProvider.Grade.submitScore(token, lineItem.id, { userId: 'student-1', scoreGiven: 1, scoreMaximum: 1, activityProgress: 'Completed', gradingProgress: 'FullyGraded', timestamp: new Date().toISOString() });
    expect(platform.lineItems[0].scores).toEqual([expect.objectContaining({ userId: 'student-1', scoreGiven: 1 })]);
  });
});

describe('LTI Dynamic Registration', () => {
  const registrationUrl = (invite: string, openidConfiguration: string) =>
    `${invigil.url}/lti/register?invite=${encodeURIComponent(invite)}&openid_configuration=${encodeURIComponent(openidConfiguration)}`;

  it('registers through an admin\'s one-time link, off the event loop, and stays inactive until activated', async () => {
    const lms = await startTestPlatform({ contextId: 'course-dyn' });
    const keygenSync = vi.spyOn(crypto, 'generateKeyPairSync');
    try {
      const openid = `${lms.issuer}/.well-known/openid-configuration`;
      // Without an invite, nothing is fetched and nothing registered.
      const browser = new HttpBrowser();
      const refused = await browser.request(`${invigil.url}/lti/register?openid_configuration=${encodeURIComponent(openid)}`);
      expect(refused.status).toBe(403);
      expect(refused.body).toContain('npm run platform -- invite');
      expect(lms.tool).toBeUndefined();

      const { token } = await createInvite(invigil.db, 1);
      const page = await browser.request(registrationUrl(token, openid));
      expect(page.status).toBe(200);
      expect(page.body).toContain('registration-done');
      expect(page.body).not.toMatch(/<script>[^<]/); // no inline script: the page's CSP allows none
      expect(lms.tool).toMatchObject({ loginUrl: `${invigil.url}/lti/login`, launchUrl: `${invigil.url}/lti`, jwksUrl: `${invigil.url}/lti/keys` });
      const registered = (await listPlatforms(ltiProvider)).find((p) => p.url === lms.issuer)!;
      expect(registered).toMatchObject({ clientId: lms.tool!.clientId, active: false });
      // Its key pair was made without stalling every other request (ltijs makes it with generateKeyPairSync).
      expect(keygenSync).not.toHaveBeenCalled();
      const key = await (await ltiProvider.getPlatform(lms.issuer, lms.tool!.clientId) as unknown as { platformPublicKey(): Promise<string> }).platformPublicKey();
      expect(key).toContain('BEGIN PUBLIC KEY');

      // The link works once.
      const again = await browser.request(registrationUrl(token, openid));
      expect(again.status).toBe(403);

      const inactive = await launch(lms, { user: 't', role: 'instructor', message: 'deep_link' });
      expect(inactive.page.status).toBe(401);
      expect(inactive.page.body).toContain('not activated yet');
      await activatePlatform(ltiProvider, lms.issuer, lms.tool!.clientId);
      const active = await launch(lms, { user: 't', role: 'instructor', message: 'deep_link' });
      expect(active.page.status).toBe(200);
      expect(active.page.url).toContain('/app/deep-link');
    } finally {
      keygenSync.mockRestore();
      await lms.close();
    }
  });

  it('never fetches internal addresses it was not told to, and never echoes what a host answered', async () => {
    const hits: string[] = [];
    const internal = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/plain' }).end('SECRET-METADATA aws_secret_access_key=abc');
    });
    await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = internal.address() as AddressInfo;
      const browser = new HttpBrowser();
      // 127.0.0.1 is not among the hosts this deployment allows (REGISTRATION_INTERNAL_HOSTS=localhost).
      for (const target of [`http://127.0.0.1:${port}/latest/meta-data`, `http://[::1]:${port}/`, `http://169.254.169.254/latest/meta-data`, 'file:///etc/passwd']) {
        const { token } = await createInvite(invigil.db, 1);
        const page = await browser.request(registrationUrl(token, target));
        expect(page.status).toBe(400);
        expect(page.body).not.toContain('SECRET');
      }
      expect(hits).toEqual([]);
      // An allowed host that answers something else: the error names the step, not the body. The invite survives.
      const { token } = await createInvite(invigil.db, 1);
      const page = await browser.request(registrationUrl(token, `http://localhost:${port}/secret`));
      expect(page.status).toBe(400);
      expect(page.body).toContain('did not answer with JSON');
      expect(page.body).not.toContain('SECRET');
      expect(hits).toEqual(['/secret']);
      const retry = await browser.request(registrationUrl(token, `http://localhost:${port}/secret`));
      expect(retry.status).toBe(400);
    } finally {
      await new Promise<void>((resolve) => internal.close(() => resolve()));
    }
  });
});
