// A session's report through the real server and the Moodle-like test LMS: participation, completion rate, average
// time, the score distribution from Moodle's marks, flags by type, messages and extra time; the CSV's rows against the
// database; the PDF parsed for its figures and students; the quiz's report over all its sessions.
import { createRequire } from 'node:module';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { sessionParticipants } from '../../models/schema.ts';
import { connectMoodle, scheduleSession } from '../support/sessions.ts';
import { lmsTest } from '../support/fixtures.ts';
import { launch, quizSettingsForm } from '../support/flows.ts';
import { extensionCall } from '../support/extension-api.ts';

const require = createRequire(import.meta.url);
const cmid = 51;
const test = lmsTest({ quiz: (quizUrl) => ({ ...quizSettingsForm, quizUrl: quizUrl.replace(/id=\d+/, `id=${cmid}`) }) });


describe('the session report', () => {
  test('figures, charts with their numbers, the CSV against the database and the PDF', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const moodleQuiz = platform.moodle.addQuiz({ cmid, courseId: platform.contextId, timeLimitSeconds: 1800 });
    expect((await connectMoodle(invigil, platform)).status).toBe(201);
    const quizId = platform.resourceLinks.get(resourceLinkId)!.custom.invigil_quiz;
    const teacher = await launch(platform, { user: 'teacher-1', name: 'Tess Teacher', role: 'instructor', resource: resourceLinkId });
    const { sessionId, code } = await scheduleSession(invigil, teacher, quizId, { name: 'Reported' });
    await teacher.browser.request(`${invigil.url}/app/sessions/${sessionId}/start?c=${teacher.scope}`, { form: {} });

    // Ann and Ben take it to the end; Cy joins and never starts. Moodle graded Ann 7 and Ben 9.
    const tokens = new Map<string, { attemptId: string; token: string }>();
    for (const [user, name] of [['student-ann', 'Ann'], ['student-ben', 'Ben'], ['student-cy', 'Cy']]) {
      const s = await launch(platform, { user, name, role: 'learner', resource: resourceLinkId });
      await s.browser.request(s.page.url);
      await s.browser.request(`${invigil.url}/app/quizzes/${quizId}/session-entry?c=${s.scope}`, { form: { code } });
      if (user === 'student-cy') continue;
      const { attemptId, startToken } = JSON.parse((await s.browser.request(`${invigil.url}/app/quizzes/${quizId}/attempts?c=${s.scope}`, { json: { acknowledged: true } })).body) as { attemptId: string; startToken: string };
      tokens.set(user, { attemptId, token: (await extensionCall(invigil, '/attempts/start', { startToken })).body.attemptToken as string });
    }
    const ann = tokens.get('student-ann')!;
    const at = Date.now();
    await extensionCall(invigil, `/attempts/${ann.attemptId}/flags`, { flags: [{ id: 'p1', type: 'phone', severity: 'high', startedAt: at, endedAt: at + 2000, explanation: { model: 't', thresholds: {}, scores: [], samples: 3, samplesHeld: 3, summary: 'A phone.' } }] }, ann.token);
    const control = async (form: Record<string, string>) => {
      await teacher.browser.request(`${invigil.url}/app/sessions/${sessionId}/dashboard?c=${teacher.scope}`);
      expect((await teacher.browser.request(`${invigil.url}/app/sessions/${sessionId}/controls?c=${teacher.scope}`, { form })).status).toBe(200);
    };
    await control({ who: 'all', action: 'message', text: 'Half time.' });
    const [ben] = await invigil.db.select().from(sessionParticipants).where(eq(sessionParticipants.userId, 'student-ben'));
    await control({ who: String(ben.id), action: 'extra_time', minutes: '4' });
    for (const { attemptId, token } of tokens.values()) expect((await extensionCall(invigil, `/attempts/${attemptId}/finish`, {}, token)).status).toBe(200);
    const now = Math.floor(Date.now() / 1000);
    platform.moodle.attempts.push(
      { id: 9001, quiz: moodleQuiz.quizId, userid: 'student-ann', attempt: 1, state: 'finished', timestart: now - 600, timefinish: now, page: 0, answers: {}, sumgrades: 7 },
      { id: 9002, quiz: moodleQuiz.quizId, userid: 'student-ben', attempt: 1, state: 'finished', timestart: now - 600, timefinish: now, page: 0, answers: {}, sumgrades: 9 },
    );

    const page = (await teacher.browser.request(`${invigil.url}/app/sessions/${sessionId}/report?c=${teacher.scope}`)).body;
    const figures = /<dl class="facts" id="report-figures">([\s\S]*?)<\/dl>/.exec(page)![1].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(figures).toContain('Invited 3 Joined 3 Started 2 Completed 2 Completion rate 100 % (completed ÷ started)');
    expect(figures).toContain('Messages 3 sent, 0 acknowledged');
    expect(figures).toContain('Extra time given 4 minutes in all');
    expect(page).toContain('Scores (marks) from Moodle for 2 of 3 students.');
    // The charts' numbers are on the page as tables: 7 and 9 marks in their bins, one phone flag.
    const scoreTable = /<figure id="score-chart">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(page)![1];
    const binCounts = [...scoreTable.matchAll(/<th scope="row">([^<]+)<\/th><td>(\d+)<\/td>/g)].map((m) => [m[1], Number(m[2])]);
    expect(binCounts).toHaveLength(9);
    expect(binCounts.filter(([, n]) => n === 1).map(([label]) => label)).toEqual(['7–8', '8–9']);
    expect(page).toMatch(/<figure id="flag-chart">[\s\S]*?<th scope="row">Phone in view<\/th><td>1<\/td>/);
    expect(page).toMatch(/<figure id="completion-chart">[\s\S]*?<td>2<\/td>/);

    // The CSV: one row per participant, as the database holds them.
    const csvText = (await teacher.browser.request(`${invigil.url}/app/sessions/${sessionId}/report.csv?c=${teacher.scope}`)).body;
    const lines = csvText.trim().split('\r\n').map((l) => l.split(','));
    expect(lines[0]).toEqual(['student', 'email', 'lms_user_id', 'status', 'joined_at', 'started_at', 'completed_at', 'minutes', 'score', 'flags', 'messages', 'acknowledged', 'extra_minutes', 'id_confirmed_at']);
    const stored = await invigil.db.select().from(sessionParticipants).where(eq(sessionParticipants.sessionId, sessionId));
    expect(lines.slice(1).map((l) => [l[0], l[3], l[6], l[8], l[9], l[12]])).toEqual(stored.sort((a, b) => a.id - b.id).map((p) => [
      p.name, { complete: 'Complete', waiting: 'Waiting' }[p.status as 'complete' | 'waiting'], p.completedAt?.toISOString() ?? '',
      { 'student-ann': '7', 'student-ben': '9' }[p.userId!] ?? '', p.userId === 'student-ann' ? '1' : '0', String(p.extraMinutes),
    ]));

    // The quiz's report over all its sessions: a second session with one student who only joined.
    const second = await scheduleSession(invigil, teacher, quizId, { name: 'Second' });
    const dan = await launch(platform, { user: 'student-dan', name: 'Dan', role: 'learner', resource: resourceLinkId });
    await dan.browser.request(dan.page.url);
    expect((await dan.browser.request(`${invigil.url}/app/quizzes/${quizId}/session-entry?c=${dan.scope}`, { form: { code: second.code } })).status).toBe(200);
    const all = (await teacher.browser.request(`${invigil.url}/app/quizzes/${quizId}/sessions/report?c=${teacher.scope}`)).body;
    const allFigures = /<dl class="facts" id="report-figures">([\s\S]*?)<\/dl>/.exec(all)![1].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(allFigures).toContain('Invited 4 Joined 4 Started 2 Completed 2 Completion rate 100 %');
    const perSession = [...all.matchAll(/<tr><th scope="row"><a href="[^"]+">([^<]+)<\/a><\/th><td>[^<]*<\/td><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td>/g)].map((m) => [m[1], m[2], m[3], m[4]]);
    expect(perSession).toEqual([['Reported', '3', '3', '2'], ['Second', '1', '1', '0']]);
    expect(all).toMatch(/<th scope="row">Dan<\/th><td>Second<\/td><td>Waiting<\/td>/);

    // The PDF opens and holds the figures and the students.
    const response = await fetch(`${invigil.url}/app/sessions/${sessionId}/report.pdf?c=${teacher.scope}`, { headers: { cookie: teacher.browser.cookiesFor(invigil.url) } });
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const pdf = await getDocument({ data: new Uint8Array(await response.arrayBuffer()), useSystemFonts: false, isEvalSupported: false, standardFontDataUrl: `${path.dirname(require.resolve('pdfjs-dist/package.json'))}/standard_fonts/` }).promise;
    let text = '';
    for (let n = 1; n <= pdf.numPages; n++) text += `${(await (await pdf.getPage(n)).getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join(' ')}\n`;
    const flat = text.replace(/\s+/g, ' ');
    for (const expected of ['Session report', 'Invited 3, joined 3, started 2, completed 2.', 'Completion rate: 100 %', 'Score distribution', 'Phone in view', 'Ann — Complete', 'score 9', 'Cy — Waiting', 'Tess Teacher']) {
      expect(flat, expected).toContain(expected);
    }
  });
});
