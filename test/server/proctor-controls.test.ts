// The proctor's controls during a session, through the real server and the Moodle-like test LMS's web services: a
// message the extension receives with its heartbeat and acknowledges; a pause the heartbeat carries and a resume that
// gives the pause back as extra time in the student's Moodle override; extra time by hand; ending one attempt. Each
// action in the session log; the NCCER script ticked, the identification confirmed; a student going on on another
// device once the proctor allows it.
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { signHeartbeat } from '../../models/heartbeat.ts';
import type { HeartbeatResponse } from '../../models/contracts.ts';
import { attempts, proctoredSessions, proctorMessages, sessionLog, sessionParticipants } from '../../models/schema.ts';
import { connectMoodle, scheduleSession } from '../support/sessions.ts';
import { lmsTest } from '../support/fixtures.ts';
import { launch, quizSettingsForm } from '../support/flows.ts';
import { extensionCall } from '../support/extension-api.ts';

const cmid = 41;
const test = lmsTest({ quiz: (quizUrl) => ({ ...quizSettingsForm, quizUrl: quizUrl.replace(/id=\d+/, `id=${cmid}`) }) });


describe('the proctor\'s controls', () => {
  test('message and acknowledgement, pause and resume with the time given back in Moodle, extra time, ending an attempt', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const moodleQuiz = platform.moodle.addQuiz({ cmid, courseId: platform.contextId, timeLimitSeconds: 1800 });
    expect((await connectMoodle(invigil, platform)).status).toBe(201);

    const quizId = platform.resourceLinks.get(resourceLinkId)!.custom.invigil_quiz;
    const teacher = await launch(platform, { user: 'teacher-1', name: 'Tess Teacher', role: 'instructor', resource: resourceLinkId });
    const { sessionId, code } = await scheduleSession(invigil, teacher, quizId, { name: 'Controls' });
    await teacher.browser.request(`${invigil.url}/app/sessions/${sessionId}/start?c=${teacher.scope}`, { form: {} });

    const student = await launch(platform, { user: 'student-ctl', name: 'Cal Control', role: 'learner', resource: resourceLinkId });
    await student.browser.request(student.page.url);
    await student.browser.request(`${invigil.url}/app/quizzes/${quizId}/session-entry?c=${student.scope}`, { form: { code } });
    const attempt = await student.browser.request(`${invigil.url}/app/quizzes/${quizId}/attempts?c=${student.scope}`, { json: { acknowledged: true } });
    const { attemptId, startToken } = JSON.parse(attempt.body) as { attemptId: string; startToken: string };
    const token = (await extensionCall(invigil, '/attempts/start', { startToken })).body.attemptToken as string;
    let counter = 0;
    const heartbeat = async () => {
      const beat = { counter: ++counter, sentAt: Date.now() };
      const answer = await extensionCall(invigil, `/attempts/${attemptId}/heartbeat`, { ...beat, signature: await signHeartbeat(token, attemptId, beat) }, token);
      expect(answer.status).toBe(200);
      return (answer.body as unknown as HeartbeatResponse).proctor!;
    };
    expect(await heartbeat()).toEqual({ paused: null, messages: [], endedByProctor: false });

    const [participant] = await invigil.db.select().from(sessionParticipants).where(eq(sessionParticipants.sessionId, sessionId));
    const dashboard = `${invigil.url}/app/sessions/${sessionId}/dashboard?c=${teacher.scope}`;
    const control = async (form: Record<string, string>) => {
      await teacher.browser.request(dashboard);
      const done = await teacher.browser.request(`${invigil.url}/app/sessions/${sessionId}/controls?c=${teacher.scope}`, { form });
      expect(done.status, done.body.slice(0, 400)).toBe(200);
      return /id="controls-notice">([^<]+)</.exec(done.body)?.[1] ?? '';
    };

    // A message to everyone: the heartbeat carries it; the acknowledgement removes it and is logged.
    expect(await control({ who: 'all', action: 'message', text: 'Ten minutes left.' })).toContain('Message sent to everyone in the session (1).');
    const withMessage = await heartbeat();
    expect(withMessage.messages.map((m) => m.text)).toEqual(['Ten minutes left.']);
    const ack = await extensionCall(invigil, `/attempts/${attemptId}/proctor-messages/${withMessage.messages[0].id}/acknowledge`, {}, token);
    expect(ack.body).toEqual({ acknowledged: true });
    expect((await heartbeat()).messages).toEqual([]);
    const [stored] = await invigil.db.select().from(proctorMessages).where(eq(proctorMessages.participantId, participant.id));
    expect(stored.acknowledgedAt).not.toBeNull();
    expect((await teacher.browser.request(dashboard)).body).toContain('1 of 1 acknowledged');

    // Pause one student: the heartbeat says so with the words; resume gives the time back in the Moodle override.
    expect(await control({ who: String(participant.id), action: 'pause', text: 'Please show your ID to the camera.' })).toContain('Paused: 1');
    expect((await heartbeat()).paused).toMatchObject({ message: 'Please show your ID to the camera.' });
    expect(await control({ who: String(participant.id), action: 'resume' })).toContain('Resumed: 1');
    expect((await heartbeat()).paused).toBeNull();
    const override = () => platform.moodle.overrides.find((o) => o.quiz === moodleQuiz.quizId && o.userid === 'student-ctl');
    expect(override()?.timelimit).toBe(1800 + 60);
    let [row] = await invigil.db.select().from(sessionParticipants).where(eq(sessionParticipants.id, participant.id));
    expect(row.extraMinutes).toBe(1);
    expect(row.extraTimeNote).toBe(`Moodle: the student's time limit is now 31 minutes (user override ${override()!.id}).`);

    // Extra time by hand adds to it.
    expect(await control({ who: String(participant.id), action: 'extra_time', minutes: '5' })).toContain('+5 min for Cal Control.');
    expect(override()?.timelimit).toBe(1800 + 6 * 60);
    [row] = await invigil.db.select().from(sessionParticipants).where(eq(sessionParticipants.id, participant.id));
    expect(row.extraMinutes).toBe(6);

    // Ending the attempt: the next heartbeat tells the extension.
    expect(await control({ who: String(participant.id), action: 'end' })).toContain('Ending 1 attempt(s)');
    expect((await heartbeat()).endedByProctor).toBe(true);

    // The NCCER script: each item ticked once with the time; each student's identification confirmed.
    await invigil.db.update(proctoredSessions).set({ profileKey: 'nccer' }).where(eq(proctoredSessions.id, sessionId));
    const script = (await teacher.browser.request(dashboard)).body;
    expect(script).toContain('Read the NCCER Remote Proctoring Script aloud');
    const tick = await teacher.browser.request(`${invigil.url}/app/sessions/${sessionId}/checklist?c=${teacher.scope}`, { form: { item: 'Read the NCCER Remote Proctoring Script aloud' } });
    expect(tick.body).toMatch(/data-ticked="yes">✓ Read the NCCER Remote Proctoring Script aloud — Tess Teacher, \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    const bogus = await teacher.browser.request(`${invigil.url}/app/sessions/${sessionId}/checklist?c=${teacher.scope}`, { form: { item: 'Something else' } });
    expect(bogus.status).toBe(400);
    expect(await control({ who: String(participant.id), action: 'confirm_id' })).toContain('Identification confirmed: 1');
    [row] = await invigil.db.select().from(sessionParticipants).where(eq(sessionParticipants.id, participant.id));
    expect(row).toMatchObject({ idConfirmedBy: 'Tess Teacher' });

    // A second student's computer fails: a start elsewhere is refused until the proctor allows it, then replaces the
    // attempt that stopped (ended unsubmitted), without using up one of the quiz's attempts.
    const dee = await launch(platform, { user: 'student-dee', name: 'Dee Device', role: 'learner', resource: resourceLinkId });
    await dee.browser.request(dee.page.url);
    await dee.browser.request(`${invigil.url}/app/quizzes/${quizId}/session-entry?c=${dee.scope}`, { form: { code } });
    const first = JSON.parse((await dee.browser.request(`${invigil.url}/app/quizzes/${quizId}/attempts?c=${dee.scope}`, { json: { acknowledged: true } })).body) as { attemptId: string; startToken: string };
    expect((await extensionCall(invigil, '/attempts/start', { startToken: first.startToken })).status).toBe(201);
    const laptop = await launch(platform, { user: 'student-dee', name: 'Dee Device', role: 'learner', resource: resourceLinkId });
    await laptop.browser.request(laptop.page.url);
    const refused = await laptop.browser.request(`${invigil.url}/app/quizzes/${quizId}/attempts?c=${laptop.scope}`, { json: { acknowledged: true } });
    expect(refused.status).toBe(409);
    expect(refused.body).toContain('ask your proctor to let you continue on this one');
    const [deeRow] = await invigil.db.select().from(sessionParticipants).where(eq(sessionParticipants.userId, 'student-dee'));
    expect(await control({ who: String(deeRow.id), action: 'allow_resume' })).toContain('May continue on another device: 1');
    const second = await laptop.browser.request(`${invigil.url}/app/quizzes/${quizId}/attempts?c=${laptop.scope}`, { json: { acknowledged: true } });
    expect(second.status, second.body).toBe(201);
    const secondId = (JSON.parse(second.body) as { attemptId: string }).attemptId;
    expect((await invigil.db.select().from(attempts).where(eq(attempts.id, first.attemptId)))[0].status).toBe('unsubmitted');
    expect((await invigil.db.select().from(sessionParticipants).where(eq(sessionParticipants.id, deeRow.id)))[0]).toMatchObject({ attemptId: secondId, status: 'in_session', resumeAllowedAt: null });

    const log = await invigil.db.select().from(sessionLog).where(eq(sessionLog.sessionId, sessionId));
    expect(log.map((e) => e.action)).toEqual(expect.arrayContaining(['message_sent', 'message_acknowledged', 'paused', 'resumed', 'extra_time', 'attempt_ended', 'checklist_ticked', 'id_confirmed', 'resume_allowed', 'resumed_elsewhere']));
    expect(log.find((e) => e.action === 'extra_time' && e.details.why === 'given by the proctor')?.actorName).toBe('Tess Teacher');
  });
});
