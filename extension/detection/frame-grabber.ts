// Grabs the current frame of a camera stream as pixels (recorder page only: it needs a video element and a canvas).
import type { Frame } from './detector.ts';

export function createFrameGrabber(stream: MediaStream) {
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = stream;
  void video.play();
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  return {
    canvas,
    /** The current frame, or undefined until the camera delivers one. */
    grab(): Frame | undefined {
      if (!video.videoWidth) return undefined;
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      return { data: image.data, width: image.width, height: image.height, channels: 4 };
    },
    stop() {
      video.pause();
      video.srcObject = null;
    },
  };
}
