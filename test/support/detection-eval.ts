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
