// Test media: real WebM made by ffmpeg from the shared fake-camera clips, sliced into chunks the way MediaRecorder
// emits them (only the first slice carries the header).
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
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

/**
 * A fake-camera clip at webcam size (640×480, 15 fps) with motion: a slow pan across a shared photo of one person,
 * back and forth over `seconds` (so the loop Chromium plays is seamless), with sensor noise. The shared clips are
 * 320×240 stills, which make bitrate and detection cost look better than a real camera does. Made once per machine.
 */
export async function movingCameraClip(options: { seconds?: number; photo?: string } = {}) {
  const seconds = options.seconds ?? 12;
  const photo = options.photo ?? 'coco_train2017_000000000436.jpg';
  const out = path.join(tmpdir(), `invigil-moving-640x480-${path.parse(photo).name}-${seconds}s.y4m`);
  if (await stat(out).then((s) => s.size > 0, () => false)) return out;
  const pan = `crop=640:480:'(iw-640)/2*(1+sin(2*PI*t/${seconds}))':'(ih-480)/2'`;
  const partial = `${out}.part`;
  await ffmpeg(['-hide_banner', '-loglevel', 'error', '-y', '-loop', '1', '-framerate', '15', '-t', String(seconds), '-i', path.join(sharedData, 'detection', 'images', photo),
    '-vf', `scale=800:600:force_original_aspect_ratio=decrease,pad=800:600:(ow-iw)/2:(oh-ih)/2,${pan},noise=alls=4:allf=t,setsar=1,format=yuv420p`, '-r', '15', '-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe', partial]);
  await rename(partial, out);
  return out;
}

/**
 * A live WebM whose brightness tells the time: a flat grey frame whose luma is `base + perSecond × t`. A still
 * or a seek can then be checked against the moment it should show, by its luma alone.
 */
export async function makeLumaWebm(output: string, seconds: number, base: number, perSecond = 8) {
  const { stdout } = await ffmpegBytes(['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `color=c=black:s=320x240:r=15:d=${seconds},format=yuv420p,geq=lum='${base}+${perSecond}*T':cb=128:cr=128`,
    '-c:v', 'libvpx', '-b:v', '300k', '-deadline', 'realtime', '-cpu-used', '8', '-f', 'webm', '-live', '1', 'pipe:1'], { maxBuffer: 1 << 28 });
  await writeFile(output, stdout);
  return output;
}

/** The mean luma of the frame `mediaMs` into a video file (or of a JPEG, at 0), decoded by ffmpeg. */
export async function frameLuma(file: string, mediaMs = 0) {
  const { stdout } = await ffmpegBytes(['-hide_banner', '-loglevel', 'error', '-ss', (mediaMs / 1000).toFixed(3), '-i', file, '-frames:v', '1', '-vf', 'scale=32:24', '-pix_fmt', 'gray', '-f', 'rawvideo', 'pipe:1'], { maxBuffer: 1 << 20 });
  if (!stdout.length) throw new Error(`No frame at ${mediaMs} ms in ${path.basename(file)}`);
  return stdout.reduce((sum: number, v: number) => sum + v, 0) / stdout.length;
}
