// A stream that stops mid-attempt (here the camera, as if unplugged): the student sees it at once and the quiz is
// hidden (this quiz's policy), the stop is an event and a flag, and restarting records again in a new segment.
import { and, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { attemptEvents, attempts, chunks, flags } from '../../models/schema.ts';
import { lmsTest } from '../support/fixtures.ts';
import { finishFromPopup, startAttemptInBrowser } from '../support/student.ts';
import { until } from '../support/wait.ts';

const test = lmsTest({
  quiz: (quizUrl) => ({ title: 'Camera policy', quizUrl, recordWebcam: 'on', recordScreen: 'on', pauseOnStreamLoss: 'on', lockdownPreset: 'off', policyText: 'Keep your camera on.' }),
});

test('tells the student at once, hides the quiz, flags the stop, and records again after a restart', async ({ lms: { invigil, platform }, quiz: { resourceLinkId, quizUrl }, chromium }) => {
  {
    const { attemptId } = await startAttemptInBrowser(chromium, platform, resourceLinkId, 'student-camera');
    const quizTab = (await (await chromium.browser.waitForTarget((t) => t.url().startsWith(quizUrl))).page())!;
    await quizTab.bringToFront();
    await quizTab.waitForFunction(() => document.querySelector('invigil-overlay')?.shadowRoot?.querySelector('.bar'), { timeout: 20_000, polling: 500 });
    expect(await quizTab.$eval('invigil-overlay', (h) => (h.shadowRoot!.querySelector('.pause') as HTMLElement).hidden)).toBe(true);
    await until('webcam chunks', async () => (await invigil.db.select().from(chunks).where(and(eq(chunks.attemptId, attemptId), eq(chunks.stream, 'webcam')))).length >= 2, 30_000);

    // The student withdraws the camera permission: the browser ends the camera's tracks.
    const browserSession = await chromium.browser.target().createCDPSession();
    const setCamera = (setting: 'granted' | 'denied') => browserSession.send('Browser.setPermission', { permission: { name: 'camera' }, setting, origin: chromium.extensionOrigin });
    await setCamera('denied');

    // The student sees it at once, and the quiz is hidden until the camera is back.
    await quizTab.waitForFunction(() => !(document.querySelector('invigil-overlay')!.shadowRoot!.querySelector('.pause') as HTMLElement).hidden, { timeout: 10_000, polling: 200 });
    expect(await quizTab.$eval('invigil-overlay', (h) => h.shadowRoot!.querySelector('#pause-text')!.textContent)).toContain('Your camera stopped recording');
    const stopped = await until('a stream_ended event', async () => (await invigil.db.select().from(attemptEvents)
      .where(and(eq(attemptEvents.attemptId, attemptId), eq(attemptEvents.type, 'stream_ended'))))[0], 20_000);
    expect(stopped.details).toMatchObject({ stream: 'webcam' });
    await until('a stream_lost flag', async () => (await invigil.db.select().from(flags).where(and(eq(flags.attemptId, attemptId), eq(flags.type, 'stream_lost'))))[0], 20_000);

    // Allowed again, restarting from the quiz page records again, in a new segment; the flag covers the time without a camera.
    await setCamera('granted');
    await quizTab.click('invigil-overlay >>> button.restart-paused');
    await quizTab.waitForFunction(() => (document.querySelector('invigil-overlay')!.shadowRoot!.querySelector('.pause') as HTMLElement).hidden, { timeout: 30_000, polling: 200 });
    await until('a stream_restarted event', async () => (await invigil.db.select().from(attemptEvents)
      .where(and(eq(attemptEvents.attemptId, attemptId), eq(attemptEvents.type, 'stream_restarted'))))[0], 20_000);
    const flag = await until('the flag to close', async () => {
      const [f] = await invigil.db.select().from(flags).where(and(eq(flags.attemptId, attemptId), eq(flags.type, 'stream_lost')));
      return f.endedAt > f.startedAt && f;
    }, 20_000);
    expect(flag.explanation.summary).toContain('camera');
    await new Promise((r) => setTimeout(r, 5000));
    await finishFromPopup(chromium);
    await until('the attempt to finish', async () => (await invigil.db.select().from(attempts).where(eq(attempts.id, attemptId)))[0].status === 'finished', 60_000);
    const webcamSegments = new Set((await invigil.db.select().from(chunks).where(and(eq(chunks.attemptId, attemptId), eq(chunks.stream, 'webcam'), eq(chunks.uploaded, true)))).map((c) => c.segment));
    expect(webcamSegments.size).toBe(2);
  }
}, 180_000);
