// Reusing centernet's boxes on an unchanged scene: only while the picture is still, never more than twice in a row.
import { beforeAll, describe, expect, it } from 'vitest';
import { lumaGrid, meanChange, reuse, type Detector, type Frame } from '../../extension/detection/detector.ts';
import { loadNodeDetector } from '../../extension/detection/node-detector.ts';
import { webcamClip } from '../support/media.ts';
import { ffmpegBytes } from '../../lti-server/media/ffmpeg.ts';

let detector: Detector;
const frames: Record<string, Frame[]> = {};

beforeAll(async () => {
  detector = await loadNodeDetector();
  for (const clip of ['single_person', 'person_with_phone']) {
    const { stdout } = await ffmpegBytes(['-loglevel', 'error', '-i', webcamClip(clip), '-frames:v', '5', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { maxBuffer: 1 << 24 });
    const size = 320 * 240 * 3;
    frames[clip] = Array.from({ length: 5 }, (_, i) => ({ data: stdout.subarray(i * size, (i + 1) * size), width: 320, height: 240, channels: 3 as const }));
  }
});

describe('reusing boxes on a still scene', () => {
  it('sees sensor noise as no change, and a different scene as a change', () => {
    const [a, b] = frames.single_person;
    expect(meanChange(lumaGrid(a), lumaGrid(b))).toBeLessThan(reuse.maxChangedLuma);
    expect(meanChange(lumaGrid(a), lumaGrid(frames.person_with_phone[0]))).toBeGreaterThan(10 * reuse.maxChangedLuma);
  });

  it('runs centernet at least every third sample on a still scene, and at once when the scene changes', async () => {
    const still = frames.single_person;
    const reused = [];
    for (const f of [...still, still[0]]) reused.push((await detector.detect(f)).objectsReused);
    expect(reused.slice(1)).toEqual([true, true, false, true, true]);
    const phone = await detector.detect(frames.person_with_phone[0]);
    expect(phone.objectsReused).toBe(false);
    expect(phone.phone).toBe(true);
  });
});
