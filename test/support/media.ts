// Test media: real WebM made by ffmpeg from the shared fake-camera clips, sliced into chunks the way MediaRecorder
// emits them (only the first slice carries the header).
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ffmpeg, ffmpegBytes } from '../../lti-server/media/ffmpeg.ts';
import { probeDurationMs } from '../../lti-server/jobs/remux-recording.ts';
import type { Bucket } from '../../lti-server/storage/bucket.ts';

export const sharedData = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/data');
export const webcamClip = (name: string) => path.join(sharedData, 'webcam', `${name}.y4m`);

/** A VP8 WebM of `seconds` length from a looped fake-camera clip, written as a live (unseekable) stream. */
export async function makeLiveWebm(output: string, seconds: number, clip = 'single_person') {
  await ffmpegBytes(['-hide_banner', '-loglevel', 'error', '-y', '-stream_loop', '-1', '-i', webcamClip(clip), '-t', String(seconds),
    '-c:v', 'libvpx', '-b:v', '300k', '-deadline', 'realtime', '-cpu-used', '8', '-f', 'webm', '-live', '1', 'pipe:1'], { maxBuffer: 1 << 28 })
    .then(async ({ stdout }) => { await import('node:fs/promises').then((fs) => fs.writeFile(output, stdout)); });
  return output;
}

export async function sliceIntoChunks(file: string, count: number) {
  const bytes = await readFile(file);
  const size = Math.ceil(bytes.length / count);
  return Array.from({ length: count }, (_, i) => bytes.subarray(i * size, Math.min(bytes.length, (i + 1) * size))).filter((b) => b.length);
}

export const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/**
 * How long each recorded segment of a stream plays, made straight from its uploaded chunks (concatenated in
 * sequence, remuxed alone, probed): what the joined review recording must add up to, whatever the machine's load.
 */
export async function segmentMediaMs(bucket: Bucket, kept: { stream: string; segment: number; seq: number; objectKey: string }[], stream: string) {
  const work = await mkdtemp(path.join(tmpdir(), 'invigil-segments-'));
  try {
    const mine = kept.filter((c) => c.stream === stream);
    const durations: number[] = [];
    for (const segment of [...new Set(mine.map((c) => c.segment))].sort((a, b) => a - b)) {
      const parts = mine.filter((c) => c.segment === segment).sort((a, b) => a.seq - b.seq);
      const raw = path.join(work, `${segment}.raw.webm`);
      await writeFile(raw, Buffer.concat(await Promise.all(parts.map((c) => bucket.getBytes(c.objectKey)))));
      const file = path.join(work, `${segment}.webm`);
      await ffmpeg(['-hide_banner', '-loglevel', 'error', '-y', '-fflags', '+genpts', '-i', raw, '-c', 'copy', file]);
      durations.push(await probeDurationMs(file));
    }
    return durations;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
