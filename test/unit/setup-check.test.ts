import { describe, expect, it } from 'vitest';
import type { FrameResult } from '../../extension/detection/detector.ts';
import { judgeSetup, regionLight } from '../../extension/detection/setup-check.ts';

const result = (over: Partial<FrameResult> = {}): FrameResult => ({ persons: 1, phone: false, faces: 1, detections: [], phoneScore: 0, personScore: 0.9, light: { mean: 110, contrast: 40, overexposed: 0.01 }, faceSize: 0.3, objectsReused: false, ...over });
const samples = (over: Partial<FrameResult>, faceLight?: number) => [1, 2, 3].map(() => ({ result: result(over), faceLight }));

describe('the pre-exam camera check', () => {
  it('passes a well-lit, well-placed student', () => {
    expect(judgeSetup(samples({}, 120))).toEqual({ ok: true, lightLevel: 110, faceSize: 0.3, faces: 1, warnings: [] });
  });
  it.each([
    ['too dark', { light: { mean: 20, contrast: 15, overexposed: 0 } }, undefined, /too dark/],
    ['face too small', { faceSize: 0.05 }, 110, /Move closer/],
    ['no face', { faces: 0, faceSize: 0 }, undefined, /cannot see your face/],
    ['backlight', { light: { mean: 150, contrast: 70, overexposed: 0.35 } }, 60, /bright light behind you/],
    ['two faces', { faces: 2, persons: 2 }, 110, /alone/],
  ] as const)('warns when %s', (_name, over, faceLight, warning) => {
    const check = judgeSetup(samples(over, faceLight));
    expect(check.ok).toBe(false);
    expect(check.warnings.join(' ')).toMatch(warning);
  });
  it('never reads a darker face in an evenly lit room as backlight', () => {
    expect(judgeSetup(samples({ light: { mean: 120, contrast: 50, overexposed: 0.02 } }, 45))).toMatchObject({ ok: true, warnings: [] });
  });

  it('measures the light inside a face box', () => {
    // Left half black, right half white.
    const width = 4;
    const data = new Uint8Array(width * 2 * 3);
    for (let y = 0; y < 2; y++) for (let x = 2; x < 4; x++) data.fill(255, (y * width + x) * 3, (y * width + x) * 3 + 3);
    expect(regionLight({ data, width, height: 2, channels: 3 }, [0, 0, 2, 2])).toBe(0);
    expect(regionLight({ data, width, height: 2, channels: 3 }, [2, 0, 2, 2])).toBeCloseTo(255);
  });
});
