// What the recorder records of a camera or screen stream on each rung of the bandwidth ladder: the stream itself
// (full), the stream scaled down and slowed (reduced), or one still every few seconds (snapshots).
import type { StreamName } from '../../models/contracts.ts';
import { rungs, type RecordingRung } from '../../models/recording.ts';
import { failed } from '../attempt/failures.ts';

/** One still of `source` every `everyMs`, as a video track a MediaRecorder can record. */
function snapshots(source: MediaStream, everyMs: number, width: number, height: number): MediaStream {
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = source;
  void video.play();
  const canvas = Object.assign(document.createElement('canvas'), { width, height });
  const stream = canvas.captureStream(0);
  const track = stream.getVideoTracks()[0] as MediaStreamTrack & { requestFrame(): void };
  const take = () => {
    if (video.readyState >= 2) canvas.getContext('2d')!.drawImage(video, 0, 0, width, height);
    track.requestFrame();
  };
  const timer = setInterval(take, everyMs);
  video.addEventListener('loadeddata', take, { once: true });
  // Ending the snapshot track ends the stills; the source's own end is watched by the recorder.
  track.addEventListener('ended', () => clearInterval(timer));
  const stopTrack = track.stop.bind(track);
  track.stop = () => { clearInterval(timer); video.srcObject = null; stopTrack(); };
  return stream;
}

/** `source`'s video drawn at `width`×`height`, `frameRate` times a second, as a track a MediaRecorder can record. */
function scaledCopy(source: MediaStream, width: number, height: number, frameRate: number): MediaStream {
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = source;
  void video.play().catch(failed('playing the camera for the scaled recording'));
  const canvas = Object.assign(document.createElement('canvas'), { width, height });
  const context = canvas.getContext('2d')!;
  const stream = canvas.captureStream(frameRate);
  const track = stream.getVideoTracks()[0];
  const draw = () => {
    if (video.readyState >= 2) context.drawImage(video, 0, 0, width, height);
  };
  const timer = setInterval(draw, 1000 / frameRate);
  const stopTrack = track.stop.bind(track);
  track.stop = () => { clearInterval(timer); video.srcObject = null; stopTrack(); };
  return stream;
}

export async function recordingSource(name: StreamName, stream: MediaStream, rung: RecordingRung, quizKbps: number) {
  const settings = rungs[rung];
  const rungBits = (name === 'webcam' ? settings.webcam : settings.screen).bitsPerSecond;
  // The quiz sets full quality; a lower rung never records more than the quiz asks.
  const wanted = { bitsPerSecond: rung === 'full' ? quizKbps * 1000 : Math.min(rungBits, quizKbps * 1000) };
  if (settings.snapshotEveryMs) {
    const size = name === 'webcam' ? settings.webcam : { width: 640, height: 360 };
    const stills = snapshots(stream, name === 'webcam' ? settings.snapshotEveryMs : settings.snapshotEveryMs * 2, size.width, size.height);
    // The microphone, if recorded, stays continuous: sound costs little.
    stream.getAudioTracks().forEach((t) => stills.addTrack(t.clone()));
    return { stream: stills, bitsPerSecond: wanted.bitsPerSecond };
  }
  if (rung === 'full') return { stream: name === 'webcam' ? stream.clone() : stream, bitsPerSecond: wanted.bitsPerSecond };
  const frameRate = name === 'webcam' ? settings.webcam.frameRate : settings.screen.frameRate;
  if (name === 'webcam') {
    // A canvas scales the webcam, never the browser: Chrome may accept size constraints and keep sending the
    // camera's own size (seen in the offscreen document, intermittently), and the detector keeps full frames.
    const scaled = scaledCopy(stream, settings.webcam.width, settings.webcam.height, frameRate);
    stream.getAudioTracks().forEach((t) => scaled.addTrack(t.clone()));
    return { stream: scaled, bitsPerSecond: wanted.bitsPerSecond };
  }
  const track = stream.getVideoTracks()[0];
  const constraints: MediaTrackConstraints & { resizeMode?: string } = { frameRate: { max: frameRate }, resizeMode: 'crop-and-scale' };
  await track?.applyConstraints(constraints).catch(failed('slowing the screen recording down to the rung'));
  return { stream, bitsPerSecond: wanted.bitsPerSecond };
}
