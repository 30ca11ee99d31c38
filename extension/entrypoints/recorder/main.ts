// The recorder page (Chrome: offscreen document; Firefox: pinned tab). It owns the webcam and screen streams, both
// recorders, the outbox and uploader, and the detector; it keeps the background awake while it records. A session is
// opened whole or not at all: whatever a failed start opened is closed again by the session's AbortSignal.
import { browser } from 'wxt/browser';
import { createAttemptApi, type AttemptApi } from '../../attempt/api.ts';
import { failed, reportFailure } from '../../attempt/failures.ts';
import type { ActiveAttempt } from '../../attempt/state.ts';
import { loadExtensionDetector } from '../../detection/browser-models.ts';
import { defaultThresholds, type Detector, type Thresholds } from '../../detection/detector.ts';
import { createFrameGrabber } from '../../detection/frame-grabber.ts';
import { judgeSetup, regionLight, type SetupCheck, type SetupSample } from '../../detection/setup-check.ts';
import { send, serve, type RecorderStatus } from '../../messaging/protocol.ts';
import { openOutbox, type LedgerEntry, type Outbox } from '../../recording/outbox.ts';
import { recordingSource } from '../../recording/rung-source.ts';
import { captureEntireScreen } from '../../recording/screen-share.ts';
import { recordStream } from '../../recording/stream-recorder.ts';
import { createUploader, type Uploader } from '../../recording/uploader.ts';
import type { StreamName } from '../../../models/streams.ts';
import { startDetection, type Detection } from './detection.ts';

const statusLine = document.getElementById('status')!;
const keepaliveMs = 5000;

type Session = {
  attempt: ActiveAttempt;
  api: AttemptApi;
  outbox: Outbox;
  uploader: Uploader;
  recorders: ReturnType<typeof recordStream>[];
  detection: Detection;
  /** Aborted when the session closes (stopped, or a start that failed): tracks, keepalive and outbox close. */
  controller: AbortController;
  /** Starts recording a stream (at the attempt's rung) into a segment. */
  record(name: StreamName, stream: MediaStream, segment: number): Promise<void>;
  /** The last upload or report failure, for the status the popup and tests read. */
  problems: { last?: string };
};
let session: Session | undefined;
let starting: Promise<void> | undefined;

// Models load once per page, whatever the thresholds.
let models: Promise<Detector> | undefined;
async function detectorFor(thresholds: Thresholds) {
  models ??= loadExtensionDetector((path) => browser.runtime.getURL(path as never));
  return (await models).withThresholds(thresholds);
}

function show(text: string) {
  statusLine.textContent = text;
  console.info(`[invigil recorder] ${text}`);
}

/** The camera (and the microphone, when the quiz records it): what is recorded and what the detector samples. */
const openWebcam = (attempt: ActiveAttempt) =>
  navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480, frameRate: 15 }, audio: attempt.settings.recordMicrophone });

/** A stream belongs to the session: its tracks stop when the session closes. */
function own(signal: AbortSignal, stream: MediaStream) {
  signal.addEventListener('abort', () => stream.getTracks().forEach((t) => t.stop()), { once: true });
  return stream;
}

/** The pre-exam check: a few webcam frames, judged for lighting and camera position. */
async function checkSetup(): Promise<SetupCheck> {
  if (session || starting) throw new Error('A proctored attempt is already recording.');
  const detector = await detectorFor(defaultThresholds);
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
  const grabber = createFrameGrabber(stream);
  try {
    const samples: SetupSample[] = [];
    for (let tries = 0; samples.length < 3 && tries < 40; tries++) {
      await new Promise((r) => setTimeout(r, samples.length ? 400 : 100));
      const frame = grabber.grab();
      if (!frame) continue;
      const result = await detector.detect(frame);
      const face = result.detections.filter((d) => d.label === 'face').sort((a, b) => b.bbox[3] - a.bbox[3])[0];
      samples.push({ result, faceLight: face ? regionLight(frame, face.bbox) : undefined });
    }
    if (!samples.length) throw new Error('The camera sent no picture.');
    return judgeSetup(samples);
  } finally {
    grabber.stop();
    stream.getTracks().forEach((t) => t.stop());
  }
}

