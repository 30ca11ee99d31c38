import { describe, expect, it } from 'vitest';
import { findGaps } from '../../lti-server/jobs/remux-recording.ts';

const t0 = Date.UTC(2026, 10, 22, 10, 42, 0);
const chunk = (segment: number, seq: number, segmentStartedAt: number) => ({
  attemptId: 'a', stream: 'webcam' as const, segment, seq, objectKey: 'k', bytes: 1, sha256: 'x', segmentStartedAt: new Date(segmentStartedAt), uploaded: true, createdAt: new Date(),
});

describe('gaps in a recording', () => {
  it('finds none in an unbroken segment', () => {
    expect(findGaps([0, 1, 2, 3].map((s) => chunk(0, s, t0)))).toEqual([]);
  });

  it('names chunks that never arrived, with when and how long', () => {
    const gaps = findGaps([0, 1, 4, 5].map((s) => chunk(0, s, t0)));
    expect(gaps).toEqual([{ segment: 0, at: t0 + 6000, seconds: 6, missingChunks: 2, summary: 'about 6 s missing at 10:42:06 UTC: 2 chunks never arrived' }]);
  });

  it('names the time between a crashed recorder and the next segment', () => {
    // Segment 0 holds 4 chunks (12 s); segment 1 starts 20 s after that.
    const gaps = findGaps([...[0, 1, 2, 3].map((s) => chunk(0, s, t0)), ...[0, 1].map((s) => chunk(1, s, t0 + 32_000))]);
    expect(gaps).toEqual([{ segment: 1, at: t0 + 12_000, seconds: 20, missingChunks: 0, summary: '20 s missing: the recording stopped at 10:42:12 UTC and restarted at 10:42:32 UTC' }]);
  });
});
