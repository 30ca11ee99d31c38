// Proctored sessions through the real server, database and a real SMTP server: scheduling against the NCCER profile,
// the CSV import's report, the roster from Names and Roles, each refusal of the enrollment code, the lobby until the
// proctor starts, In Session → Disconnected → In Session → Complete, the emailed invitation with its calendar entry,
// and the auditor's expiring read-only link.
import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { attempts, proctoredSessions, sessionAuditors, sessionParticipants } from '../../models/schema.ts';
import { enrollmentCodePattern } from '../../models/sessions.ts';
import { utcToZoned } from '../../lti-server/sessions/zoned-time.ts';
import { lmsTest } from '../support/fixtures.ts';
import { launch } from '../support/flows.ts';
import { freePort, type TestInvigil } from '../support/invigil.ts';
import { until } from '../support/wait.ts';
import { extensionCall } from '../support/extension-api.ts';

const smtpPort = await freePort();
const test = lmsTest({ environment: { SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, MAIL_FROM: 'Invigil <proctoring@example.edu>', HEARTBEAT_TIMEOUT_SECONDS: '5' } });
const eastern = 'America/New_York';
const day = 86_400_000;

/** A weekday at 10:00 Eastern at least `daysAhead` days from now (NCCER's window; past its auditor deadline). */
function weekdayMorning(daysAhead: number) {
  for (let d = daysAhead; ; d++) {
    const date = utcToZoned(new Date(Date.now() + d * day), eastern).slice(0, 10);
    const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
    if (weekday >= 1 && weekday <= 5) return `${date}T10:00`;
  }
}
function saturdayMorning() {
  for (let d = 3; ; d++) {
    const date = utcToZoned(new Date(Date.now() + d * day), eastern).slice(0, 10);
    if (new Date(`${date}T12:00:00Z`).getUTCDay() === 6) return `${date}T10:00`;
  }
}

const sessionFields = (over: Record<string, string> = {}) => ({
  name: 'Module 1 test', startsAt: weekdayMorning(4), timeZone: eastern, durationMinutes: '90', maxUsers: '15', lateEntryMinutes: '10',
  enrollmentMode: 'hybrid', profileKey: 'none', ...over,
});

type Teacher = Awaited<ReturnType<typeof launch>>;
async function teacher(platform: Parameters<typeof launch>[0], resource: string) {
  return launch(platform, { user: 'teacher-1', name: 'Tess Teacher', role: 'instructor', resource });
}
const quizIdOf = (platform: Parameters<typeof launch>[0], resource: string) => platform.resourceLinks.get(resource)!.custom.invigil_quiz;

async function createSession(invigil: TestInvigil, t: Teacher, quizId: string, fields: Record<string, string>) {
  await t.browser.request(`${invigil.url}/app/quizzes/${quizId}/sessions?c=${t.scope}`); // the form's CSRF token
  return t.browser.request(`${invigil.url}/app/quizzes/${quizId}/sessions?c=${t.scope}`, { form: fields });
}
const sessionIdOf = (url: string) => /\/app\/sessions\/([0-9a-f-]{36})/.exec(url)?.[1];


const received: ParsedMail[] = [];
const smtp = new SMTPServer({
  authOptional: true, disabledCommands: ['STARTTLS'],
  onData(stream, _session, callback) {
    simpleParser(stream).then((mail) => { received.push(mail); callback(); }, callback);
  },
});
await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve));
afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

const state = { sessionId: '', code: '' };

