// The recorder page (Chrome: offscreen document; Firefox: pinned tab). It owns the webcam and screen streams, both
// recorders, the outbox and uploader, and the detector; it keeps the background awake while it records.
import { browser } from 'wxt/browser';
import { createAttemptApi, withRetry, type AttemptApi } from '../../attempt/api.ts';
import type { RecorderCommand, RecorderStatus } from '../../attempt/messages.ts';
import type { StreamName } from '../../../models/contracts.ts';
import type { ActiveAttempt } from '../../attempt/state.ts';
import { loadExtensionDetector } from '../../detection/browser-models.ts';
import { defaultThresholds, thresholdsFor, type Detector, type Thresholds } from '../../detection/detector.ts';
import { createFrameGrabber } from '../../detection/frame-grabber.ts';
import { judgeSetup, regionLight, type SetupCheck, type SetupSample } from '../../detection/setup-check.ts';
import { startSampling } from '../../detection/sampler.ts';
import { createFlagTracker, type RaisedFlag } from '../../detection/temporal.ts';
import { openOutbox, type LedgerEntry, type Outbox } from '../../recording/outbox.ts';
import { captureEntireScreen } from '../../recording/screen-share.ts';
import { recordingSource } from '../../recording/rung-source.ts';
import { recordStream } from '../../recording/stream-recorder.ts';
import { createUploader, type Uploader } from '../../recording/uploader.ts';

const statusLine = document.getElementById('status')!;
const keepaliveMs = 5000;

type Session = {
  attempt: ActiveAttempt;
  api: AttemptApi;
  outbox: Outbox;
  uploader: Uploader;
  recorders: ReturnType<typeof recordStream>[];
  detection: AbortController;
  tracker?: ReturnType<typeof createFlagTracker>;
  sampler?: ReturnType<typeof startSampling>;
  /** Stops the current sampler only (a restarted webcam gets a new one). */
  samplerStop?: AbortController;
  detector?: Detector;
  /** Starts recording a stream (at the attempt's rung) into a segment. */
  record?: (name: StreamName, stream: MediaStream, segment: number) => Promise<void>;
  /** Where each stream's chunks go, by segment. */
  onChunk?: (stream: StreamName, segment: number) => (c: { seq: number; blob: Blob; segmentStartedAt: number }) => Promise<void>;
  keepalive: ReturnType<typeof setInterval>;
  flagsRaised: number;
  lastError?: string;
};
let session: Session | undefined;
let starting: Promise<void> | undefined;

// Models load once per page, whatever the thresholds.
let models: Promise<Detector> | undefined;
async function detectorFor(thresholds: Thresholds) {
  models ??= loadExtensionDetector((path) => browser.runtime.getURL(path as never));
  return (await models).withThresholds(thresholds);
}

/** The pre-exam check: a few webcam frames, judged for lighting and camera position. */
async function checkSetup(): Promise<SetupCheck> {
  if (session) throw new Error('A proctored attempt is already recording.');
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

function show(text: string) {
  statusLine.textContent = text;
  console.info(`[invigil recorder] ${text}`);
}

async function start(attempt: ActiveAttempt, segment: number) {
  if (session?.attempt.attemptId === attempt.attemptId) return;
  const api = createAttemptApi(attempt);
  const outbox = await openOutbox(attempt.attemptId);
  // A segment number is never used twice, even if the stored counter was lost in a crash: the ledger remembers.
  const usedSegments = (await outbox.ledger()).map((e) => e.segment);
  if (usedSegments.length) segment = Math.max(segment, Math.max(...usedSegments) + 1);
  const s: Session = {
    attempt, api, outbox, recorders: [], detection: new AbortController(), flagsRaised: 0,
    uploader: createUploader(outbox, api, { onError: (message) => { if (session) session.lastError = message; } }),
    // Chrome stops an idle service worker after ~30 s; the background holds the lockdown rules and sends the
    // heartbeats, so keep it awake.
    keepalive: setInterval(() => {
      void browser.runtime.sendMessage({ target: 'background', type: 'keepalive' }).catch(() => {});
    }, keepaliveMs),
  };
  session = s;
  void s.uploader.kick(); // chunks left from before a crash go first
  s.onChunk = (stream, chunkSegment) => async (c) => {
    await outbox.put({ attemptId: attempt.attemptId, stream, segment: chunkSegment, seq: c.seq, segmentStartedAt: c.segmentStartedAt, blob: c.blob, createdAt: Date.now() });
    void s.uploader.kick();
  };
  show('Opening the webcam…');
  const webcam = await openWebcam();
  watchEnded(s, 'webcam', webcam);
  const rung = attempt.recordingRung ?? 'full';
  const record = async (name: StreamName, stream: MediaStream, recordSegment: number) => {
    // The server sends settings with every default filled in (readQuizSettings).
    const source = await recordingSource(name, stream, rung, attempt.settings[name === 'webcam' ? 'webcamKbps' : 'screenKbps']);
    s.recorders.push(recordStream(source.stream, { name, segment: recordSegment, bitsPerSecond: source.bitsPerSecond, onChunk: s.onChunk!(name, recordSegment) }));
  };
  s.record = record;
  if (attempt.settings.recordWebcam) await record('webcam', webcam, segment);
  if (attempt.settings.recordScreen) {
    const screen = await captureEntireScreen();
    watchEnded(s, 'screen', screen);
    await record('screen', screen, segment);
  }
  show(`Recording ${s.recorders.map((r) => r.name).join(' and ')}.`);

  show(`Recording ${s.recorders.map((r) => r.name).join(' and ')}; loading the on-device detector…`);
  const detector = await detectorFor(thresholdsFor(attempt.settings.sensitivity ?? 'normal'));
  s.detector = detector;
  const withEvidence = new Set<string>();
  const sendFlag = async (flag: RaisedFlag) => {
    // The first report of a flag carries a thumbnail of the frame where it began; later reports only update it.
    const evidence = withEvidence.has(flag.id) ? undefined : await s.sampler?.thumbnailAt(flag.startedAt);
    await withRetry(() => api.flags([{ ...flag, evidence }]), { maxDelayMs: 10_000 }).catch((e) => { s.lastError = String(e.message); });
    withEvidence.add(flag.id);
  };
  s.tracker = createFlagTracker({
    thresholds: detector.thresholds,
    newId: () => crypto.randomUUID(),
    disabled: attempt.disabledFlags,
    onFlag: (flag) => { s.flagsRaised += 1; void sendFlag(flag); },
    // Too dim to judge: say so, rather than flag the student for what the camera cannot see.
    onPoorVideo: (at, lightLevel) => void withRetry(() => api.events([{ id: `poor-${at}`, type: 'poor_video', at, details: { lightLevel } }]), { maxDelayMs: 10_000 }).catch(() => {}),
  });
  // Flags still open are reported as they grow, so a crash cannot lose them (the server keeps one per id).
  const reportOpen = setInterval(() => s.tracker?.openFlags().forEach((f) => void sendFlag(f)), 5000);
  s.detection.signal.addEventListener('abort', () => clearInterval(reportOpen));
  sampleWebcam(s, webcam);
  show(`Recording ${s.recorders.map((r) => r.name).join(' and ')}; checking the webcam about once a second.`);
}

/** The camera (and the microphone, when the quiz records it): what is recorded and what the detector samples. */
const openWebcam = () => navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480, frameRate: 15 }, audio: Boolean(session?.attempt.settings.recordMicrophone) });

