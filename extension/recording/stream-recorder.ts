// Records one MediaStream in timesliced WebM chunks with RecordRTC; each chunk goes to the outbox at once.
import RecordRTC from 'recordrtc';
import type { StreamName } from '../../models/contracts.ts';
import { timesliceMs } from '../../models/recording.ts';

export function recordStream(stream: MediaStream, options: {
  name: StreamName;
  segment: number;
  /** Explicit, far below MediaRecorder's 2.5 Mbit/s default; set by the recording rung. */
  bitsPerSecond: number;
  onChunk: (chunk: { seq: number; blob: Blob; segmentStartedAt: number }) => Promise<void>;
}) {
  let seq = 0;
  const segmentStartedAt = Date.now();
  const writes: Promise<void>[] = [];
  const recorder = new RecordRTC(stream, {
    type: 'video',
    // RecordRTC's types leave out the audio codec; MediaRecorder takes it.
    mimeType: (stream.getAudioTracks().length ? 'video/webm;codecs=vp8,opus' : 'video/webm;codecs=vp8') as 'video/webm;codecs=vp8',
    recorderType: RecordRTC.MediaStreamRecorder,
    timeSlice: timesliceMs,
    videoBitsPerSecond: options.bitsPerSecond,
    disableLogs: true,
    // Sequence numbers are taken synchronously, in the order the browser hands out data.
    ondataavailable: (blob: Blob) => {
      if (blob.size) writes.push(options.onChunk({ seq: seq++, blob, segmentStartedAt }));
    },
  });
  recorder.startRecording();
  return {
    name: options.name,
    segmentStartedAt,
    /** Stops recording; resolves once the last chunk is in the outbox. */
    async stop() {
      await new Promise<void>((resolve) => recorder.stopRecording(() => resolve()));
      // The final dataavailable can land just after the stop callback.
      await new Promise((r) => setTimeout(r, 300));
      await Promise.all(writes);
      recorder.destroy();
      stream.getTracks().forEach((t) => t.stop());
    },
  };
}
