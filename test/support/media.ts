// Test media: real WebM made by ffmpeg from the shared fake-camera clips, sliced into chunks the way MediaRecorder
// emits them (only the first slice carries the header).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ffmpegBytes } from '../../lti-server/media/ffmpeg.ts';

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
