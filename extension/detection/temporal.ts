// Turns per-frame results into flags: a condition must hold in at least 3 of the last 5 samples, and consecutive
// samples merge into one flag with a start and an end, so one spurious frame never flags a student. Frames too dim
// to judge raise a `poor_video` note instead of any cheating flag.
import type { FlagExplanation, FlagType } from '../../models/contracts.ts';
import { flagKinds, type FlagSeverity } from '../../models/flags.ts';
import { modelName, type FrameResult, type Thresholds } from './detector.ts';

export const windowSize = 5;
export const needed = 3;

/**
 * Light levels (mean luma 0–255; contrast = its standard deviation). Calibrated below real scenes: the darkest photo
 * of the shared set has mean 32 and the flattest contrast 23, and both are judged correctly by the models.
 */
export const light = {
  /** Below this, or with almost no contrast, the camera is dark or covered. */
  darkMean: 12,
  flatContrast: 10,
  /** Below this the models cannot be trusted: a `poor_video` note, no cheating flags. */
  poorMean: 25,
};

type Sample = { at: number; result: FrameResult };
export type RaisedFlag = {
  id: string;
  type: FlagType;
  severity: FlagSeverity;
  startedAt: number;
  endedAt: number;
  explanation: FlagExplanation;
};

const covered = (r: FrameResult) => r.light.mean < light.darkMean || r.light.contrast < light.flatContrast;
const judgeable = (r: FrameResult) => !covered(r) && r.light.mean >= light.poorMean;

type Condition = {
  holds: (r: FrameResult) => boolean;
  score: (r: FrameResult) => number;
  summary: string;
  /** How long the condition must last before it is worth a flag. */
  minDurationMs?: number;
};

export function conditionsFor(options: { nobodySeconds: number }): Record<FlagType, Condition> {
  return {
    phone: { holds: (r) => judgeable(r) && r.phone, score: (r) => r.phoneScore, summary: 'A cell phone was visible on camera.' },
    multiple_people: { holds: (r) => judgeable(r) && r.persons > 1, score: (r) => r.personScore, summary: 'More than one person was visible on camera.' },
    nobody: {
      holds: (r) => judgeable(r) && r.persons === 0, score: (r) => r.personScore,
      summary: `Nobody was visible on camera for at least ${options.nobodySeconds} s.`, minDurationMs: options.nobodySeconds * 1000,
    },
    face_not_visible: { holds: (r) => judgeable(r) && r.persons > 0 && r.faces === 0, score: (r) => r.personScore, summary: 'A person was visible but not their face.' },
    camera_covered_or_dark: { holds: covered, score: (r) => Math.min(1, r.light.mean / 255), summary: 'The camera image was dark or covered.' },
  };
}

export function createFlagTracker(options: {
  thresholds: Thresholds;
  newId: () => string;
  onFlag: (flag: RaisedFlag) => void;
  /** Frames too poor to judge; reported once per run of such frames. */
  onPoorVideo?: (at: number, lightLevel: number) => void;
  /** Flag types turned off (an accommodation for one student). */
  disabled?: FlagType[];
  nobodySeconds?: number;
}) {
  const conditions = conditionsFor({ nobodySeconds: options.nobodySeconds ?? 5 });
  const recent: Sample[] = [];
  const open = new Map<FlagType, { flag: RaisedFlag; samples: number; held: Sample[] }>();
  let total = 0;
  let poorRun = false;

  const average = (values: number[]) => Math.round((values.reduce((a, b) => a + b, 0) / Math.max(1, values.length)) * 1000) / 1000;
  const long = (type: FlagType, e: { flag: RaisedFlag }) => e.flag.endedAt - e.flag.startedAt >= (conditions[type].minDurationMs ?? 0);
  const finished = (type: FlagType, e: { flag: RaisedFlag; samples: number; held: Sample[] }): RaisedFlag => ({
    ...e.flag,
    explanation: {
      ...e.flag.explanation,
      samples: e.samples,
      samplesHeld: e.held.length,
      scores: e.held.slice(0, 100).map((s) => conditions[type].score(s.result)),
      lightLevel: Math.round(average(e.held.map((s) => s.result.light.mean)) * 10) / 10,
      faceSize: average(e.held.map((s) => s.result.faceSize)),
    },
  });

  return {
    add(at: number, result: FrameResult) {
      total += 1;
      recent.push({ at, result });
      if (recent.length > windowSize) recent.shift();
      const poor = !covered(result) && result.light.mean < light.poorMean;
      if (poor && !poorRun) options.onPoorVideo?.(at, result.light.mean);
      poorRun = poor;
      for (const [type, condition] of Object.entries(conditions) as [FlagType, Condition][]) {
        if (options.disabled?.includes(type)) continue;
        const holding = recent.filter((s) => condition.holds(s.result));
        const current = open.get(type);
        if (holding.length >= needed) {
          if (!current) {
            open.set(type, {
              samples: recent.length,
              held: holding,
              flag: {
                id: options.newId(), type, severity: flagKinds[type].severity, startedAt: holding[0].at, endedAt: at,
                explanation: { model: modelName, thresholds: { ...options.thresholds }, scores: [], samples: 0, samplesHeld: 0, summary: condition.summary },
              },
            });
          } else {
            current.samples += 1;
            // A flag ends at the last sample that showed the condition, not when the window lets go of it.
            if (condition.holds(result)) {
              current.flag.endedAt = at;
              current.held.push({ at, result });
            }
          }
        } else if (current) {
          open.delete(type);
          if (long(type, current)) options.onFlag(finished(type, current));
        }
      }
      return total;
    },
    /** Closes every open flag (end of attempt). */
    flush() {
      for (const [type, entry] of open) if (long(type, entry)) options.onFlag(finished(type, entry));
      open.clear();
    },
    /** Flags still running, reported early so a crash cannot lose them; ids stay the same. */
    openFlags(): RaisedFlag[] {
      return [...open].filter(([type, e]) => long(type, e)).map(([type, e]) => finished(type, e));
    },
  };
}
