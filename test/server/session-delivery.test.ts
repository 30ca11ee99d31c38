// The NCCER delivery rule through the real server, bucket and a real SMTP server: an ended session whose recordings
// are ready is delivered to its auditor (the email, the recordings on the auditor's page with working download links);
// one whose recordings are still processing warns its proctors before the deadline and is void after it, with the
// reason, on the auditor's page too.
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { attempts, proctoredSessions, recordings, sessionLog, sessionParticipants } from '../../models/schema.ts';
import { lmsTest } from '../support/fixtures.ts';
import { launch } from '../support/flows.ts';
import { freePort, type TestInvigil } from '../support/invigil.ts';
import { scheduleSession } from '../support/sessions.ts';
import { until } from '../support/wait.ts';

const smtpPort = await freePort();
const test = lmsTest({ environment: { SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, MAIL_FROM: 'Invigil <proctoring@example.edu>' } });
const received: ParsedMail[] = [];
const smtp = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], onData(stream, _s, done) { simpleParser(stream).then((m) => { received.push(m); done(); }, done); } });
await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve));
afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));
const hour = 3_600_000;

/**
 * The first message received that passes; each look drains the outbox as if its retry were due (a busy machine may
 * have timed a first try out), so the test waits on the mail, not on the retry delay.
 */
async function mailed(invigil: TestInvigil, pass: (m: ParsedMail) => boolean) {
  await invigil.queue.drainMail(new Date(Date.now() + 3_600_000));
  return received.find(pass);
}

/** A session with one student who took the quiz and an invited auditor; ended now. Returns the auditor's link. */
async function endedSession(invigil: TestInvigil, platform: Parameters<typeof launch>[0], resource: string, name: string, recording: 'ready' | 'processing') {
  const quizId = platform.resourceLinks.get(resource)!.custom.invigil_quiz;
  const teacher = await launch(platform, { user: 'teacher-1', name: 'Tess Teacher', role: 'instructor', resource });
  const { sessionId, code } = await scheduleSession(invigil, teacher, quizId, { name });
  const invited = await teacher.browser.request(`${invigil.url}/app/sessions/${sessionId}/auditors?c=${teacher.scope}`, { form: { name: 'Nora', email: `${name.toLowerCase()}@nccer.example` } });
  const link = /id="auditor-link">([^<]+)</.exec(invited.body)![1];
  await teacher.browser.request(`${invigil.url}/app/sessions/${sessionId}/start?c=${teacher.scope}`, { form: {} });
  const student = await launch(platform, { user: `student-${name.toLowerCase()}`, name: `${name} Student`, role: 'learner', resource });
  await student.browser.request(student.page.url);
  await student.browser.request(`${invigil.url}/app/quizzes/${quizId}/session-entry?c=${student.scope}`, { form: { code } });
  const { attemptId } = JSON.parse((await student.browser.request(`${invigil.url}/app/quizzes/${quizId}/attempts?c=${student.scope}`, { json: { acknowledged: true } })).body) as { attemptId: string };
  // The attempt was recorded and finished (its media made here, not by the finalize job, to hold it where the test needs it).
  await invigil.db.update(attempts).set({ status: 'finished', startedAt: new Date(), finishedAt: new Date() }).where(eq(attempts.id, attemptId));
  const key = `test/${attemptId}/webcam.webm`;
  await invigil.bucket.putBytes(key, new TextEncoder().encode(`recording of ${name}`), 'video/webm');
  await invigil.db.insert(recordings).values({ attemptId, stream: 'webcam', status: recording, objectKey: recording === 'ready' ? key : null });
  await invigil.db.update(sessionParticipants).set({ status: 'complete', completedAt: new Date() }).where(eq(sessionParticipants.attemptId, attemptId));
  // The profile with the delivery rule (set here rather than scheduled inside NCCER's weekday window).
  await invigil.db.update(proctoredSessions).set({ profileKey: 'nccer' }).where(eq(proctoredSessions.id, sessionId));
  await teacher.browser.request(`${invigil.url}/app/sessions/${sessionId}?c=${teacher.scope}`);
  await teacher.browser.request(`${invigil.url}/app/sessions/${sessionId}/end?c=${teacher.scope}`, { form: {} });
  const [session] = await invigil.db.select().from(proctoredSessions).where(eq(proctoredSessions.id, sessionId));
  return { sessionId, link, endedAt: session.endedAt!, attemptId };
}

describe('delivery to the auditor', () => {
  test('ready recordings are delivered: the email, the recordings on the auditor\'s page, links that download', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const { sessionId, link } = await endedSession(invigil, platform, resourceLinkId, 'Ready', 'ready');
    // The end queued the sweep; this one runs it here too (whichever claims the session first delivers it).
    await invigil.queue.deliverSessions();
    expect((await invigil.db.select().from(proctoredSessions).where(eq(proctoredSessions.id, sessionId)))[0].deliveredAt).not.toBeNull();
    const mail = await until('the delivery email', async () => mailed(invigil, (m) => m.subject?.startsWith('Recordings of the proctored session') === true && m.text?.includes('"Ready"') === true), 60_000);
    expect(mail.text).toContain('through the link in your invitation email');
    const page = await (await fetch(link)).text();
    expect(page).toMatch(/id="delivered">Delivered \d{4}-\d\d-\d\d/);
    const url = /<ul id="recordings"><li><a href="([^"]+)"/.exec(page)![1].replace(/&amp;/g, '&');
    expect(await (await fetch(url)).text()).toBe('recording of Ready');
    // Delivered once: another sweep sends nothing more.
    expect((await invigil.queue.deliverSessions()).delivered).toBe(0);
    const log = await invigil.db.select().from(sessionLog).where(eq(sessionLog.sessionId, sessionId));
    expect(log.filter((e) => e.action === 'delivered')).toHaveLength(1);
  });

  test('recordings still processing: the proctors are warned before the deadline, and the session is void after it', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const { sessionId, link, endedAt } = await endedSession(invigil, platform, resourceLinkId, 'Late', 'processing');
    await invigil.queue.deliverSessions(new Date(endedAt.getTime() + hour));
    let [session] = await invigil.db.select().from(proctoredSessions).where(eq(proctoredSessions.id, sessionId));
    expect(session).toMatchObject({ deliveredAt: null, voidedAt: null, deliveryLateAlertedAt: null });

    await invigil.queue.deliverSessions(new Date(endedAt.getTime() + 21 * hour));
    const warning = await until('the warning to the proctor', async () => mailed(invigil, (m) => m.subject === 'Late: the recordings of Late are not ready for delivery'), 60_000);
    expect(warning.to && !Array.isArray(warning.to) ? warning.to.text : '').toBe('teacher-1@example.edu');

    await invigil.queue.deliverSessions(new Date(endedAt.getTime() + 25 * hour));
    [session] = await invigil.db.select().from(proctoredSessions).where(eq(proctoredSessions.id, sessionId));
    expect(session.voidReason).toBe("The recordings and log were not delivered to the auditor within 24 hours of the session's end (NCCER remote proctoring).");
    expect(await (await fetch(link)).text()).toContain('This session is void: The recordings and log were not delivered');
    const log = await invigil.db.select().from(sessionLog).where(eq(sessionLog.sessionId, sessionId));
    expect(log.map((e) => e.action)).toEqual(expect.arrayContaining(['delivery_late', 'voided']));
  });
});
