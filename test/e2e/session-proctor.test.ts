// A proctored session in Chromium with the built extension on the Moodle-like test LMS: the student enters the code,
// the proctor starts the session, the student starts the proctored quiz; the proctor's message appears over the quiz
// and the student acknowledges it (the proctor sees that on the dashboard); a pause covers the quiz with the
// proctor's words until the proctor resumes; the pause comes back as extra time in the student's Moodle override; the
// extension's live picture reaches the dashboard.
import type { Page } from 'puppeteer-core';
import { describe, expect } from 'vitest';
import { liveSnapshots, proctorMessages } from '../../models/schema.ts';
import { connectMoodle, scheduleSession } from '../support/sessions.ts';
import { accessibilityViolations } from '../support/accessibility.ts';
import { lmsTest } from '../support/fixtures.ts';
import { launch, quizSettingsForm } from '../support/flows.ts';
import { startFromToolPage } from '../support/student.ts';
import { until } from '../support/wait.ts';

const cmid = 1;
const test = lmsTest({ quiz: (quizUrl) => ({ ...quizSettingsForm, quizUrl, lockdownPreset: 'off' }) });

const inOverlay = (tab: Page, selector: string) => tab.evaluate((s) => {
  const found = document.querySelector('invigil-overlay')?.shadowRoot?.querySelector<HTMLElement>(s);
  return found && !found.hidden && !found.closest('[hidden]') ? found.textContent : null;
}, selector);

describe('a proctored session with the extension', () => {
  test('the proctor\'s message is acknowledged over the quiz, a pause covers it and comes back as extra time', { timeout: 300_000 }, async ({ lms: { invigil, platform }, quiz: { resourceLinkId, quizUrl }, chromium }) => {
    const moodleQuiz = platform.moodle.addQuiz({ cmid, courseId: platform.contextId, timeLimitSeconds: 1200 });
    expect((await connectMoodle(invigil, platform)).status).toBe(201);
    const quizId = platform.resourceLinks.get(resourceLinkId)!.custom.invigil_quiz;

    // The proctor schedules (over HTTP) and keeps the dashboard open in the browser.
    const teacher = await launch(platform, { user: 'teacher-1', name: 'Tess Teacher', role: 'instructor', resource: resourceLinkId });
    const { sessionId, code } = await scheduleSession(invigil, teacher, quizId, { name: 'Afternoon', maxUsers: '3' });

    await chromium.trust(platform.toolOrigin());
    const student = await chromium.browser.newPage();
    await student.goto(platform.launchUrl({ user: 'student-sess', name: 'Sam Session', role: 'learner', resource: resourceLinkId }));
    await student.waitForSelector('#code');
    await student.type('#code', code);
    await Promise.all([student.waitForNavigation(), student.click('button[type="submit"]')]);
    await student.waitForSelector('#lobby-status');
    await teacher.browser.request(`${invigil.url}/app/sessions/${sessionId}?c=${teacher.scope}`);
    await teacher.browser.request(`${invigil.url}/app/sessions/${sessionId}/start?c=${teacher.scope}`, { form: {} });
    await student.waitForSelector('#session-banner', { timeout: 30_000 });
    await startFromToolPage(chromium, student);
    const target = await chromium.browser.waitForTarget((t) => t.url().startsWith(quizUrl), { timeout: 30_000 });
    const quizTab = (await target.page())!;
    await quizTab.bringToFront();
    await quizTab.waitForFunction(() => document.querySelector('invigil-overlay')?.shadowRoot?.querySelector('.bar'), { timeout: 30_000, polling: 500 });

    const control = async (form: Record<string, string>) => {
      await teacher.browser.request(`${invigil.url}/app/sessions/${sessionId}/dashboard?c=${teacher.scope}`);
      const done = await teacher.browser.request(`${invigil.url}/app/sessions/${sessionId}/controls?c=${teacher.scope}`, { form });
      expect(done.status, done.body.slice(0, 300)).toBe(200);
    };

    // A message: shown over the quiz within a heartbeat, acknowledged by the student, seen by the proctor.
    await control({ who: 'all', action: 'message', text: 'Please keep your hands in view.' });
    await quizTab.waitForFunction(() => document.querySelector('invigil-overlay')?.shadowRoot?.querySelector('.message'), { timeout: 30_000, polling: 500 });
    expect(await inOverlay(quizTab, '.message p')).toBe('Message from your proctor: Please keep your hands in view.');
    expect(await accessibilityViolations(quizTab)).toEqual([]);
    await quizTab.evaluate(() => document.querySelector('invigil-overlay')!.shadowRoot!.querySelector<HTMLButtonElement>('.message button')!.click());
    await until('the acknowledgement reaches the server', async () => (await invigil.db.select().from(proctorMessages)).every((m) => m.acknowledgedAt !== null), 30_000);
    expect((await teacher.browser.request(`${invigil.url}/app/sessions/${sessionId}/dashboard?c=${teacher.scope}`)).body).toContain('1 of 1 acknowledged');
    expect(await inOverlay(quizTab, '.messages')).toBeNull();

    // The live dashboard's picture: the extension sends the fake camera's frame every 10 s, in this session only.
    const picture = await until('a live picture from the extension', async () => (await invigil.db.select().from(liveSnapshots))[0], 60_000);
    const shown = await fetch(`${invigil.url}/app/sessions/${sessionId}/participants/${picture.participantId}/snapshot.jpg?c=${teacher.scope}`, { headers: { cookie: teacher.browser.cookiesFor(invigil.url) } });
    const bytes = Buffer.from(await shown.arrayBuffer());
    expect([bytes[0], bytes[1], bytes[2]]).toEqual([0xff, 0xd8, 0xff]);
    expect(bytes.length).toBeGreaterThan(1000);

    // A pause covers the quiz with the proctor's words; resuming uncovers it and gives the time back in Moodle.
    await control({ who: 'all', action: 'pause', text: 'Technical check: please wait.' });
    await quizTab.waitForFunction(() => {
      const cover = document.querySelector('invigil-overlay')?.shadowRoot?.querySelector<HTMLElement>('.proctor-pause');
      return cover && !cover.hidden;
    }, { timeout: 30_000, polling: 500 });
    expect(await inOverlay(quizTab, '#proctor-pause-text')).toBe('Technical check: please wait.');
    // The cover lies over the quiz: what is under the middle of the page is Invigil's, not the LMS's.
    expect(await quizTab.evaluate(() => document.elementFromPoint(innerWidth / 2, innerHeight / 3)?.tagName.toLowerCase())).toBe('invigil-overlay');
    await control({ who: 'all', action: 'resume' });
    await quizTab.waitForFunction(() => document.querySelector('invigil-overlay')?.shadowRoot?.querySelector<HTMLElement>('.proctor-pause')?.hidden === true, { timeout: 30_000, polling: 500 });
    const override = platform.moodle.overrides.find((o) => o.quiz === moodleQuiz.quizId && o.userid === 'student-sess');
    expect(override?.timelimit).toBeGreaterThan(1200);
    expect((override!.timelimit! - 1200) % 60).toBe(0);
    const dashboard = (await teacher.browser.request(`${invigil.url}/app/sessions/${sessionId}/dashboard?c=${teacher.scope}`)).body;
    expect(dashboard).toMatch(/\+\d+ min/);
  });
});
