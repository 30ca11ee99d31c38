// Samples webcam frames about once a second, runs the detector and feeds the flag tracker. Runs in the recorder page.
import type { Detector } from './detector.ts';
import { createFrameGrabber } from './frame-grabber.ts';
import type { createFlagTracker } from './temporal.ts';

export const sampleIntervalMs = 1000;
/** Evidence thumbnails: small, and kept only for the last few samples (a flag needs 3 of 5, nobody 5 s). */
const thumbnailWidth = 160;
const thumbnailsKept = 12;

export function startSampling(stream: MediaStream, detector: Detector, tracker: ReturnType<typeof createFlagTracker>, signal: AbortSignal, intervalMs = sampleIntervalMs) {
  const grabber = createFrameGrabber(stream);
  const canvas = grabber.canvas;
  let samples = 0;
  /** Milliseconds each of the recent detections took (all models, pre- and post-processing). */
  const detectMs: number[] = [];
  /** Only the samples where centernet ran (no reuse): the full cost of a frame. */
  const fullFrameMs: number[] = [];
  let busyMs = 0;
  let firstSampleAt: number | undefined;
  const thumbnail = document.createElement('canvas');
  const thumbnailContext = thumbnail.getContext('2d', { willReadFrequently: true })!;
  const recent: { at: number; image: ImageData }[] = [];

  const loop = async () => {
    while (!signal.aborted) {
      const started = Date.now();
      // Detection's cost is all the work a sample does on this thread: the frame grab, the models, the thumbnail.
      const workStarted = performance.now();
      const frame = grabber.grab();
      if (!frame) busyMs += performance.now() - workStarted;
      if (frame) {
        const t0 = performance.now();
        const result = await detector.detect(frame);
        const took = performance.now() - t0;
        firstSampleAt ??= started;
        detectMs.push(Math.round(took * 10) / 10);
        if (detectMs.length > 300) detectMs.shift();
        if (!result.objectsReused) {
          fullFrameMs.push(Math.round(took * 10) / 10);
          if (fullFrameMs.length > 300) fullFrameMs.shift();
        }
        thumbnail.width = thumbnailWidth;
        thumbnail.height = Math.round((thumbnailWidth * canvas.height) / canvas.width);
        thumbnailContext.drawImage(canvas, 0, 0, thumbnail.width, thumbnail.height);
        recent.push({ at: started, image: thumbnailContext.getImageData(0, 0, thumbnail.width, thumbnail.height) });
        if (recent.length > thumbnailsKept) recent.shift();
        tracker.add(started, result);
        samples += 1;
        busyMs += performance.now() - workStarted;
      }
      await new Promise((r) => setTimeout(r, Math.max(50, intervalMs - (Date.now() - started))));
    }
    grabber.stop();
  };
  const done = loop();
  return {
    get samples() { return samples; },
    /** Recent detection times, and the share of one core detection has used since the first sample (frame grabs,
     * models, thumbnails and their JPEGs: all of it runs on this page's thread). */
    get timing() {
      const elapsed = firstSampleAt === undefined ? 0 : Date.now() - firstSampleAt;
      return { detectMs: [...detectMs], fullFrameMs: [...fullFrameMs], cpuShare: elapsed ? busyMs / elapsed : 0 };
    },
    done,
    /** A base64 JPEG of the kept sample nearest `at`, or undefined once it has aged out. */
    async thumbnailAt(at: number): Promise<string | undefined> {
      const nearest = [...recent].sort((a, b) => Math.abs(a.at - at) - Math.abs(b.at - at))[0];
      if (!nearest || Math.abs(nearest.at - at) > 2 * intervalMs) return undefined;
      const out = document.createElement('canvas');
      out.width = nearest.image.width;
      out.height = nearest.image.height;
      out.getContext('2d')!.putImageData(nearest.image, 0, 0);
      const encodeStarted = performance.now();
      const blob = await new Promise<Blob | null>((resolve) => out.toBlob(resolve, 'image/jpeg', 0.7));
      busyMs += performance.now() - encodeStarted;
      if (!blob) return undefined;
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let binary = '';
      for (const b of bytes) binary += String.fromCharCode(b);
      return btoa(binary);
    },
  };
}
