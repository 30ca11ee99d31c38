// What the review page shows: recordings with their start times, and flags placed on that timeline.
import type { attemptEvents, attempts, flags, recordings } from '../../models/schema.ts';
import { eventLabel } from '../../models/events.ts';
import { evidenceSourceLabels, flagLabel } from '../../models/flags.ts';
import { rungs } from '../../models/recording.ts';
import { streamLabels, type StreamName } from '../../models/streams.ts';
import { timesliceMs } from '../../models/recording.ts';
import { wallRecorded, wallToMedia } from '../../models/timeline.ts';

type Flag = typeof flags.$inferSelect;
type Recording = typeof recordings.$inferSelect;


/**
 * A flag on the review's timeline: its wall-clock moment, and where that moment lies in each recording (through the
 * recording's timeline: after a hole, the file is shorter than the wall clock).
 */
export function presentFlag(flag: Flag, list: Recording[], evidenceUrl: string | null) {
  const origin = timelineOrigin(list);
  const at = flag.startedAt.getTime();
  const media: Partial<Record<StreamName, number | null>> = {};
  for (const r of list) if (r.timeline) media[r.stream] = wallRecorded(r.timeline, at) ? wallToMedia(r.timeline, at) / 1000 : null;
  return {
    id: flag.id,
    type: flag.type,
    label: flagLabel(flag.type),
    severity: flag.severity,
    /** Who raised it: the student's extension, or the server from what it saw (or did not see). */
    source: flag.source,
    sourceLabel: evidenceSourceLabels[flag.source],
    startedAt: flag.startedAt.toISOString(),
    endedAt: flag.endedAt.toISOString(),
    /** Wall-clock seconds since the recording began, or null while no recording exists to place it on. */
    offsetSeconds: origin ? Math.max(0, (at - origin.getTime()) / 1000) : null,
    /** Seconds into each recording's file; null where that moment was not recorded (a hole). */
    mediaSeconds: media,
    explanation: flag.explanation,
    evidenceUrl,
  };
}

/** "about N s left", from how far the remux has got since it started. */
export function processingEta(recording: Recording, now = Date.now()) {
  if (recording.status !== 'processing' || !recording.processingStartedAt || !recording.progress) return null;
  const spent = (now - recording.processingStartedAt.getTime()) / 1000;
  return Math.max(1, Math.round(spent * (1 - recording.progress) / recording.progress));
}

export function presentRecording(recording: Recording, url: string | null, thumbnails: { atMs: number; url: string }[] = []) {
  return {
    stream: recording.stream,
    label: streamLabels[recording.stream]?.title ?? recording.stream,
    status: recording.status,
    durationSeconds: recording.durationMs === null ? null : recording.durationMs / 1000,
    startedAt: recording.startedAt?.toISOString() ?? null,
    url,
    /** Each segment's wall start and file offset: the client maps its scrubber through it. */
    timeline: recording.timeline ?? [],
    progress: recording.progress,
    etaSeconds: processingEta(recording),
    thumbnails,
    /** Side steps that could not be done (a flag's picture): the recording is fine, this is said beside it. */
    sideProblems: recording.sideProblems ?? [],
    error: recording.error,
  };
}

/**
 * What exists of an attempt's recording, in words: while it runs, how much was uploaded; once it ended without a
 * submission, when the extension went silent.
 */
export function attemptState(attempt: typeof attempts.$inferSelect, uploadedChunks: number, lastUploadAt: Date | null) {
  const minutes = Math.round((uploadedChunks * timesliceMs) / 60_000);
  const hhmm = (d: Date) => d.toISOString().slice(11, 16);
  switch (attempt.status) {
    case 'ready': return 'Not started yet.';
    case 'in_progress': return `Recording in progress: ${minutes} min uploaded.`;
    case 'unsubmitted': {
      const silent = [attempt.lastHeartbeatAt, lastUploadAt].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0];
      return `Ended without submission: the extension went silent${silent ? ` at ${hhmm(silent)} UTC` : ''}.`;
    }
    default: return `Submitted${attempt.finishedAt ? ` at ${hhmm(attempt.finishedAt)} UTC` : ''}.`;
  }
}

export const attemptStatusLabels: Record<string, string> = { ready: 'not started', in_progress: 'in progress', finished: 'submitted', unsubmitted: 'ended without submission' };

export function presentEvent(event: typeof attemptEvents.$inferSelect) {
  return { type: event.type, label: eventLabel(event.type), source: event.source, sourceLabel: evidenceSourceLabels[event.source], at: event.occurredAt.toISOString(), details: event.details };
}

export function presentAttemptRow(attempt: typeof attempts.$inferSelect, flagCount: number) {
  return {
    id: attempt.id,
    student: attempt.userName ?? attempt.userId,
    status: attempt.status,
    statusLabel: attemptStatusLabels[attempt.status] ?? attempt.status,
    startedAt: attempt.startedAt?.toISOString() ?? null,
    finishedAt: attempt.finishedAt?.toISOString() ?? null,
    flagCount,
    /** What the bandwidth check chose, in words: "full video", "reduced video (low bandwidth)"… */
    recording: attempt.recordingRung ? `${rungs[attempt.recordingRung].label}${attempt.bandwidthKbps === null ? '' : `, ${attempt.bandwidthKbps} kbit/s measured`}` : null,
    mediaDeletedAt: attempt.mediaDeletedAt?.toISOString() ?? null,
    /** The LMS attempt it covered (Moodle's attempt id), once the quiz page showed it. */
    lmsAttemptId: attempt.lmsAttemptId,
  };
}

/** The timeline's origin: the earliest recording start, so both streams and all flags share one clock. */
export function timelineOrigin(list: Recording[]): Date | null {
  const starts = list.map((r) => r.startedAt).filter((d): d is Date => d !== null);
  return starts.length ? new Date(Math.min(...starts.map((d) => d.getTime()))) : null;
}

/** The review page's data (review.json), as its client module reads it. */
export function presentReview<T extends {
  attempt: ReturnType<typeof presentAttemptRow>;
  /** What exists of the recording, in words (attemptState). */
  state: string;
  recordings: ReturnType<typeof presentRecording>[];
  flags: ReturnType<typeof presentFlag>[];
  events: ReturnType<typeof presentEvent>[];
}>(review: T) {
  // The audit entries stay on the page: the JSON is polled, the log is for the people who read the page.
  const { audit: _audit, ...rest } = review as T & { audit?: unknown };
  return rest;
}
