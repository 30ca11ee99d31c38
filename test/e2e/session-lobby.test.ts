// A proctored session's pages in Chromium, as people use them: the proctor schedules one through the form and sees its
// code; the student types the code, waits in the lobby, and the lobby moves on by itself to the quiz's start page
// ("In Session") when the proctor starts the session, while the live dashboard shows the student arrive and the
// session start without a reload. Every page axe clean.
import { describe, expect } from 'vitest';
import { utcToZoned } from '../../lti-server/sessions/zoned-time.ts';
import { accessibilityViolations } from '../support/accessibility.ts';
import { lmsTest } from '../support/fixtures.ts';

const test = lmsTest();

describe('a session in the browser', () => {
  test('schedule, enter the code, wait in the lobby, move on when the proctor starts; axe clean', { timeout: 180_000 }, async ({ lms: { invigil, platform }, quiz: { resourceLinkId }, chromium }) => {
    const quizId = platform.resourceLinks.get(resourceLinkId)!.custom.invigil_quiz;
    const proctor = await chromium.browser.createBrowserContext();
    const teacher = await proctor.newPage();
    await teacher.goto(platform.launchUrl({ user: 'teacher-1', name: 'Tess Teacher', role: 'instructor', resource: resourceLinkId }));
    await teacher.waitForFunction(() => new URL(location.href).searchParams.has('c'), { polling: 200 });
    const scope = new URL(teacher.url()).searchParams.get('c')!;
    await teacher.goto(`${invigil.url}/app/quizzes/${quizId}/sessions?c=${scope}`);
    expect(await accessibilityViolations(teacher)).toEqual([]);
    await teacher.type('#s-name', 'Evening session');
    // The start, typed as the browser's date-time field takes it, in the proctor's time zone.
    await teacher.$eval('#s-start', (input, value) => { (input as HTMLInputElement).value = value; }, utcToZoned(new Date(Date.now() + 3_600_000), 'UTC'));
    await teacher.select('#s-zone', 'UTC');
    await Promise.all([teacher.waitForNavigation(), teacher.click('button[type="submit"]')]);
    const code = await teacher.$eval('#enrollment-code', (c) => c.textContent);
    expect(code).toMatch(/^[A-Za-z0-9]{8}$/);
    expect(await accessibilityViolations(teacher)).toEqual([]);

    // The live dashboard, open before anyone joins.
    const sessionUrl = teacher.url();
    const dashboard = await proctor.newPage();
    await dashboard.goto(await teacher.$eval('#dashboard-link', (a) => (a as HTMLAnchorElement).href));
    await dashboard.waitForFunction(() => document.getElementById('connection')?.textContent?.startsWith('Live'), { timeout: 30_000, polling: 200 });
    expect(await accessibilityViolations(dashboard)).toEqual([]);
    await teacher.bringToFront();

    const learner = await chromium.browser.createBrowserContext();
    const student = await learner.newPage();
    await student.goto(platform.launchUrl({ user: 'student-lobby', name: 'Lou Lobby', role: 'learner', resource: resourceLinkId }));
    await student.waitForSelector('#code');
    expect(await accessibilityViolations(student)).toEqual([]);
    await student.type('#code', code.toLowerCase() === code ? code.toUpperCase() : code.toLowerCase());
    await Promise.all([student.waitForNavigation(), student.click('button[type="submit"]')]);
    expect(await student.$eval('#code-error', (e) => e.textContent)).toContain('does not open a session of this quiz');
    expect(await student.$eval('#code', (e) => e.getAttribute('aria-invalid'))).toBe('true');
    expect(await accessibilityViolations(student)).toEqual([]);
    await student.$eval('#code', (e) => { (e as HTMLInputElement).value = ''; });
    await student.type('#code', code);
    await Promise.all([student.waitForNavigation(), student.click('button[type="submit"]')]);
    await student.waitForSelector('#lobby-status');
    expect(await student.$eval('#lobby-status', (e) => e.textContent)).toBe('Waiting for your proctor to start the session.');
    expect(await accessibilityViolations(student)).toEqual([]);

    // The dashboard shows the student in the lobby without a reload.
    await dashboard.waitForFunction(() => [...document.querySelectorAll('#live-participants tr[data-status="waiting"]')].some((r) => r.textContent?.includes('Lou Lobby')), { timeout: 30_000, polling: 200 });
    // Clicks go to the tab in front (a tab behind paints no frames).
    await teacher.bringToFront();
    await teacher.goto(sessionUrl);
    expect(await teacher.$eval('#participants', (t) => t.textContent)).toContain('Lou Lobby');
    await Promise.all([teacher.waitForNavigation(), teacher.click('#start-session')]);
    expect(await teacher.$eval('#session-state', (e) => e.textContent)).toMatch(/^Started /);

    // The lobby notices by itself and opens the start page.
    await student.waitForSelector('#session-banner', { timeout: 30_000 });
    expect(await student.$eval('#session-banner', (e) => e.textContent)).toContain('In Session: Evening session');
    expect(await student.$('#start')).not.toBeNull();
    await dashboard.waitForFunction(() => document.getElementById('session-state')?.textContent?.startsWith('Started'), { timeout: 30_000, polling: 200 });
    // The sound switch is a toggle button a screen reader hears as pressed or not.
    await dashboard.bringToFront();
    await dashboard.click('#sound');
    expect(await dashboard.$eval('#sound', (b) => b.getAttribute('aria-pressed'))).toBe('true');
    expect(await accessibilityViolations(dashboard)).toEqual([]);
    // The report, with its charts and their tables.
    await teacher.bringToFront();
    await teacher.goto(await teacher.$eval('#report-link', (a) => (a as HTMLAnchorElement).href));
    expect(await teacher.$eval('#report-figures', (d) => d.textContent)).toContain('Joined');
    expect(await accessibilityViolations(teacher)).toEqual([]);
    await learner.close();
    await proctor.close();
  });
});
