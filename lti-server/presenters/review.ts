// What the review page shows: recordings with their start times, and flags placed on that timeline.
import type { attemptEvents, attempts, flags, recordings } from '../../models/schema.ts';
import { eventLabel } from '../../models/events.ts';
import { evidenceSourceLabels, flagLabel } from '../../models/flags.ts';
import { rungs } from '../../models/recording.ts';
import { streamLabels } from '../../models/streams.ts';

type Flag = typeof flags.$inferSelect;
type Recording = typeof recordings.$inferSelect;


export function presentFlag(flag: Flag, origin: Date | null, evidenceUrl: string | null) {
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
    /** Seconds into the recording, or null while no recording exists to place it on. */
    offsetSeconds: origin ? Math.max(0, (flag.startedAt.getTime() - origin.getTime()) / 1000) : null,
    explanation: flag.explanation,
    evidenceUrl,
  };
}

export function presentRecording(recording: Recording, url: string | null) {
  return {
    stream: recording.stream,
    label: streamLabels[recording.stream]?.title ?? recording.stream,
    status: recording.status,
    durationSeconds: recording.durationMs === null ? null : recording.durationMs / 1000,
    startedAt: recording.startedAt?.toISOString() ?? null,
    url,
    error: recording.error,
  };
}

export function presentEvent(event: typeof attemptEvents.$inferSelect) {
  return { type: event.type, label: eventLabel(event.type), source: event.source, sourceLabel: evidenceSourceLabels[event.source], at: event.occurredAt.toISOString(), details: event.details };
}

export function presentAttemptRow(attempt: typeof attempts.$inferSelect, flagCount: number) {
  return {
    id: attempt.id,
    student: attempt.userName ?? attempt.userId,
    status: attempt.status,
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
export function presentReview(parts: {
  attempt: ReturnType<typeof presentAttemptRow>;
  recordings: ReturnType<typeof presentRecording>[];
  flags: ReturnType<typeof presentFlag>[];
  events: ReturnType<typeof presentEvent>[];
}) {
  return parts;
}
