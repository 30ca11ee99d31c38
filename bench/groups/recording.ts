// Recording: what a stream costs to upload at default settings (and against MediaRecorder's default bitrate on the
// same camera), how long a 60-minute recording takes to remux, how fast review seeks 50 minutes in over a 20 Mbit/s
// link, and how many emitted chunks the offline-and-crash scenario loses (must be 0).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import puppeteer from 'puppeteer-core';
import { attempts, chunks, quizzes } from '../../models/schema.ts';
import { compactChunks } from '../../lti-server/jobs/compact-chunks.ts';
import { remuxRecording } from '../../lti-server/jobs/remux-recording.ts';
import { objectKeys, presignSeconds } from '../../lti-server/storage/bucket.ts';
import { timesliceMs } from '../../models/recording.ts';
import { requireChromium } from '../../test/support/chromium.ts';
import { deepLinkQuiz, startToolAndPlatform } from '../../test/support/flows.ts';
import type { TestInvigil } from '../../test/support/invigil.ts';
import { makeLiveWebm, sha256, webcamClip } from '../../test/support/media.ts';
import { offlineAndCrashScenario } from '../../test/support/resilience.ts';
import { ffmpeg } from '../../lti-server/media/ffmpeg.ts';

const run = promisify(execFile);
const remuxMinutes = Number(process.env.BENCH_REMUX_MINUTES ?? 60);
const defaultBitrateSeconds = 20;
/** tsx names the functions it compiles with a `__name` helper that pages don't have. */
const keepNames = 'globalThis.__name = (f) => f';

/** MediaRecorder's default bitrate and ours, on the same fake camera in one page: bytes per second of each. */
async function bitratesOnTheSameCamera(pageUrl: string) {
  const browser = await puppeteer.launch({
    executablePath: requireChromium(), headless: true, pipe: true,
    args: ['--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${webcamClip('single_person')}`],
  });
  try {
    const page = await browser.newPage();
    await page.goto(pageUrl).catch(() => {});
    await page.evaluate(keepNames);
    return await page.evaluate(async (seconds) => {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480, frameRate: 15 }, audio: false });
      const measure = (options: MediaRecorderOptions) => new Promise<number>((resolve) => {
        const recorder = new MediaRecorder(stream, { mimeType: 'video/webm;codecs=vp8', ...options });
        let bytes = 0;
        recorder.ondataavailable = (e) => { bytes += e.data.size; };
        recorder.onstop = () => resolve(bytes);
        recorder.start(1000);
        setTimeout(() => recorder.stop(), seconds * 1000);
      });
      const [defaults, ours] = await Promise.all([measure({}), measure({ videoBitsPerSecond: 300_000 })]);
      return { defaultKbps: (defaults * 8) / 1000 / seconds, oursKbps: (ours * 8) / 1000 / seconds };
    }, defaultBitrateSeconds);
  } finally {
    await browser.close();
  }
}

/** A live WebM of `minutes`, sliced into timeslice-sized chunks as the recorder emits them, stored as uploaded and compacted. */
export async function longRecording(invigil: TestInvigil, work: string, minutes: number) {
  const oneMinute = await makeLiveWebm(path.join(work, 'minute.webm'), 60);
  const long = path.join(work, 'long.webm');
  await ffmpeg(['-hide_banner', '-loglevel', 'error', '-y', '-stream_loop', String(minutes - 1), '-i', oneMinute, '-c', 'copy', '-f', 'webm', '-live', '1', long]);
  const bytes = await readFile(long);
  const [quiz] = await invigil.db.insert(quizzes).values({
    issuer: 'https://lms.bench', clientId: 'bench', deploymentId: '1', title: 'Bench', quizUrl: 'https://lms.bench/q', settings: { policyText: 'p' } as never, createdBy: 'bench',
  }).returning();
  const started = new Date(Date.now() - minutes * 60_000);
  const [attempt] = await invigil.db.insert(attempts).values({ quizId: quiz.id, userId: 'bench', status: 'finished', startedAt: started, finishedAt: new Date() }).returning();
  const count = Math.ceil((minutes * 60_000) / timesliceMs);
  const size = Math.ceil(bytes.length / count);
  const rows = [];
  for (let seq = 0; seq * size < bytes.length; seq++) {
    const data = bytes.subarray(seq * size, Math.min(bytes.length, (seq + 1) * size));
    const key = objectKeys.chunk(attempt.id, 'webcam', 0, seq);
    await invigil.bucket.putBytes(key, data, 'video/webm');
    rows.push({ attemptId: attempt.id, stream: 'webcam' as const, segment: 0, seq, objectKey: key, bytes: data.length, sha256: sha256(data), segmentStartedAt: started, uploaded: true });
  }
  for (let i = 0; i < rows.length; i += 500) await invigil.db.insert(chunks).values(rows.slice(i, i + 500));
  // What the compaction jobs did while the attempt ran: consecutive chunks joined into five-minute runs.
  await compactChunks({ db: invigil.db, bucket: invigil.bucket }, { attemptId: attempt.id, stream: 'webcam', segment: 0 });
  return { attemptId: attempt.id, chunks: rows.length, bytes: bytes.length };
}

