// Turns per-frame results into flags: a condition must hold in at least 3 of the last 5 samples, and consecutive
// samples merge into one flag with a start and an end, so one spurious frame never flags a student.
import type { FlagExplanation, FlagType } from '../../models/contracts.ts';
import { modelName, type FrameResult, type Thresholds } from './detector.ts';

export const windowSize = 5;
export const needed = 3;

type Sample = { at: number; result: FrameResult };
export type RaisedFlag = {
  id: string;
  type: FlagType;
  severity: 'low' | 'medium' | 'high';
  startedAt: number;
  endedAt: number;
  explanation: FlagExplanation;
};

const conditions: Record<FlagType, { holds: (r: FrameResult) => boolean; score: (r: FrameResult) => number; severity: RaisedFlag['severity']; summary: string }> = {
  phone: { holds: (r) => r.phone, score: (r) => r.phoneScore, severity: 'high', summary: 'A cell phone was visible on camera.' },
  multiple_people: { holds: (r) => r.persons > 1, score: (r) => r.personScore, severity: 'high', summary: 'More than one person was visible on camera.' },
  nobody: { holds: (r) => r.persons === 0, score: (r) => r.personScore, severity: 'medium', summary: 'Nobody was visible on camera.' },
};

export function createFlagTracker(options: { thresholds: Thresholds; newId: () => string; onFlag: (flag: RaisedFlag) => void }) {
  const recent: Sample[] = [];
  const open = new Map<FlagType, { flag: RaisedFlag; samples: number }>();
  let total = 0;

  function emit(type: FlagType, entry: { flag: RaisedFlag; samples: number }) {
    options.onFlag({ ...entry.flag, explanation: { ...entry.flag.explanation, samples: entry.samples } });
  }

  return {
    add(at: number, result: FrameResult) {
      total += 1;
      recent.push({ at, result });
      if (recent.length > windowSize) recent.shift();
      for (const [type, condition] of Object.entries(conditions) as [FlagType, (typeof conditions)[FlagType]][]) {
        const holding = recent.filter((s) => condition.holds(s.result));
        const current = open.get(type);
        if (holding.length >= needed) {
          if (!current) {
            open.set(type, {
              samples: recent.length,
              flag: {
                id: options.newId(), type, severity: condition.severity, startedAt: holding[0].at, endedAt: at,
                explanation: {
                  model: modelName,
                  thresholds: { ...options.thresholds },
                  scores: holding.map((s) => condition.score(s.result)),
                  samples: recent.length,
                  samplesHeld: holding.length,
                  summary: condition.summary,
                },
              },
            });
          } else {
            current.samples += 1;
            current.flag.endedAt = at;
            if (condition.holds(result)) {
              current.flag.explanation.samplesHeld += 1;
              if (current.flag.explanation.scores.length < 100) current.flag.explanation.scores.push(condition.score(result));
            }
          }
        } else if (current) {
          open.delete(type);
          emit(type, current);
        }
      }
      return total;
    },
    /** Closes every open flag (end of attempt). */
    flush() {
      for (const [type, entry] of open) emit(type, entry);
      open.clear();
    },
    /** Flags still running, reported early so a crash cannot lose them; ids stay the same. */
    openFlags(): RaisedFlag[] {
      return [...open.values()].map((e) => ({ ...e.flag, explanation: { ...e.flag.explanation, samples: e.samples } }));
    },
  };
}
