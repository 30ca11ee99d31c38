// Recording constants shared by the extension's recorder, the server's remux, the quiz form and the benchmarks.
import type { StreamName } from './streams.ts';

/** How much recording one chunk holds: the recorder's timeslice. */
export const timesliceMs = 3000;

/** Full-quality bitrates a quiz records at unless its settings say otherwise (kbit/s). */
export const defaultKbps: Record<StreamName, number> = { webcam: 300, screen: 350 };
/** What a quiz may set a full-quality bitrate to (kbit/s). */
export const kbpsBounds = { min: 50, max: 2000 } as const;

/**
 * The bandwidth ladder: before recording starts, an upload check picks the richest rung the connection carries with
 * room to spare. Each rung says what the recorder records; the rung is kept on the attempt and shown on the review.
 */
export const recordingRungs = ['full', 'reduced', 'snapshots'] as const;
export type RecordingRung = (typeof recordingRungs)[number];

export type RungSettings = {
  /** Minimum measured upload, kbit/s, for this rung. */
  minKbps: number;
  webcam: { width: number; height: number; frameRate: number; bitsPerSecond: number };
  screen: { frameRate: number; bitsPerSecond: number };
  /** Snapshots: one still every this many ms instead of video. */
  snapshotEveryMs?: number;
  label: string;
};

export const rungs: Record<RecordingRung, RungSettings> = {
  full: { minKbps: 1200, webcam: { width: 640, height: 480, frameRate: 15, bitsPerSecond: defaultKbps.webcam * 1000 }, screen: { frameRate: 5, bitsPerSecond: defaultKbps.screen * 1000 }, label: 'full video' },
  reduced: { minKbps: 350, webcam: { width: 320, height: 240, frameRate: 10, bitsPerSecond: 100_000 }, screen: { frameRate: 2, bitsPerSecond: 120_000 }, label: 'reduced video (low bandwidth)' },
  snapshots: { minKbps: 0, webcam: { width: 320, height: 240, frameRate: 1, bitsPerSecond: 40_000 }, screen: { frameRate: 1, bitsPerSecond: 50_000 }, snapshotEveryMs: 5000, label: 'snapshots only (very low bandwidth)' },
};

/** The richest rung whose need the measured upload meets. */
export function rungFor(kbps: number): RecordingRung {
  return recordingRungs.find((r) => kbps >= rungs[r].minKbps) ?? 'snapshots';
}

/** Bytes the extension uploads to measure the connection. */
export const bandwidthProbeBytes = 256 * 1024;

/** How long an attempt may record at most when its quiz gives no time limit: the attempt token's lifetime. */
export const untimedAttemptMinutes = 8 * 60;

/**
 * What one attempt may upload, from its quiz's time limit and bitrates, with room for overtime, restarts and encoder
 * overshoot: chunk numbers past these, or bytes past the total, are not a real attempt's.
 */
export function attemptQuota(settings: { webcamKbps: number; screenKbps: number; recordMicrophone: boolean; timeLimitMinutes?: number | null }) {
  const minutes = (settings.timeLimitMinutes ?? untimedAttemptMinutes) * 1.25 + 15;
  const seconds = minutes * 60;
  const kbps = settings.webcamKbps + settings.screenKbps + (settings.recordMicrophone ? 64 : 0);
  return {
    minutes: Math.round(minutes),
    /** Per segment: one chunk a timeslice for the whole attempt. */
    maxSeq: Math.ceil((seconds * 1000) / timesliceMs),
    /** A new segment per recorder restart: even one a minute is far beyond a real attempt's. */
    maxSegment: Math.ceil(minutes) + 20,
    /** Twice the bitrates over the whole time, plus 50 MB. */
    maxBytes: Math.ceil((kbps * 1000 / 8) * seconds * 2 + 50 * 1024 * 1024),
  };
}