/** Milliseconds from setting currentTime to the frame being shown, median of a few seeks around `atSeconds`. */
async function seekOverThrottledLink(pageUrl: string, videoUrl: string, atSeconds: number) {
  const browser = await puppeteer.launch({ executablePath: requireChromium(), headless: true, pipe: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    await page.goto(pageUrl).catch(() => {});
    await page.evaluate(keepNames);
    const cdp = await page.createCDPSession();
    await cdp.send('Network.enable');
    // 20 Mbit/s both ways, 20 ms round trip: a good home connection.
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: 20e6 / 8, uploadThroughput: 20e6 / 8 });
    const times = await page.evaluate(async (url, at) => {
      const video = document.createElement('video');
      video.muted = true; video.preload = 'metadata'; video.src = url;
      document.body.append(video);
      await new Promise((resolve, reject) => { video.onloadedmetadata = resolve; video.onerror = () => reject(new Error('the video did not load')); });
      const results: number[] = [];
      for (const offset of [0, 37, -53, 71, -19]) {
        const t0 = performance.now();
        video.currentTime = at + offset;
        await new Promise<void>((resolve) => video.requestVideoFrameCallback(() => resolve()));
        results.push(performance.now() - t0);
      }
      return results;
    }, videoUrl, atSeconds);
    return [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
  } finally {
    await browser.close();
  }
}

export const recordingBenchmark = {
  describe: `upload bitrate per stream and against MediaRecorder's default; remux of a ${remuxMinutes}-minute recording; review seek 50 minutes in over 20 Mbit/s; chunks lost offline and in a crash`,
  async run() {
    const both = await startToolAndPlatform();
    const work = await mkdtemp(path.join(tmpdir(), 'invigil-bench-recording-'));
    try {
      const { invigil, platform } = both;
      const metrics: Record<string, number> = {};

      // Loss, and the bitrate the extension really uploads, from one offline-and-crash attempt at default settings.
      const { resourceLinkId } = await deepLinkQuiz(platform, {
        title: 'Bench', quizUrl: `${platform.issuer}/mod/quiz/view.php?id=1`, recordWebcam: 'on', recordScreen: 'on', lockdownPreset: 'off', policyText: 'p',
      });
      const scenario = await offlineAndCrashScenario({ invigil, platform, resourceLinkId, user: 'bench-student' });
      const kbps = (stream: string) => (scenario.ledger.filter((e) => e.stream === stream).reduce((s, e) => s + e.bytes, 0) * 8) / scenario.recordedMs(stream);
      metrics.upload_kbps_per_stream = kbps('webcam');
      metrics.upload_kbps_screen = kbps('screen');
      metrics.loss_chunks = scenario.lost.length;
      metrics.emitted_chunks = scenario.ledger.length;
      const bitrates = await bitratesOnTheSameCamera(`${invigil.url}/app/bench`);
      metrics.mediarecorder_default_kbps = bitrates.defaultKbps;
      metrics.bitrate_ratio_to_default = bitrates.oursKbps / bitrates.defaultKbps;

      // Remux a long recording, then seek it in review.
      const long = await longRecording(invigil, work, remuxMinutes);
      const t0 = performance.now();
      await remuxRecording({ db: invigil.db, bucket: invigil.bucket }, long.attemptId, 'webcam');
      metrics.remux_seconds_per_hour = ((performance.now() - t0) / 1000) * (60 / remuxMinutes);
      const url = await invigil.bucket.presignGet(objectKeys.review(long.attemptId, 'webcam'), presignSeconds);
      metrics['review.seek_ms'] = await seekOverThrottledLink(`${invigil.url}/app/bench`, url, Math.min(50 * 60, remuxMinutes * 60 * 0.83));
      return metrics;
    } finally {
      await both.close();
      await rm(work, { recursive: true, force: true });
    }
  },
};
