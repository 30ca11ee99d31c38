// Recording: what a stream costs to upload at default settings on a 640×480 moving camera (and against
// MediaRecorder's default bitrate on the same camera), how long a 60-minute recording takes to remux, how fast the
// review page seeks both players 50 minutes in over a 20 Mbit/s link, and how many emitted chunks the
// offline-and-crash scenario loses (must be 0).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { eq } from 'drizzle-orm';
import { attempts, chunks, flags, quizzes, recordings } from '../../models/schema.ts';
import { streamNames, type StreamName } from '../../models/streams.ts';
import { compactChunks } from '../../lti-server/jobs/compact-chunks.ts';
import { remuxRecording } from '../../lti-server/jobs/remux-recording.ts';
import { objectKeys } from '../../lti-server/storage/bucket.ts';
import { timesliceMs } from '../../models/recording.ts';
import { requireChromium } from '../../test/support/chromium.ts';
import { deepLinkQuiz, startToolAndPlatform } from '../../test/support/flows.ts';
import type { TestInvigil } from '../../test/support/invigil.ts';
import { makeLiveWebm, movingCameraClip, sha256 } from '../../test/support/media.ts';
import { until } from '../../test/support/wait.ts';
import { offlineAndCrashScenario } from '../../test/support/resilience.ts';
import { ffmpeg } from '../../lti-server/media/ffmpeg.ts';

const remuxMinutes = Number(process.env.BENCH_REMUX_MINUTES ?? 60);
const defaultBitrateSeconds = 20;
/** tsx names the functions it compiles with a `__name` helper that pages don't have. */
const keepNames = 'globalThis.__name = (f) => f';

/**
 * MediaRecorder's default bitrate on the camera the product was measured on: kbit/s over the media time it recorded
 * (VP8, no bitrate given), in a plain page of the tool's origin.
 */
async function defaultBitrateOnTheSameCamera(pageUrl: string, clip: string) {
  const browser = await puppeteer.launch({
    executablePath: requireChromium(), headless: true, pipe: true,
    args: ['--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${clip}`],
  });
  try {
    const page = await browser.newPage();
    // The page answers 404: it only gives getUserMedia a secure (localhost) origin.
    await page.goto(pageUrl);
    await page.evaluate(keepNames);
    return await page.evaluate(async (seconds) => {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480, frameRate: 15 }, audio: false });
      const bytes = await new Promise<number>((resolve) => {
        const recorder = new MediaRecorder(stream, { mimeType: 'video/webm;codecs=vp8' });
        let total = 0;
        recorder.ondataavailable = (e) => { total += e.data.size; };
        recorder.onstop = () => resolve(total);
        recorder.start(1000);
        setTimeout(() => recorder.stop(), seconds * 1000);
      });
      return (bytes * 8) / 1000 / seconds;
    }, defaultBitrateSeconds);
  } finally {
    await browser.close();
  }
}

/** A live WebM of `minutes`, sliced into timeslice-sized chunks as the recorder emits them, stored as uploaded and compacted. */
export async function longRecording(invigil: TestInvigil, work: string, minutes: number, quizId: string) {
  const oneMinute = await makeLiveWebm(path.join(work, 'minute.webm'), 60);
  const long = path.join(work, 'long.webm');
  await ffmpeg(['-hide_banner', '-loglevel', 'error', '-y', '-stream_loop', String(minutes - 1), '-i', oneMinute, '-c', 'copy', '-f', 'webm', '-live', '1', long]);
  const bytes = await readFile(long);
  const started = new Date(Date.now() - minutes * 60_000);
  const [attempt] = await invigil.db.insert(attempts).values({ quizId, userId: 'bench', userName: 'Bench Student', status: 'finished', startedAt: started, finishedAt: new Date() }).returning();
  const count = Math.ceil((minutes * 60_000) / timesliceMs);
  const size = Math.ceil(bytes.length / count);
  // Both streams, as a real attempt has them: the review page plays (and seeks) the two together.
  for (const stream of streamNames) {
    const rows = [];
    for (let seq = 0; seq * size < bytes.length; seq++) {
      const data = bytes.subarray(seq * size, Math.min(bytes.length, (seq + 1) * size));
      const key = objectKeys.chunk(attempt.id, stream, 0, seq);
      await invigil.bucket.putBytes(key, data, 'video/webm');
      rows.push({ attemptId: attempt.id, stream, segment: 0, seq, objectKey: key, bytes: data.length, sha256: sha256(data), segmentStartedAt: started, uploaded: true });
    }
    for (let i = 0; i < rows.length; i += 500) await invigil.db.insert(chunks).values(rows.slice(i, i + 500));
    // What the compaction jobs did while the attempt ran: consecutive chunks joined into five-minute runs.
    await compactChunks({ db: invigil.db, bucket: invigil.bucket }, { attemptId: attempt.id, stream, segment: 0 });
  }
  return { attemptId: attempt.id, startedAt: started, bytes: bytes.length };
}

/**
 * The instructor's review page, as an instructor opens it from the LMS, over an emulated 20 Mbit/s link: the time
 * from clicking a flag (both players seek) until both show the frame, median over flags around `atSeconds`.
 */