describe('scheduling a session', () => {
  test('the NCCER profile refuses a 16th place and a Saturday; a session gets a code and the roster is invited', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const t = await teacher(platform, resourceLinkId);
    const quizId = quizIdOf(platform, resourceLinkId);
    const sixteen = await createSession(invigil, t, quizId, sessionFields({ profileKey: 'nccer', maxUsers: '16' }));
    expect(sixteen.status).toBe(400);
    expect(sixteen.body).toContain('allows at most 15 test-takers per session; this one allows 16');
    const saturday = await createSession(invigil, t, quizId, sessionFields({ profileKey: 'nccer', startsAt: saturdayMorning() }));
    expect(saturday.status).toBe(400);
    expect(saturday.body).toMatch(/sessions run Monday to Friday, 7:00 am to 9:00 pm Eastern time; this one runs Saturday/);
    expect(await invigil.db.select().from(proctoredSessions)).toEqual([]);

    platform.addMember({ id: 'student-roster', name: 'Rosa Roster', role: 'learner' });
    const created = await createSession(invigil, t, quizId, sessionFields({ profileKey: 'nccer' }));
    expect(created.status, created.body.slice(0, 500)).toBe(200);
    state.sessionId = sessionIdOf(created.url)!;
    state.code = /id="enrollment-code" class="code">([^<]+)</.exec(created.body)![1];
    expect(state.code).toMatch(enrollmentCodePattern);
    expect(created.body).toContain('1 of the course&#39;s 1 students invited from the roster.');
    const [roster] = await invigil.db.select().from(sessionParticipants).where(eq(sessionParticipants.sessionId, state.sessionId));
    expect(roster).toMatchObject({ userId: 'student-roster', status: 'invited', source: 'roster' });

    const taken = await createSession(invigil, t, quizId, sessionFields({ enrollmentCode: state.code }));
    expect(taken.status).toBe(400);
    expect(taken.body).toContain('That enrollment code is used by another session');
  });

  test('the CSV import reports each row, and refuses the rows beyond 15 under the NCCER profile', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const t = await teacher(platform, resourceLinkId);
    const page = `${invigil.url}/app/sessions/${state.sessionId}?c=${t.scope}`;
    await t.browser.request(page);
    const rows = [
      'name,email,lms_user_id',
      'Ada Lovelace,ADA@example.edu,student-ada',
      '"Hopper, Grace",grace@example.edu,',
      'No Contact,,',
      'Bad Mail,not-an-email,',
      'Ada Again,ada@example.edu,',
      'Rosa Again,,student-roster',
      ...Array.from({ length: 14 }, (_, i) => `Student ${i},s${i}@example.edu,`),
    ];
    const imported = await t.browser.request(`${invigil.url}/app/sessions/${state.sessionId}/participants?c=${t.scope}`, { form: { csv: rows.join('\r\n') } });
    expect(imported.status).toBe(200);
    const report = [...imported.body.matchAll(/<tr data-line="(\d+)" data-result="(added|refused)"><td>\d+<\/td><td>([^<]*)<\/td><td>[^<]*<\/td><td>([^<]*)<\/td>/g)]
      .map((m) => ({ line: Number(m[1]), result: m[2], name: m[3], reason: m[4] }));
    expect(report.slice(0, 6)).toEqual([
      { line: 2, result: 'added', name: 'Ada Lovelace', reason: '' },
      { line: 3, result: 'added', name: 'Hopper, Grace', reason: '' },
      { line: 4, result: 'refused', name: 'No Contact', reason: 'Neither an email nor an LMS user id: the student could not be recognised.' },
      { line: 5, result: 'refused', name: 'Bad Mail', reason: '&quot;not-an-email&quot; is not an email address.' },
      { line: 6, result: 'refused', name: 'Ada Again', reason: 'The same student appears on an earlier row.' },
      { line: 7, result: 'refused', name: 'Rosa Again', reason: 'Already in this session.' },
    ]);
    // The roster student and two rows make 3; twelve more reach 15; the last two are refused by the profile.
    expect(report.filter((r) => r.result === 'added')).toHaveLength(14);
    expect(report.slice(-2).map((r) => r.reason)).toEqual(Array(2).fill('NCCER remote proctoring allows at most 15 test-takers per session.'));
    expect(await invigil.db.select().from(sessionParticipants).where(eq(sessionParticipants.sessionId, state.sessionId))).toHaveLength(15);
  });

  test('invitations go out by email with the code and a calendar entry', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const t = await teacher(platform, resourceLinkId);
    await t.browser.request(`${invigil.url}/app/sessions/${state.sessionId}?c=${t.scope}`);
    const sent = await t.browser.request(`${invigil.url}/app/sessions/${state.sessionId}/invitations?c=${t.scope}`, { form: {} });
    expect(sent.body).toContain('14 invitations queued for email.');
    await until('the invitations are delivered', async () => received.filter((m) => m.subject?.startsWith('Proctored session')).length === 14, 60_000);
    const ada = received.find((m) => m.to && !Array.isArray(m.to) && m.to.text === 'ada@example.edu')!;
    expect(ada.text).toContain(`Enrollment code: ${state.code}`);
    const ics = ada.attachments.find((a) => a.filename === 'session.ics')!;
    const calendar = ics.content.toString('utf8');
    const [session] = await invigil.db.select().from(proctoredSessions).where(eq(proctoredSessions.id, state.sessionId));
    expect(calendar).toContain('BEGIN:VEVENT');
    expect(calendar).toContain(`DTSTART:${session.startsAt.toISOString().replace(/[-:]/g, '').replace('.000', '')}`);
    expect(calendar.replace(/\r\n /g, '')).toContain(`Enrollment code: ${state.code}`);
    // A second press sends nothing twice.
    const again = await t.browser.request(`${invigil.url}/app/sessions/${state.sessionId}/invitations?c=${t.scope}`, { form: {} });
    expect(again.body).toContain('Everyone with an email address has been invited already.');
  });
});

