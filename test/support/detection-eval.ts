// Image-level precision and recall of the detector on ../shared/data/detection (labels.json), per task.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Detector, FrameResult } from '../../extension/detection/detector.ts';
import { readImageFile } from '../../extension/detection/image-file.ts';
import { sharedData } from './media.ts';

type Label = { file: string; persons: number; person_crowd: boolean; phone: boolean; ambiguous: Record<string, string> };
export const detectionSet = path.join(sharedData, 'detection');
export const labels: Label[] = JSON.parse(readFileSync(path.join(detectionSet, 'labels.json'), 'utf8')).images;

export const tasks = {
  phone: { truth: (l: Label) => l.phone, predicted: (r: FrameResult) => r.phone, skip: (l: Label) => 'phone' in l.ambiguous },
  multi_person: { truth: (l: Label) => l.persons >= 2 || l.person_crowd, predicted: (r: FrameResult) => r.persons >= 2, skip: (l: Label) => 'persons' in l.ambiguous },
  no_person: { truth: (l: Label) => l.persons === 0 && !l.person_crowd, predicted: (r: FrameResult) => r.persons === 0, skip: (l: Label) => 'persons' in l.ambiguous },
};
export type TaskName = keyof typeof tasks;
export type TaskScore = { tp: number; fp: number; fn: number; tn: number; precision: number; recall: number; misses: string[]; falseAlarms: string[] };

export async function detectAll(detector: Detector) {
  const results: { label: Label; result: FrameResult }[] = [];
  for (const label of labels) results.push({ label, result: await detector.detect(await readImageFile(path.join(detectionSet, label.file))) });
  return results;
}

export function score(results: Awaited<ReturnType<typeof detectAll>>): Record<TaskName, TaskScore> {
  const out = {} as Record<TaskName, TaskScore>;
  for (const [name, task] of Object.entries(tasks) as [TaskName, (typeof tasks)[TaskName]][]) {
    const s: TaskScore = { tp: 0, fp: 0, fn: 0, tn: 0, precision: 0, recall: 0, misses: [], falseAlarms: [] };
    for (const { label, result } of results) {
      if (task.skip(label)) continue;
      const truth = task.truth(label);
      const predicted = task.predicted(result);
      if (truth && predicted) s.tp += 1;
      else if (truth) { s.fn += 1; s.misses.push(path.basename(label.file)); }
      else if (predicted) { s.fp += 1; s.falseAlarms.push(path.basename(label.file)); }
      else s.tn += 1;
    }
    s.precision = s.tp + s.fp ? s.tp / (s.tp + s.fp) : 1;
    s.recall = s.tp + s.fn ? s.tp / (s.tp + s.fn) : 1;
    out[name] = s;
  }
  return out;
}

/**
 * An out-of-sample estimate of the tuned thresholds: repeated random halves. On each split the phone and person
 * thresholds are tuned on one half (best F1 on a grid, the way they were tuned on the whole set) and scored on the
 * other; the figures are the means over the splits. The detector runs once, at permissive thresholds, and each
 * image's box scores are re-thresholded, so this costs seconds, not a detector pass per split.
 */
export async function crossValidated(detector: Detector, options: { splits?: number; seed?: number } = {}) {
  const permissive = detector.withThresholds({ ...detector.thresholds, phone: 0.05, person: 0.05 });
  const scored = (await detectAll(permissive)).map(({ label, result }) => ({
    label,
    phone: Math.max(0, ...result.detections.filter((d) => d.label === 'cell phone').map((d) => d.score)),
    people: result.detections.filter((d) => d.label === 'person').map((d) => d.score),
    faces: result.detections.filter((d) => d.label === 'face').length,
  }));
  type Scored = (typeof scored)[number];
  const persons = (s: Scored, threshold: number) => Math.max(s.people.filter((p) => p >= threshold).length, s.faces);
  const predict = {
    phone: (s: Scored, t: number) => s.phone >= t,
    multi_person: (s: Scored, t: number) => persons(s, t) >= 2,
    no_person: (s: Scored, t: number) => persons(s, t) === 0,
  };
  const counts = (task: TaskName, list: Scored[], t: number) => {
    const c = { tp: 0, fp: 0, fn: 0 };
    for (const s of list) {
      if (tasks[task].skip(s.label)) continue;
      const truth = tasks[task].truth(s.label);
      const predicted = predict[task](s, t);
      if (truth && predicted) c.tp += 1;
      else if (truth) c.fn += 1;
      else if (predicted) c.fp += 1;
    }
    return c;
  };
  const f1 = (c: { tp: number; fp: number; fn: number }) => (c.tp ? (2 * c.tp) / (2 * c.tp + c.fp + c.fn) : 0);
  const grid = Array.from({ length: 56 }, (_, i) => Math.round((0.05 + i * 0.01) * 100) / 100);
  const best = (score: (t: number) => number) => grid.reduce((b, t) => (score(t) > score(b) ? t : b), grid[0]);

  // A seeded generator: the same splits every run, so the estimate is comparable from run to run.
  let state = options.seed ?? 20261201;
  const random = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const totals = { phone: { p: 0, r: 0 }, multi_person: { p: 0, r: 0 }, no_person: { p: 0, r: 0 } };
  const splits = options.splits ?? 50;
  for (let i = 0; i < splits; i++) {
    const shuffled = [...scored].sort(() => random() - 0.5);
    const tune = shuffled.slice(0, Math.floor(shuffled.length / 2));
    const test = shuffled.slice(tune.length);
    const phoneT = best((t) => f1(counts('phone', tune, t)));
    const personT = best((t) => f1(counts('multi_person', tune, t)) + f1(counts('no_person', tune, t)));
    for (const [task, t] of [['phone', phoneT], ['multi_person', personT], ['no_person', personT]] as const) {
      const c = counts(task, test, t);
      totals[task].p += c.tp + c.fp ? c.tp / (c.tp + c.fp) : 1;
      totals[task].r += c.tp + c.fn ? c.tp / (c.tp + c.fn) : 1;
    }
  }
  return Object.fromEntries(Object.entries(totals).map(([task, t]) => [task, { precision: t.p / splits, recall: t.r / splits }])) as Record<TaskName, { precision: number; recall: number }>;
}
