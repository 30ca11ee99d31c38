// The recorder's detection part: samples the webcam, feeds the 3-of-5 flag tracker, reports flags (each with its
// evidence thumbnail) and poor-video notes. Started with the session's signal: aborting it stops everything here.
import { withRetry, type AttemptApi } from '../../attempt/api.ts';
import { failed } from '../../attempt/failures.ts';
import type { ActiveAttempt } from '../../attempt/state.ts';
import { thresholdsFor, type Detector, type Thresholds } from '../../detection/detector.ts';
import { startSampling } from '../../detection/sampler.ts';
import { createFlagTracker, type RaisedFlag } from '../../detection/temporal.ts';

/** How often flags still open are reported again as they grow, so a crash cannot lose them. */
const openFlagReportMs = 5000;

export type Detection = Awaited<ReturnType<typeof startDetection>>;

export async function startDetection(signal: AbortSignal, options: {
  attempt: ActiveAttempt;
  api: AttemptApi;
  webcam: MediaStream;
  detectorFor: (thresholds: Thresholds) => Promise<Detector>;
  onError: (message: string) => void;
}) {
  const { attempt, api } = options;
  const detector = await options.detectorFor(thresholdsFor(attempt.settings.sensitivity ?? 'normal'));
  if (signal.aborted) throw new Error('The recording stopped while the detector loaded.');
  const stopped = new AbortController();
  const running = AbortSignal.any([signal, stopped.signal]);
  let flagsRaised = 0;
  let sampler: ReturnType<typeof startSampling> | undefined;
  /** Stops the current sampler only (a restarted webcam gets a new one). */
  let samplerStop: AbortController | undefined;

  const withEvidence = new Set<string>();
  const sendFlag = async (flag: RaisedFlag) => {
    // The first report of a flag carries a thumbnail of the frame where it began; later reports only update it.
    const evidence = withEvidence.has(flag.id) ? undefined : await sampler?.thumbnailAt(flag.startedAt);
    try {
      await withRetry(() => api.flags([{ ...flag, evidence }]), { maxDelayMs: 10_000 });
      withEvidence.add(flag.id);
    } catch (error) {
      options.onError(`reporting a ${flag.type} flag: ${(error as Error).message}`);
    }
  };
  const tracker = createFlagTracker({
    thresholds: detector.thresholds,
    newId: () => crypto.randomUUID(),
    disabled: attempt.disabledFlags,
    onFlag: (flag) => {
      flagsRaised += 1;
      void sendFlag(flag);
    },
    // Too dim to judge: say so, rather than flag the student for what the camera cannot see.
    onPoorVideo: (at, lightLevel) => void withRetry(() => api.events([{ id: `poor-${at}`, type: 'poor_video', at, details: { lightLevel } }]), { maxDelayMs: 10_000 })
      .catch(failed('reporting a poor_video note')),
  });
  const reportOpen = setInterval(() => tracker.openFlags().forEach((f) => void sendFlag(f)), openFlagReportMs);
  running.addEventListener('abort', () => clearInterval(reportOpen), { once: true });

  // In a proctored session only: the latest sampled frame, small, for the proctor's live dashboard. A failure is
  // told once until a picture gets through again (offline, every picture would fail the same way).
  if (attempt.liveSnapshotSeconds) {
    let failing = false;
    const sendPicture = async () => {
      const at = Date.now();
      const jpeg = await sampler?.thumbnailAt(at);
      if (!jpeg) return;
      try {
        await api.snapshot(jpeg, at);
        failing = false;
      } catch (error) {
        if (!failing) options.onError(`sending the live dashboard's picture: ${(error as Error).message}`);
        failing = true;
      }
    };
    const pictures = setInterval(() => void sendPicture(), attempt.liveSnapshotSeconds * 1000);
    running.addEventListener('abort', () => clearInterval(pictures), { once: true });
  }

  const watch = (webcam: MediaStream) => {
    samplerStop?.abort();
    samplerStop = new AbortController();
    sampler = startSampling(webcam, detector, tracker, AbortSignal.any([running, samplerStop.signal]), (attempt.settings.sampleSeconds ?? 1) * 1000);
  };
  watch(options.webcam);

  return {
    /** Samples a new webcam stream (after a restart). */
    watch,
    /** The webcam stopped: no samples until it is back. */
    pause: () => samplerStop?.abort(),
    /** Ends sampling and closes the flags still open (their last report goes out). */
    async stop() {
      stopped.abort();
      await sampler?.done;
      tracker.flush();
    },
    get samples() { return sampler?.samples ?? 0; },
    get timing() { return sampler?.timing ?? { detectMs: [], fullFrameMs: [], cpuShare: 0 }; },
    get flagsRaised() { return flagsRaised; },
  };
}
