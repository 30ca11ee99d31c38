import { describe, expect, it } from 'vitest';
import { defaultThresholds, thresholdsFor, type FrameResult } from '../../extension/detection/detector.ts';
import { createFlagTracker, type RaisedFlag } from '../../extension/detection/temporal.ts';

const frame = (over: Partial<FrameResult>): FrameResult => ({ persons: 1, phone: false, faces: 1, detections: [], phoneScore: 0, personScore: 0.8, light: { mean: 120, contrast: 40, overexposed: 0 }, faceSize: 0.3, objectsReused: false, ...over });
const phone = frame({ phone: true, phoneScore: 0.4 });
const calm = frame({});

function run(samples: FrameResult[]) {
  const flags: RaisedFlag[] = [];
  let n = 0;
  const tracker = createFlagTracker({ thresholds: defaultThresholds, newId: () => `f${++n}`, onFlag: (f) => flags.push(f) });
  samples.forEach((s, i) => tracker.add(1_700_000_000_000 + i * 1000, s));
  return { flags, tracker };
}

describe('the 3-of-5 temporal rule', () => {
  it('raises nothing for a single spurious frame, or two', () => {
    const { flags, tracker } = run([calm, phone, calm, calm, phone, calm, calm, calm]);
    tracker.flush();
    expect(flags).toEqual([]);
  });

  it('raises one flag when a condition holds in 3 of the last 5 samples, spanning its samples', () => {
    const { flags, tracker } = run([calm, phone, calm, phone, phone, phone, calm, calm, calm, calm, calm]);
    tracker.flush();
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ id: 'f1', type: 'phone', severity: 'high', startedAt: 1_700_000_001_000 });
    expect(flags[0].endedAt).toBeGreaterThanOrEqual(1_700_000_005_000);
    expect(flags[0].explanation.samplesHeld).toBeGreaterThanOrEqual(3);
    expect(flags[0].explanation.scores.every((s) => s === 0.4)).toBe(true);
    expect(flags[0].explanation.thresholds).toEqual(defaultThresholds);
  });

  it('merges a long run into one flag and reports it while still open', () => {
    const { flags, tracker } = run(Array.from({ length: 20 }, () => frame({ persons: 2 })));
    expect(flags).toEqual([]);
    const open = tracker.openFlags();
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ type: 'multiple_people', startedAt: 1_700_000_000_000, endedAt: 1_700_000_019_000 });
    tracker.flush();
    expect(flags.map((f) => f.id)).toEqual([open[0].id]);
  });

  it('flags nobody in view only once it lasted 5 s', () => {
    const empty = frame({ persons: 0, faces: 0 });
    const short = run([empty, empty, empty, empty, calm, calm, calm]);
    short.tracker.flush();
    expect(short.flags).toEqual([]);
    const { flags, tracker } = run([empty, empty, empty, empty, empty, empty, empty]);
    tracker.flush();
    expect(flags.map((f) => f.type)).toEqual(['nobody']);
    expect(flags[0].explanation.summary).toContain('at least 5 s');
  });

  it('explains a flag with light level and face size', () => {
    const { flags, tracker } = run([phone, phone, phone]);
    tracker.flush();
    expect(flags[0].explanation).toMatchObject({ lightLevel: 120, faceSize: 0.3, samplesHeld: 3, samples: 3 });
  });

  it('flags a covered camera, not nobody, and never a cheating flag on frames too dim to judge', () => {
    const dark = frame({ persons: 0, faces: 0, light: { mean: 10, contrast: 3, overexposed: 0 } });
    const covered = run(Array.from({ length: 8 }, () => dark));
    covered.tracker.flush();
    expect(covered.flags.map((f) => f.type)).toEqual(['camera_covered_or_dark']);

    const notes: number[] = [];
    const flags: RaisedFlag[] = [];
    const dim = frame({ phone: true, phoneScore: 0.5, persons: 3, light: { mean: 20, contrast: 20, overexposed: 0 } });
    const tracker = createFlagTracker({ thresholds: defaultThresholds, newId: () => 'x', onFlag: (f) => flags.push(f), onPoorVideo: (at) => notes.push(at) });
    [dim, dim, dim, dim, calm, dim, dim].forEach((s, i) => tracker.add(1000 * i + 1_700_000_000_000, s));
    tracker.flush();
    expect(flags).toEqual([]);
    expect(notes).toEqual([1_700_000_000_000, 1_700_000_005_000]);
  });

  it('flags a person whose face is not visible', () => {
    const { flags, tracker } = run([frame({ faces: 0 }), frame({ faces: 0 }), frame({ faces: 0 })]);
    tracker.flush();
    expect(flags.map((f) => f.type)).toEqual(['face_not_visible']);
  });

  it('skips a flag type turned off for one student', () => {
    const flags: RaisedFlag[] = [];
    const tracker = createFlagTracker({ thresholds: defaultThresholds, newId: () => 'x', onFlag: (f) => flags.push(f), disabled: ['phone'] });
    [phone, phone, phone, phone].forEach((s, i) => tracker.add(1000 * i, s));
    tracker.flush();
    expect(flags).toEqual([]);
  });

  it('maps each quiz sensitivity to thresholds, low strictest', () => {
    expect(thresholdsFor('normal')).toEqual(defaultThresholds);
    expect(thresholdsFor('low').phone).toBeGreaterThan(thresholdsFor('normal').phone);
    expect(thresholdsFor('high').phone).toBeLessThan(thresholdsFor('normal').phone);
    expect(thresholdsFor('high').person).toBeLessThan(thresholdsFor('low').person);
  });
});
