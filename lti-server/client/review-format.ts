// What the review page says about flags and events, as pure functions (unit-tested without a browser).
import type { FlagExplanation } from '../../models/contracts.ts';

/** Seconds as m:ss. */
export function clock(seconds: number) {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * Why a flag was raised. Detector flags say what was seen in how many samples, with the scores against their
 * thresholds and the light and face size; lockdown and tamper flags are one observation and name their source.
 */
export function explainFlag(e: FlagExplanation) {
  if (!e.scores.length && e.samples <= 1) return `${e.summary} (Source: ${e.model}.)`;
  const thresholds = Object.entries(e.thresholds).map(([k, v]) => `${k} ${v}`).join(', ');
  const scores = e.scores.length ? ` Scores ${Math.min(...e.scores).toFixed(2)}–${Math.max(...e.scores).toFixed(2)} (threshold ${thresholds}).` : '';
  const light = e.lightLevel === undefined ? '' : ` Light level ${Math.round(e.lightLevel)}/255`;
  const face = e.faceSize ? `, face ${Math.round(e.faceSize * 100)}% of the frame height.` : '.';
  return `${e.summary} Seen in ${e.samplesHeld} of ${e.samples} samples by ${e.model}.${scores}${light}${face}`;
}

/** An event's line on the timeline: its time (UTC), its label and its sentence. */
export function describeEvent(e: { at: string; label: string; details: Record<string, unknown> | null }) {
  const summary = typeof e.details?.summary === 'string' ? `: ${e.details.summary}` : '';
  return `${new Date(e.at).toISOString().slice(11, 19)} ${e.label}${summary}`;
}