describe('the student\'s way in', () => {
  test('each refusal of the code says why; the lobby waits for the proctor; then In Session, Disconnected, back, Complete', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const quizId = quizIdOf(platform, resourceLinkId);
    const t = await teacher(platform, resourceLinkId);
    const enter = async (student: Awaited<ReturnType<typeof launch>>, code: string) => {
      await student.browser.request(student.page.url);
      return student.browser.request(`${invigil.url}/app/quizzes/${quizId}/session-entry?c=${student.scope}`, { form: { code } });
    };
    // A second session, manual, 2 places, no late entry, started a while ago by its schedule: for the refusals.
    const manual = await createSession(invigil, t, quizId, sessionFields({ name: 'Makeup', enrollmentMode: 'manual', maxUsers: '2', lateEntryMinutes: '0', enrollmentCode: 'Mk7pQ2', startsAt: utcToZoned(new Date(Date.now() + 60 * 60_000), eastern) }));
    const manualId = sessionIdOf(manual.url)!;
    await t.browser.request(`${invigil.url}/app/sessions/${manualId}/participants?c=${t.scope}`, { form: { csv: 'Una,una@example.edu,student-una\nVic,,student-vic\nWes,,student-wes' } });

    const ada = await launch(platform, { user: 'student-ada', name: 'Ada Lovelace', role: 'learner', resource: resourceLinkId });
    expect(ada.page.body).toContain('Enter the enrollment code your proctor gave you.');
    const wrongCase = await enter(ada, state.code.toLowerCase() === state.code ? state.code.toUpperCase() : state.code.toLowerCase());
    expect(wrongCase.status).toBe(403);
    expect(wrongCase.body).toContain('That code does not open a session of this quiz');
    const stranger = await launch(platform, { user: 'student-zed', name: 'Zed Stranger', role: 'learner', resource: resourceLinkId });
    const notEnrolled = await enter(stranger, 'Mk7pQ2');
    expect(notEnrolled.status).toBe(403);
    expect(notEnrolled.body).toContain('You are not enrolled in this session.');

    const una = await launch(platform, { user: 'student-una', name: 'Una', role: 'learner', resource: resourceLinkId });
    const vic = await launch(platform, { user: 'student-vic', name: 'Vic', role: 'learner', resource: resourceLinkId });
    const wes = await launch(platform, { user: 'student-wes', name: 'Wes', role: 'learner', resource: resourceLinkId });
    expect((await enter(una, 'Mk7pQ2')).body).toContain('Waiting for your proctor to start the session.');
    expect((await enter(vic, 'Mk7pQ2')).status).toBe(200);
    const full = await enter(wes, 'Mk7pQ2');
    expect(full.status).toBe(409);
    expect(full.body).toContain('This session is full: 2 of 2 places are taken.');
    // The schedule's start passed with no late entry.
    await invigil.db.update(proctoredSessions).set({ startsAt: new Date(Date.now() - 60_000), maxUsers: 3 }).where(eq(proctoredSessions.id, manualId));
    const late = await enter(wes, 'Mk7pQ2');
    expect(late.status).toBe(409);
    expect(late.body).toContain('Late entry closed at');
    await invigil.db.update(proctoredSessions).set({ endedAt: new Date() }).where(eq(proctoredSessions.id, manualId));
    const expired = await enter(wes, 'Mk7pQ2');
    expect(expired.status).toBe(409);
    expect(expired.body).toContain('its code has expired');

    // Ada (imported by email and LMS id) joins the NCCER session and waits in the lobby.
    const lobby = await enter(ada, state.code);
    expect(lobby.body).toContain('Waiting for your proctor to start the session.');
    const status = async () => JSON.parse((await ada.browser.request(`${invigil.url}/app/sessions/${state.sessionId}/lobby-status?c=${ada.scope}`)).body) as { started: boolean; label: string };
    expect(await status()).toMatchObject({ started: false, label: 'Waiting' });
    const early = await ada.browser.request(`${invigil.url}/app/quizzes/${quizId}/attempts?c=${ada.scope}`, { json: { acknowledged: true } });
    expect(early.status).toBe(409);
    expect(early.body).toContain('Your proctor has not started the session yet');

    // NCCER: no start without the auditor invited in time.
    await t.browser.request(`${invigil.url}/app/sessions/${state.sessionId}?c=${t.scope}`);
    const refused = await t.browser.request(`${invigil.url}/app/sessions/${state.sessionId}/start?c=${t.scope}`, { form: {} });
    expect(refused.status).toBe(409);
    expect(refused.body).toContain('requires an invited auditor: this session has none, so it cannot start.');
    const invited = await t.browser.request(`${invigil.url}/app/sessions/${state.sessionId}/auditors?c=${t.scope}`, { form: { name: 'Nora NCCER', email: 'auditor@nccer.example' } });
    const link = /id="auditor-link">([^<]+)</.exec(invited.body)![1];
    const started = await t.browser.request(`${invigil.url}/app/sessions/${state.sessionId}/start?c=${t.scope}`, { form: {} });
    expect(started.status, started.body.slice(0, 600)).toBe(200);
    expect(await status()).toMatchObject({ started: true });

    // Into the quiz: the start page, then the attempt, In Session.
    const take = await ada.browser.request(ada.page.url);
    expect(take.body).toContain('Start proctored quiz');
    const created = await ada.browser.request(`${invigil.url}/app/quizzes/${quizId}/attempts?c=${ada.scope}`, { json: { acknowledged: true } });
    expect(created.status).toBe(201);
    const { attemptId, startToken } = JSON.parse(created.body) as { attemptId: string; startToken: string };
    const statusOnPage = async () => /data-participant="\d+" data-status="([a-z_]+)"><th scope="row">Ada Lovelace/.exec((await t.browser.request(`${invigil.url}/app/sessions/${state.sessionId}?c=${t.scope}`)).body)?.[1];
    expect(await statusOnPage()).toBe('in_session');
    const run = await extensionCall(invigil, '/attempts/start', { startToken });
    const token = run.body.attemptToken as string;
    // Heartbeats older than the timeout: Disconnected; a fresh one: In Session again.
    await invigil.db.update(attempts).set({ lastHeartbeatAt: new Date(Date.now() - 60_000) }).where(eq(attempts.id, attemptId));
    expect(await statusOnPage()).toBe('disconnected');
    await invigil.db.update(attempts).set({ lastHeartbeatAt: new Date() }).where(eq(attempts.id, attemptId));
    expect(await statusOnPage()).toBe('in_session');
    const finished = await extensionCall(invigil, `/attempts/${attemptId}/finish`, {}, token);
    expect(finished.status).toBe(200);
    expect(await statusOnPage()).toBe('complete');

    // The auditor's link shows the session read-only, and stops working once it expires.
    const audit = await fetch(link);
    const auditPage = await audit.text();
    expect(audit.status).toBe(200);
    expect(auditPage).toContain('this view is read-only');
    expect(auditPage).toMatch(/Ada Lovelace<\/th><td>Complete/);
    expect(auditPage).not.toContain('name="_csrf"');
    await invigil.db.update(sessionAuditors).set({ expiresAt: new Date(Date.now() - 1000) }).where(and(eq(sessionAuditors.sessionId, state.sessionId)));
    expect((await fetch(link)).status).toBe(401);
    const mail = await until('the auditor\'s invitation is delivered', async () => received.find((m) => m.subject?.startsWith('Auditor invitation')), 60_000);
    expect(mail.text).toContain(link);
  });
});
