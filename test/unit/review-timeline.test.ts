// Wall clock ↔ file time across holes (models/timeline.ts), the review's shortcuts and flag stepping, and the
// queue's risk score: the pure parts of the review, without a browser.
import { describe, expect, it } from 'vitest';
import { joinSegments, mediaToWall, timelineHoles, wallRecorded, wallToMedia } from '../../models/timeline.ts';
import { neighbourFlag, shortcutFor } from '../../lti-server/client/review-shortcuts.ts';
import { occurrenceLabel, riskScore } from '../../models/review.ts';
import { axisFraction } from '../../lti-server/client/review-scrubber.ts';

// 10 s recorded, a 25 s crash, 15 s recorded.
const t0 = Date.UTC(2026, 11, 3, 10, 0, 0);
const timeline = joinSegments([{ segment: 0, wallStartMs: t0, durationMs: 10_000 }, { segment: 1, wallStartMs: t0 + 35_000, durationMs: 15_000 }]);

describe('the review timeline', () => {
  it('puts a moment after a hole at its segment\'s offset, not at start + elapsed', () => {
    expect(timeline.map((s) => s.mediaOffsetMs)).toEqual([0, 10_000]);
    expect(wallToMedia(timeline, t0 + 4_000)).toBe(4_000);
    // 10 s after the crash ended: 20 s into the file (start + elapsed would say 45 s, past the end).
    expect(wallToMedia(timeline, t0 + 45_000)).toBe(20_000);
    expect(mediaToWall(timeline, 20_000)).toBe(t0 + 45_000);
    for (const media of [0, 3_210, 9_999, 10_000, 17_500, 24_999]) expect(wallToMedia(timeline, mediaToWall(timeline, media))).toBe(media);
  });

  it('sends a moment inside a hole to what was recorded next, and says it was not recorded', () => {
    expect(wallToMedia(timeline, t0 + 20_000)).toBe(10_000);
    expect(wallRecorded(timeline, t0 + 20_000)).toBe(false);
    expect(wallRecorded(timeline, t0 + 36_000)).toBe(true);
    expect(wallToMedia(timeline, t0 - 5_000)).toBe(0);
    expect(wallToMedia(timeline, t0 + 99_000)).toBe(25_000);
    expect(timelineHoles(timeline)).toEqual([{ fromMs: t0 + 10_000, toMs: t0 + 35_000 }]);
    expect(axisFraction(t0, t0 + 50_000, t0 + 25_000)).toBe(0.5);
  });
});

describe('the review\'s keyboard', () => {
  const plain = { ctrl: false, alt: false, meta: false };
  it('maps the listed keys, and leaves typing and the controls\' own keys alone', () => {
    const body = { tagName: 'BODY' };
    expect(shortcutFor(' ', body, plain)).toEqual({ kind: 'toggle' });
    expect(shortcutFor('ArrowRight', body, plain)).toEqual({ kind: 'step', seconds: 5 });
    expect(shortcutFor('j', body, plain)).toEqual({ kind: 'step', seconds: -30 });
    expect(shortcutFor('K', body, plain)).toEqual({ kind: 'step', seconds: 30 });
    expect(shortcutFor('n', body, plain)).toEqual({ kind: 'flag', direction: 1 });
    expect(shortcutFor('P', body, plain)).toEqual({ kind: 'flag', direction: -1 });
    expect(shortcutFor('4', body, plain)).toEqual({ kind: 'speed', rate: 4 });
    expect(shortcutFor('n', { tagName: 'TEXTAREA' }, plain)).toBeNull();
    expect(shortcutFor('n', { tagName: 'DIV', isContentEditable: true }, plain)).toBeNull();
    expect(shortcutFor(' ', { tagName: 'BUTTON' }, plain)).toBeNull();
    expect(shortcutFor('n', body, { ...plain, ctrl: true })).toBeNull();
  });

  it('steps to the next and previous flag from where the players are', () => {
    const flags = [{ startedAtMs: 10_000 }, { startedAtMs: 20_000 }, { startedAtMs: 30_000 }];
    expect(neighbourFlag(flags, 0, 1)).toBe(flags[0]);
    expect(neighbourFlag(flags, 10_050, 1)).toBe(flags[1]);
    expect(neighbourFlag(flags, 19_900, -1)).toBe(flags[0]);
    expect(neighbourFlag(flags, 30_000, 1)).toBeNull();
    expect(neighbourFlag(flags, 10_000, -1)).toBeNull();
  });
});

describe('the queue\'s risk score', () => {
  it('weighs severity by duration, at least 5 s a flag, without dismissed flags', () => {
    const at = (s: number) => new Date(t0 + s * 1000);
    expect(riskScore([
      { severity: 'high', startedAt: at(0), endedAt: at(20), dismissed: false }, // 3 × 20
      { severity: 'low', startedAt: at(0), endedAt: at(1), dismissed: false }, // 1 × 5
      { severity: 'high', startedAt: at(0), endedAt: at(100), dismissed: true },
    ])).toBe(65);
    expect(occurrenceLabel(0)).toMatch(/first/i);
    expect(occurrenceLabel(1)).toMatch(/second/i);
  });
});
