// Before the exam: is the camera set up so detection can be trusted? Pure judging of a few sampled frames.
import { light } from './temporal.ts';
import type { Frame, FrameResult } from './detector.ts';

export type SetupSample = { result: FrameResult; faceLight?: number };
export type SetupCheck = { ok: boolean; lightLevel: number; faceSize: number; faces: number; warnings: string[] };

/** Margins above the levels at which the detector stops being trusted (temporal.ts). */
export const setupLimits = {
  darkMean: light.poorMean + 10,
  smallFace: 0.12,
  /**
   * Backlight is a light source in the picture: a large blown-out area with the face darker than the picture.
   * A dark face alone is never enough: skin tones differ, and must not read as a lighting problem.
   */
  backlightOverexposed: 0.2,
};

/** Mean luma inside a box of the frame (the face), to tell backlight. */
export function regionLight(frame: Frame, [x, y, w, h]: [number, number, number, number]) {
  let sum = 0;
  let n = 0;
  const x0 = Math.max(0, Math.round(x));
  const y0 = Math.max(0, Math.round(y));
  const x1 = Math.min(frame.width, Math.round(x + w));
  const y1 = Math.min(frame.height, Math.round(y + h));
  for (let yy = y0; yy < y1; yy += 2) {
    for (let xx = x0; xx < x1; xx += 2) {
      const i = (yy * frame.width + xx) * frame.channels;
      sum += 0.299 * frame.data[i] + 0.587 * frame.data[i + 1] + 0.114 * frame.data[i + 2];
      n += 1;
    }
  }
  return n ? sum / n : 0;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export function judgeSetup(samples: SetupSample[]): SetupCheck {
  const lightLevel = Math.round(median(samples.map((s) => s.result.light.mean)));
  const faceSize = median(samples.map((s) => s.result.faceSize));
  const faces = Math.round(median(samples.map((s) => s.result.faces)));
  const faceLight = median(samples.map((s) => s.faceLight ?? lightLevel));
  const overexposed = median(samples.map((s) => s.result.light.overexposed));
  const warnings: string[] = [];
  if (lightLevel < setupLimits.darkMean) warnings.push('Your picture is too dark. Turn on a light in front of you.');
  if (faces === 0) warnings.push('We cannot see your face. Sit in front of the camera, facing it.');
  else if (faceSize < setupLimits.smallFace) warnings.push('Your face is small in the picture. Move closer to the camera.');
  if (faces > 0 && overexposed >= setupLimits.backlightOverexposed && faceLight < lightLevel) warnings.push('There is bright light behind you. Face the window or lamp, or close the curtain behind you.');
  if (faces > 1) warnings.push('More than one face is visible. Make sure you are alone.');
  return { ok: warnings.length === 0, lightLevel, faceSize, faces, warnings };
}