async function seekOnTheReviewPage(launchUrl: string, reviewPath: (session: string) => string) {
  const browser = await puppeteer.launch({ executablePath: requireChromium(), headless: true, pipe: true, args: ['--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required'] });
  try {
    const page = await browser.newPage();
    await page.goto(launchUrl);
    await page.waitForFunction(() => new URL(window.location.href).searchParams.has('c') && !new URL(window.location.href).searchParams.has('code'), { timeout: 30_000, polling: 200 });
    const session = new URL(page.url()).searchParams.get('c')!;
    const cdp = await page.createCDPSession();
    await cdp.send('Network.enable');
    // 20 Mbit/s both ways, 20 ms round trip: a good home connection.
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: 20e6 / 8, uploadThroughput: 20e6 / 8 });
    await page.goto(new URL(reviewPath(session), page.url()).toString());
    await page.waitForSelector('body[data-recordings="ready"] #video-webcam', { timeout: 60_000 });
    await page.waitForSelector('#video-screen');
    await page.waitForFunction(() => [...document.querySelectorAll('video')].every((v) => v.readyState >= 1), { timeout: 60_000, polling: 200 });
    await page.evaluate(keepNames);
    const times = await page.evaluate(async () => {
      const videos = [...document.querySelectorAll('video')];
      const results: number[] = [];
      for (const button of [...document.querySelectorAll<HTMLButtonElement>('button.flag')]) {
        const shown = Promise.all(videos.map((v) => new Promise<void>((resolve) => v.requestVideoFrameCallback(() => resolve()))));
        const t0 = performance.now();
        button.click();
        await shown;
        results.push(performance.now() - t0);
      }
      return results;
    });
    if (times.length < 3) throw new Error(`the review page showed ${times.length} flags, not the 5 placed`);
    return [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
  } finally {
    await browser.close();
  }
}

export const recordingBenchmark = {
  needsExtension: true,
  describe: `upload bitrate per stream from a 640×480 moving camera, against MediaRecorder's default on it; remux of a ${remuxMinutes}-minute recording; review seek 50 minutes in on the review page over 20 Mbit/s; chunks lost offline and in a crash`,
  async run() {
    const both = await startToolAndPlatform();
    const work = await mkdtemp(path.join(tmpdir(), 'invigil-bench-recording-'));
    try {
      const { invigil, platform } = both;
      const metrics: Record<string, number> = {};
      const clip = await movingCameraClip();

      // Loss, and the bitrate the extension really uploads, from one offline-and-crash attempt at default settings.
      const { resourceLinkId } = await deepLinkQuiz(platform, {
        title: 'Bench', quizUrl: `${platform.issuer}/mod/quiz/view.php?id=1`, recordWebcam: 'on', recordScreen: 'on', lockdownPreset: 'off', policyText: 'p',
      });
      const scenario = await offlineAndCrashScenario({ invigil, platform, resourceLinkId, user: 'bench-student', clip });
      const screen = await until('the screen recording', async () => {
        const [r] = (await invigil.db.select().from(recordings).where(eq(recordings.attemptId, scenario.attemptId))).filter((x) => x.stream === 'screen');
        return r?.status === 'ready' && r;
      }, 120_000);
      // The product's own bytes, over the media time they play (not wall-clock time, which a busy machine stretches).
      const kbps = (stream: StreamName, durationMs: number) => (scenario.ledger.filter((e) => e.stream === stream).reduce((sum, e) => sum + e.bytes, 0) * 8) / durationMs;
      metrics.upload_kbps_per_stream = kbps('webcam', scenario.webcam.durationMs!);
      metrics.upload_kbps_screen = kbps('screen', screen.durationMs!);
      metrics.loss_chunks = scenario.lost.length;
      metrics.emitted_chunks = scenario.ledger.length;
      metrics.mediarecorder_default_kbps = await defaultBitrateOnTheSameCamera(`${invigil.url}/app/bench`, clip);
      metrics.bitrate_ratio_to_default = metrics.upload_kbps_per_stream / metrics.mediarecorder_default_kbps;

      // Remux a long recording, then seek it on the review page, both players, from flags around 50 minutes in.
      const [quiz] = await invigil.db.select().from(quizzes).where(eq(quizzes.title, 'Bench'));
      const long = await longRecording(invigil, work, remuxMinutes, quiz.id);
      const t0 = performance.now();
      await remuxRecording({ db: invigil.db, bucket: invigil.bucket }, long.attemptId, 'webcam');
      metrics.remux_seconds_per_hour = ((performance.now() - t0) / 1000) * (60 / remuxMinutes);
      await remuxRecording({ db: invigil.db, bucket: invigil.bucket }, long.attemptId, 'screen');
      const at = Math.min(50 * 60, remuxMinutes * 60 * 0.83);
      await invigil.db.insert(flags).values([0, 37, -53, 71, -19].map((offset, i) => ({
        attemptId: long.attemptId, clientFlagId: `bench-${i}`, type: 'phone' as const, severity: 'high' as const,
        startedAt: new Date(long.startedAt.getTime() + (at + offset) * 1000), endedAt: new Date(long.startedAt.getTime() + (at + offset + 5) * 1000),
        explanation: { model: 'bench', thresholds: {}, scores: [], samples: 1, samplesHeld: 1, summary: 'A placed flag.' },
      })));
      metrics['review.seek_ms'] = await seekOnTheReviewPage(
        platform.launchUrl({ user: 'teacher-1', role: 'instructor', resource: resourceLinkId }),
        (scope) => `/app/attempts/${long.attemptId}/review?c=${scope}`,
      );
      return metrics;
    } finally {
      await both.close();
      await rm(work, { recursive: true, force: true });
    }
  },
};
