// The Canvas gate in Firefox ESR (Total Cookie Protection partitions third-party cookies by default): the student
// launches inside Canvas's iframe, the extension types the Classic quiz's access code once the webcam recording
// reached the server, and the submission ends the attempt. Firefox resolves the emulator's names to loopback
// (network.dns.forceResolve) and takes its throwaway CA's certificates (acceptInsecureCerts).
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attemptEvents, attempts } from '../../models/schema.ts';
import { addProctoredAssignment, connectCanvasApi, startCanvasAndInvigil, type CanvasLms } from '../support/canvas-lms.ts';
import { firefoxAvailable, launchFirefox } from '../support/firefox.ts';
import { startFromToolPage } from '../support/student.ts';
import { until } from '../support/wait.ts';

describe.runIf(firefoxAvailable)('the Canvas gate in Firefox ESR', () => {
  let lms: CanvasLms;
  let firefox: Awaited<ReturnType<typeof launchFirefox>>;
  beforeAll(async () => {
    lms = await startCanvasAndInvigil();
    firefox = await launchFirefox({ trustedOrigins: [lms.invigil.url], acceptInsecureCerts: true, extraPrefs: { 'network.dns.forceResolve': '127.0.0.1' } });
  }, 120_000);
  afterAll(async () => {
    await firefox?.close();
    await lms?.close();
  });

  it('types the access code inside Canvas, and ends the attempt at submission', { timeout: 240_000 }, async () => {
    lms.canvas.classic.add({ id: 7201, courseId: lms.canvas.course.id, title: 'Firefox midterm' });
    const { assignmentId, quizId } = await addProctoredAssignment(lms, { title: 'Firefox midterm', quizUrl: lms.canvas.urls.classicQuiz(7201), recordWebcam: 'on', recordScreen: '' });
    await connectCanvasApi(lms, quizId);
    const student = lms.canvas.addUser('Fox Student', 'student');
    const course = await firefox.browser.newPage();
    await course.goto(lms.canvas.urls.logInAs(student, lms.canvas.urls.assignment(assignmentId)));
    const frame = await until('the start page in iframe#tool_content', async () => course.frames().find((f) => f.url().includes('/take')), 60_000);
    const attemptId = await startFromToolPage({}, frame);
    const tab = await until('the quiz tab', async () => (await firefox.browser.pages()).find((p) => new URL(p.url()).pathname === '/courses/1/quizzes/7201'), 30_000);
    await tab.bringToFront();
    await tab.click('a#take_quiz_link');
    await tab.waitForSelector('body.assessing #submit_quiz_form', { timeout: 120_000 });
    await until('the gate reported working', async () => (await lms.invigil.db.select().from(attemptEvents).where(and(eq(attemptEvents.attemptId, attemptId), eq(attemptEvents.type, 'gate_password_accepted')))).length === 1, 30_000);
    await tab.click('#submit_quiz_button');
    await until('the attempt to finish', async () => (await lms.invigil.db.select().from(attempts).where(eq(attempts.id, attemptId)))[0].status === 'finished', 90_000);
    expect(lms.canvas.classic.submissions.find((s) => s.userId === student.id)?.workflowState).toBe('complete');
  });
});