async function openSession(attempt: ActiveAttempt, firstSegment: number): Promise<Session> {
  const controller = new AbortController();
  const { signal } = controller;
  try {
    const api = createAttemptApi(attempt);
    const outbox = await openOutbox(attempt.attemptId);
    signal.addEventListener('abort', () => outbox.close(), { once: true });
    // A segment number is never used twice, even if the stored counter was lost in a crash: the ledger remembers.
    const usedSegments = (await outbox.ledger()).map((e) => e.segment);
    const segment = usedSegments.length ? Math.max(firstSegment, Math.max(...usedSegments) + 1) : firstSegment;
    const problems: Session['problems'] = {};
    const uploader = createUploader(outbox, api, { onError: (message) => { problems.last = message; } });
    // Chrome stops an idle service worker after ~30 s; the background holds the lockdown rules and sends the
    // heartbeats, so keep it awake.
    const keepalive = setInterval(() => void send('background', 'keepalive').catch(failed('keeping the background awake')), keepaliveMs);
    signal.addEventListener('abort', () => clearInterval(keepalive), { once: true });
    void uploader.kick(); // chunks left from before a crash go first

    const recorders: Session['recorders'] = [];
    const rung = attempt.recordingRung ?? 'full';
    const record = async (name: StreamName, stream: MediaStream, recordSegment: number) => {
      // The server sends settings with every default filled in (readQuizSettings).
      const source = await recordingSource(name, stream, rung, attempt.settings[name === 'webcam' ? 'webcamKbps' : 'screenKbps']);
      recorders.push(recordStream(source.stream, {
        name, segment: recordSegment, bitsPerSecond: source.bitsPerSecond,
        onChunk: async (c) => {
          await outbox.put({ attemptId: attempt.attemptId, stream: name, segment: recordSegment, seq: c.seq, segmentStartedAt: c.segmentStartedAt, blob: c.blob, createdAt: Date.now() });
          void uploader.kick();
        },
      }));
    };

    show('Opening the webcam…');
    const webcam = own(signal, await openWebcam(attempt));
    if (attempt.settings.recordWebcam) await record('webcam', webcam, segment);
    const screen = attempt.settings.recordScreen ? own(signal, await captureEntireScreen()) : undefined;
    if (screen) await record('screen', screen, segment);
    show(`Recording ${recorders.map((r) => r.name).join(' and ')}; loading the on-device detector…`);
    const detection = await startDetection(signal, { attempt, api, webcam, detectorFor, onError: (message) => { problems.last = message; } });

    const s: Session = { attempt, api, outbox, uploader, recorders, detection, controller, record, problems };
    watchEnded(s, 'webcam', webcam);
    if (screen) watchEnded(s, 'screen', screen);
    show(`Recording ${recorders.map((r) => r.name).join(' and ')}; checking the webcam about once a second.`);
    return s;
  } catch (error) {
    controller.abort();
    throw error;
  }
}

async function start(attempt: ActiveAttempt, segment: number) {
  if (session?.attempt.attemptId === attempt.attemptId) return;
  if (session) throw new Error('Another attempt is recording.');
  try {
    session = await openSession(attempt, segment);
  } catch (error) {
    show(`Could not start recording: ${(error as Error).message}`);
    throw error;
  }
}

/**
 * A stream that ends by itself (camera unplugged, permission withdrawn, screen sharing stopped) closes its recording
 * (its chunks are kept) and tells the background, which tells the student and flags it.
 */
function watchEnded(s: Session, name: StreamName, stream: MediaStream) {
  const track = stream.getVideoTracks()[0];
  track?.addEventListener('ended', () => {
    if (session !== s || s.controller.signal.aborted) return;
    const at = Date.now();
    show(`The ${name} stopped.`);
    const index = s.recorders.findIndex((r) => r.name === name);
    if (index >= 0) void s.recorders.splice(index, 1)[0].stop().catch(failed(`closing the ${name} recording`));
    if (name === 'webcam') s.detection.pause();
    void send('background', 'streamEnded', { stream: name, at }).catch(failed('telling the background a stream ended'));
  }, { once: true });
}

/** Opens the stream again and records it in a new segment. */
async function restartStream(name: StreamName, segment: number) {
  const s = session;
  if (!s) throw new Error('Nothing is recording.');
  const stream = own(s.controller.signal, name === 'webcam' ? await openWebcam(s.attempt) : await captureEntireScreen());
  watchEnded(s, name, stream);
  if (name === 'webcam') s.detection.watch(stream);
  const wanted = name === 'webcam' ? s.attempt.settings.recordWebcam : s.attempt.settings.recordScreen;
  if (wanted) await s.record(name, stream, segment);
  show(`The ${name} is back: recording ${s.recorders.map((r) => r.name).join(' and ')}.`);
}

async function stop() {
  await Promise.allSettled([starting]); // a failed start has nothing to stop; its error went to its own caller
  const s = session;
  if (!s) return;
  show('Finishing: uploading the rest of the recording…');
  await s.detection.stop();
  await Promise.all(s.recorders.map((r) => r.stop()));
  await s.uploader.flush();
  s.controller.abort();
  session = undefined;
  show('Recording finished and uploaded.');
}

function emittedByStream(ledger: LedgerEntry[]) {
  const totals: RecorderStatus['emitted'] = {};
  for (const e of ledger) {
    const total = totals[e.stream] ??= { chunks: 0, bytes: 0 };
    total.chunks += 1;
    total.bytes += e.bytes;
  }
  return totals;
}

async function status(): Promise<RecorderStatus> {
  const s = session;
  return {
    recording: s?.recorders.map((r) => r.name) ?? [],
    pendingChunks: s ? await s.outbox.count() : 0,
    emitted: s ? emittedByStream(await s.outbox.ledger()) : {},
    uploadedChunks: s?.uploader.uploaded ?? 0,
    samples: s?.detection.samples ?? 0,
    detection: s?.detection.timing ?? { detectMs: [], fullFrameMs: [], cpuShare: 0 },
    flagsRaised: s?.detection.flagsRaised ?? 0,
    lastError: s?.problems.last,
  };
}

serve('recorder', {
  start: async ({ attempt, segment }) => {
    // A second start while one is under way waits for it (same attempt) rather than opening the camera twice.
    starting ??= start(attempt, segment).finally(() => { starting = undefined; });
    try {
      await starting;
    } catch (error) {
      reportFailure('starting the recording', error);
      void send('background', 'recorderError', { message: (error as Error).message }).catch(failed('telling the background recording failed'));
      throw error;
    }
    return undefined;
  },
  stop: async () => {
    await stop();
    return undefined;
  },
  status: () => status(),
  check: () => checkSetup(),
  restartStream: async ({ stream, segment }) => {
    await restartStream(stream, segment);
    return undefined;
  },
});