function sampleWebcam(s: Session, webcam: MediaStream) {
  if (!s.detector || !s.tracker) return;
  s.samplerStop?.abort();
  s.samplerStop = new AbortController();
  s.sampler = startSampling(webcam, s.detector, s.tracker, AbortSignal.any([s.detection.signal, s.samplerStop.signal]), (s.attempt.settings.sampleSeconds ?? 1) * 1000);
}

/**
 * A stream that ends by itself (camera unplugged, permission withdrawn, screen sharing stopped) closes its recording
 * (its chunks are kept) and tells the background, which tells the student and flags it.
 */
function watchEnded(s: Session, name: StreamName, stream: MediaStream) {
  const track = stream.getVideoTracks()[0];
  track?.addEventListener('ended', () => {
    if (session !== s || s.detection.signal.aborted) return;
    const at = Date.now();
    show(`The ${name} stopped.`);
    const index = s.recorders.findIndex((r) => r.name === name);
    if (index >= 0) void s.recorders.splice(index, 1)[0].stop();
    if (name === 'webcam') s.samplerStop?.abort();
    void browser.runtime.sendMessage({ target: 'background', type: 'stream-ended', stream: name, at }).catch(() => {});
  }, { once: true });
}

/** Opens the stream again and records it in a new segment. */
async function restartStream(name: StreamName, segment: number) {
  const s = session;
  if (!s?.onChunk || !s.record) throw new Error('Nothing is recording.');
  const stream = name === 'webcam' ? await openWebcam() : await captureEntireScreen();
  watchEnded(s, name, stream);
  if (name === 'webcam') sampleWebcam(s, stream);
  const wanted = name === 'webcam' ? s.attempt.settings.recordWebcam : s.attempt.settings.recordScreen;
  if (wanted) await s.record!(name, stream, segment);
  show(`The ${name} is back: recording ${s.recorders.map((r) => r.name).join(' and ')}.`);
}

async function stop() {
  const s = session;
  if (!s) return;
  show('Finishing: uploading the rest of the recording…');
  s.detection.abort();
  await s.sampler?.done;
  s.tracker?.flush();
  await Promise.all(s.recorders.map((r) => r.stop()));
  await s.uploader.flush();
  clearInterval(s.keepalive);
  s.outbox.close();
  session = undefined;
  show('Recording finished and uploaded.');
}

function emittedByStream(ledger: LedgerEntry[]) {
  const totals: RecorderStatus['emitted'] = {};
  for (const e of ledger) {
    totals[e.stream] ??= { chunks: 0, bytes: 0 };
    totals[e.stream].chunks += 1;
    totals[e.stream].bytes += e.bytes;
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
    samples: s?.sampler?.samples ?? 0,
    detection: s?.sampler?.timing ?? { detectMs: [], fullFrameMs: [], cpuShare: 0 },
    flagsRaised: s?.flagsRaised ?? 0,
    lastError: s?.lastError,
  };
}

browser.runtime.onMessage.addListener((message: unknown) => {
  const m = message as RecorderCommand;
  if (m?.target !== 'recorder') return undefined;
  if (m.type === 'start') {
    starting ??= start(m.attempt, m.segment).finally(() => { starting = undefined; });
    return starting.then(() => ({ ok: true }), (error: Error) => {
      show(`Could not start recording: ${error.message}`);
      void browser.runtime.sendMessage({ target: 'background', type: 'recorder-error', message: error.message });
      return { ok: false, error: error.message };
    });
  }
  if (m.type === 'stop') return (starting ?? Promise.resolve()).then(stop).then(() => ({ ok: true }));
  if (m.type === 'status') return status();
  if (m.type === 'restart-stream') return restartStream(m.stream, m.segment).then(() => ({ ok: true }), (error: Error) => ({ ok: false, error: error.message }));
  if (m.type === 'check') return checkSetup().then((check) => ({ ok: true, check }), (error: Error) => ({ ok: false, error: error.message }));
  return undefined;
});
