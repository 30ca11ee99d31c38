// The bandwidth ladder: on a slow upload the check before recording picks reduced video, the attempt keeps the
// measurement and the rung, the recording really is smaller, and the instructor sees which rung was used.
import { createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { and, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { attemptEvents, attempts, chunks, recordings } from '../../models/schema.ts';
import { lmsTest } from '../support/fixtures.ts';
import { HttpBrowser } from '../support/http-browser.ts';
import { finishFromPopup, startAttemptInBrowser } from '../support/student.ts';
import { until } from '../support/wait.ts';
import { ffprobe } from '../../lti-server/media/ffmpeg.ts';
import { rungs } from '../../models/recording.ts';
import { movingCameraClip } from '../support/media.ts';

// A camera that really delivers 640×480 (the shared clips are 320×240), so scaling down to the rung can fail.
const test = lmsTest({
  quiz: (quizUrl) => ({ title: 'Slow line', quizUrl, recordWebcam: 'on', recordMicrophone: 'on', lockdownPreset: 'off', policyText: 'Recorded.' }),
  clip: movingCameraClip,
});

test('records reduced video (with the microphone, as this quiz asks) when the upload is slow, and says so on the review', async ({ lms: { invigil, platform }, quiz: { resourceLinkId }, chromium }) => {
  {
    // The extension's background makes the check: its uploads go at 600 kbit/s.
    const worker = await chromium.browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(chromium.extensionOrigin));
    const background = await worker.createCDPSession();
    await background.send('Network.enable');
    await background.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: 10e6 / 8, uploadThroughput: 600e3 / 8 });
    const { attemptId } = await startAttemptInBrowser(chromium, platform, resourceLinkId, 'student-slow');
    const [attempt] = await invigil.db.select().from(attempts).where(eq(attempts.id, attemptId));
    expect(attempt.recordingRung).toBe('reduced');
    expect(attempt.bandwidthKbps).toBeGreaterThan(350);
    expect(attempt.bandwidthKbps).toBeLessThan(1200);
    const [checked] = await invigil.db.select().from(attemptEvents).where(and(eq(attemptEvents.attemptId, attemptId), eq(attemptEvents.type, 'bandwidth_checked')));
    expect(checked.details.summary).toContain('reduced video');

    await new Promise((r) => setTimeout(r, 8000));
    await finishFromPopup(chromium);
    const webcam = await until('the webcam recording', async () => {
      const [r] = await invigil.db.select().from(recordings).where(eq(recordings.attemptId, attemptId));
      if (r?.status === 'failed') throw new Error(r.error ?? 'remux failed');
      return r?.status === 'ready' && r;
    }, 120_000);
    // Reduced video is 320×240, with the microphone's sound.
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'invigil-rung-')), 'webcam.webm');
    await pipeline(await invigil.bucket.getStream(webcam.objectKey!), createWriteStream(file));
    const { stdout } = await ffprobe(['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file]);
    if (stdout.trim() !== '320,240') console.error(chromium.extensionLog.join('\n'));
    expect(stdout.trim()).toBe('320,240');
    // And at the rung's bitrate: the video bytes kept, over the time they play, stay near 100 kbit/s (the encoder
    // overshoots a little on a short clip) and far under the full rung's 300.
    const kept = await invigil.db.select().from(chunks).where(and(eq(chunks.attemptId, attemptId), eq(chunks.stream, 'webcam'), eq(chunks.uploaded, true)));
    const kbps = (kept.reduce((sum, c) => sum + c.bytes, 0) * 8) / webcam.durationMs!;
    const rung = rungs.reduced.webcam.bitsPerSecond / 1000;
    expect(kbps).toBeLessThan(rung * 1.5 + 32); // + the microphone's opus (about 32 kbit/s)
    expect(kbps).toBeGreaterThan(rung * 0.2);
    const audio = await ffprobe(['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', file]);
    expect(audio.stdout.trim()).toBe('opus');

    // The instructor's list says which rung the attempt was recorded at.
    const teacher = new HttpBrowser();
    const list = await teacher.follow(platform.launchUrl({ user: 'teacher-1', name: 'Tess Teacher', role: 'instructor', resource: resourceLinkId }));
    expect(list.body).toMatch(/reduced video \(low bandwidth\), \d+ kbit\/s measured/);
  }
}, 180_000);
