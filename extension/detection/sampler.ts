// Samples webcam frames about once a second, runs the detector and feeds the flag tracker. Runs in the recorder page.
import type { Detector } from './detector.ts';
import type { createFlagTracker } from './temporal.ts';

export const sampleIntervalMs = 1000;

export function startSampling(stream: MediaStream, detector: Detector, tracker: ReturnType<typeof createFlagTracker>, signal: AbortSignal) {
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = stream;
  void video.play();
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  let samples = 0;

  const loop = async () => {
    while (!signal.aborted) {
      const started = Date.now();
      if (video.videoWidth) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0);
        const image = context.getImageData(0, 0, canvas.width, canvas.height);
        const result = await detector.detect({ data: image.data, width: image.width, height: image.height, channels: 4 });
        tracker.add(started, result);
        samples += 1;
      }
      await new Promise((r) => setTimeout(r, Math.max(50, sampleIntervalMs - (Date.now() - started))));
    }
  };
  const done = loop();
  return { get samples() { return samples; }, done };
}
