// Image-level accuracy on ../shared/data/detection at the shipped thresholds: a regression pin, not a claim. These
// figures are in-sample (the thresholds were tuned on these photos; the cross-validated estimate is the detect
// benchmark's *_cv). Floors sit about one image below the measured values (phone P 0.94 / R 0.80, 2+ persons
// 0.93 / 1.00, nobody 0.87 / 0.87).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNodeDetector } from '../../extension/detection/node-detector.ts';
import { detectAll, score, type TaskName, type TaskScore } from '../support/detection-eval.ts';

let scores: Record<TaskName, TaskScore>;

beforeAll(async () => {
  scores = score(await detectAll(await loadNodeDetector()));
}, 180_000);

describe('detection accuracy on the shared labelled photos', () => {
  it.each([
    ['phone', 0.9, 0.75],
    ['multi_person', 0.9, 0.92],
    ['no_person', 0.85, 0.85],
  ] as const)('%s: precision ≥ %f, recall ≥ %f', (task, precision, recall) => {
    const s = scores[task];
    const detail = `P=${s.precision.toFixed(3)} R=${s.recall.toFixed(3)}; missed ${s.misses.join(', ') || 'none'}; false alarms ${s.falseAlarms.join(', ') || 'none'}`;
    expect(s.precision, detail).toBeGreaterThanOrEqual(precision);
    expect(s.recall, detail).toBeGreaterThanOrEqual(recall);
  });
});
