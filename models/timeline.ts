// Wall-clock time ↔ media time of one review recording. The review file joins a stream's segments back to back (a
// crash or a recorder restart leaves a hole between them), so a moment's place in the file is its segment's media
// offset plus its time into that segment. The review page, the presenter and the thumbnail job all use these two
// functions; none of them may compute `start + currentTime`. No dependencies: the review client bundles it.

/** One recorded segment as it lies in the review file. Times in ms (wall: since the epoch). */
export type TimelineSegment = { segment: number; wallStartMs: number; mediaOffsetMs: number; durationMs: number };
export type Timeline = readonly TimelineSegment[];

const wallEnd = (s: TimelineSegment) => s.wallStartMs + s.durationMs;

/**
 * Where a wall-clock moment is in the file, in ms. A moment inside a hole lands at the start of what was recorded
 * next (the first thing seen after it); before the recording, at 0; after it, at its end.
 */
export function wallToMedia(timeline: Timeline, wallMs: number): number {
  if (!timeline.length) return 0;
  for (const s of timeline) {
    if (wallMs < s.wallStartMs) return s.mediaOffsetMs;
    if (wallMs <= wallEnd(s)) return s.mediaOffsetMs + (wallMs - s.wallStartMs);
  }
  const last = timeline[timeline.length - 1];
  return last.mediaOffsetMs + last.durationMs;
}

/** Whether a wall-clock moment was recorded at all (not in a hole, not outside the recording). */
export function wallRecorded(timeline: Timeline, wallMs: number): boolean {
  return timeline.some((s) => wallMs >= s.wallStartMs && wallMs <= wallEnd(s));
}

/** The wall-clock moment a point of the file shows, in ms since the epoch. */
export function mediaToWall(timeline: Timeline, mediaMs: number): number {
  if (!timeline.length) return 0;
  for (const s of timeline) {
    if (mediaMs < s.mediaOffsetMs + s.durationMs) return s.wallStartMs + Math.max(0, mediaMs - s.mediaOffsetMs);
  }
  return wallEnd(timeline[timeline.length - 1]);
}

/** The holes between segments: what the scrubber shows as bands. */
export function timelineHoles(timeline: Timeline): { fromMs: number; toMs: number }[] {
  const holes: { fromMs: number; toMs: number }[] = [];
  for (let i = 1; i < timeline.length; i++) {
    const from = wallEnd(timeline[i - 1]);
    if (timeline[i].wallStartMs - from >= 1000) holes.push({ fromMs: from, toMs: timeline[i].wallStartMs });
  }
  return holes;
}

/** A timeline made of segments in file order: each starts where the previous one ended in the file. */
export function joinSegments(parts: { segment: number; wallStartMs: number; durationMs: number }[]): TimelineSegment[] {
  let offset = 0;
  return parts.map((p) => {
    const s = { ...p, mediaOffsetMs: offset };
    offset += p.durationMs;
    return s;
  });
}
