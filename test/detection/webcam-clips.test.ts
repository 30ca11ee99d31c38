// The detector, in Node with the wasm backend, on the first frame of each shared fake-camera clip.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Detector } from '../../extension/detection/detector.ts';
import { loadNodeDetector } from '../../extension/detection/node-detector.ts';
import { webcamClip } from '../support/media.ts';
import { ffmpegBytes } from '../../lti-server/media/ffmpeg.ts';

let detector: Detector;

beforeAll(async () => {
  detector = await loadNodeDetector();
});

async function firstFrame(clip: string) {
  const { stdout } = await ffmpegBytes(['-loglevel', 'error', '-i', webcamClip(clip), '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { maxBuffer: 1 << 24 });
  return { data: stdout, width: 320, height: 240, channels: 3 as const };
}

describe('detection on the fake-camera clips', () => {
  it.each([
    ['single_person', 1, false],
    ['person_with_phone', 1, true],
    ['two_people', 2, false],
    ['empty', 0, false],
  ])('%s: %i person(s), phone %s', async (clip, persons, phone) => {
    const result = await detector.detect(await firstFrame(clip));
    expect(result.persons).toBe(persons);
    expect(result.phone).toBe(phone);
    for (const d of result.detections) {
      expect(d.score).toBeGreaterThan(0);
      expect(d.bbox[2]).toBeGreaterThan(0);
    }
  });
});
