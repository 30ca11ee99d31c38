// Turns one stream's chunks into a seekable WebM for review. Chunks are byte slices of one MediaRecorder output per
// segment (only the first carries the header), so each segment is concatenated, then remuxed with `-c copy` into a
// file (ffmpeg writes Cues only to a seekable file), then segments are joined.
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { attemptEvents, chunks, flags, recordings } from '../../models/schema.ts';
import { timesliceMs } from '../../models/recording.ts';
import type { Database } from '../database.ts';
import { objectKeys, type Bucket } from '../storage/bucket.ts';
import { ffmpeg, ffprobe } from '../media/ffmpeg.ts';
import { fetchInOrder, segmentSources } from './chunk-sources.ts';
import type { StreamName } from '../../models/streams.ts';
import { joinSegments, mediaToWall, wallRecorded, wallToMedia, type TimelineSegment } from '../../models/timeline.ts';

export async function probeDurationMs(file: string): Promise<number> {
  const { stdout } = await ffprobe(['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  const seconds = Number.parseFloat(stdout.trim());
  if (!Number.isFinite(seconds)) throw new Error(`ffprobe reported no duration for ${path.basename(file)}`);
  return Math.round(seconds * 1000);
}

async function remuxFile(input: string, output: string) {
  await ffmpeg(['-hide_banner', '-loglevel', 'error', '-y', '-fflags', '+genpts', '-i', input, '-c', 'copy', output]);
}

/** The recorder's timeslice: how much time one chunk holds, to say how long a gap was. */
const secondsPerChunk = timesliceMs / 1000;

type ChunkRow = typeof chunks.$inferSelect;
export type RecordingGap = { segment: number; at: number; seconds: number; missingChunks: number; summary: string };

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);

/**
 * Where the kept chunks of one stream leave holes: missing sequence numbers inside a segment, and the time between
 * one segment's end and the next one's start (a crash, reload or camera change starts a new segment).
 */
export function findGaps(kept: ChunkRow[]): RecordingGap[] {
  const gaps: RecordingGap[] = [];
  const segments = [...new Set(kept.map((c) => c.segment))].sort((a, b) => a - b);
  let previousEnd: number | undefined;
  for (const segment of segments) {
    const list = kept.filter((c) => c.segment === segment).sort((a, b) => a.seq - b.seq);
    const start = list[0].segmentStartedAt.getTime();
    if (previousEnd !== undefined && start - previousEnd >= 1000) {
      const seconds = Math.round((start - previousEnd) / 1000);
      gaps.push({ segment, at: previousEnd, seconds, missingChunks: 0, summary: `${seconds} s missing: the recording stopped at ${clock(previousEnd)} UTC and restarted at ${clock(start)} UTC` });
    }
    let expected = 0;
    for (const chunk of list) {
      if (chunk.seq > expected) {
        const missing = chunk.seq - expected;
        const at = start + expected * timesliceMs;
        gaps.push({ segment, at, seconds: missing * secondsPerChunk, missingChunks: missing, summary: `about ${missing * secondsPerChunk} s missing at ${clock(at)} UTC: ${missing} chunk${missing > 1 ? 's' : ''} never arrived` });
      }
      expected = chunk.seq + 1;
    }
    previousEnd = start + expected * timesliceMs;
  }
  return gaps;
}

/** A still is taken this far before the file's end at the latest: past the last frame, ffmpeg writes nothing. */
const lastFrameMarginMs = 400;
/** Stills along the scrubber: at most this many, one per this much recording at the least. */
const stripCount = 12;

/** One JPEG of the frame at `mediaMs` into `file`. `-ss` before `-i` seeks by the index: one decoded frame. */
async function still(file: string, mediaMs: number, durationMs: number, output: string, width: number) {
  const at = Math.max(0, Math.min(mediaMs, durationMs - lastFrameMarginMs));
  await ffmpeg(['-hide_banner', '-loglevel', 'error', '-y', '-ss', (at / 1000).toFixed(3), '-i', file, '-frames:v', '1', '-vf', `scale=${width}:-2`, '-q:v', '5', output]);
  // ffmpeg exits 0 without a frame when the seek lands past the last one.
  return readFile(output);
}

/**
 * Flags that came without a picture (the lockdown's and the server's own) get one from the webcam recording at the
 * moment they began, placed through the timeline (a flag after a hole is not at start + offset). A flag in a hole
 * gets none: nothing was recorded then. Each still that fails is a problem reported, never a failed recording.
 */
async function thumbnailsForFlags(deps: { db: Database; bucket: Bucket }, attemptId: string, file: string, timeline: TimelineSegment[], durationMs: number, work: string) {
  const problems: string[] = [];
  const bare = await deps.db.select().from(flags).where(and(eq(flags.attemptId, attemptId), isNull(flags.evidenceKey)));
  for (const flag of bare) {
    if (!wallRecorded(timeline, flag.startedAt.getTime())) continue;
    try {
      const jpeg = await still(file, wallToMedia(timeline, flag.startedAt.getTime()), durationMs, path.join(work, `flag-${flag.id}.jpg`), 160);
      const key = objectKeys.evidence(attemptId, flag.source, flag.clientFlagId);
      await deps.bucket.putBytes(key, jpeg, 'image/jpeg');
      await deps.db.update(flags).set({ evidenceKey: key }).where(and(eq(flags.id, flag.id), isNull(flags.evidenceKey)));
    } catch (error) {
      problems.push(`No picture for the flag at ${clock(flag.startedAt.getTime())} UTC: ${(error as Error).message.slice(0, 200)}`);
    }
  }
  return problems;
}

/** Stills spread along the recording, for the scrubber. */
async function stripThumbnails(bucket: Bucket, attemptId: string, stream: StreamName, file: string, timeline: TimelineSegment[], durationMs: number, work: string) {
  const count = Math.max(1, Math.min(stripCount, Math.floor(durationMs / 5000)));
  const list: { atMs: number; key: string }[] = [];
  for (let i = 0; i < count; i++) {
    const mediaMs = ((i + 0.5) / count) * durationMs;
    const jpeg = await still(file, mediaMs, durationMs, path.join(work, `strip-${i}.jpg`), 120);
    const key = objectKeys.thumbnail(attemptId, stream, i);
    await bucket.putBytes(key, jpeg, 'image/jpeg');
    list.push({ atMs: mediaToWall(timeline, mediaMs), key });
  }
  return list;
}

/** A side step (a picture, a strip) that fails is said, and the recording stays ready. */
async function sideStep<T>(problems: string[], what: string, step: () => Promise<T>): Promise<T | undefined> {
  try {
    return await step();
  } catch (error) {
    problems.push(`${what}: ${(error as Error).message.slice(0, 300)}`);
    return undefined;
  }
}

export async function remuxRecording(deps: { db: Database; bucket: Bucket }, attemptId: string, stream: StreamName) {
  const { db, bucket } = deps;
  const rows = await db.select().from(chunks)
    .where(and(eq(chunks.attemptId, attemptId), eq(chunks.stream, stream), eq(chunks.uploaded, true)))
    .orderBy(asc(chunks.segment), asc(chunks.seq));
  if (!rows.length) return;
  const where = and(eq(recordings.attemptId, attemptId), eq(recordings.stream, stream));
  const problems: string[] = [];
  const startedAt = new Date(Math.min(...rows.map((r) => r.segmentStartedAt.getTime())));
  await db.insert(recordings).values({ attemptId, stream, status: 'processing', startedAt, progress: 0, processingStartedAt: new Date() })
    .onConflictDoUpdate({ target: [recordings.attemptId, recordings.stream], set: { status: 'processing', progress: 0, processingStartedAt: new Date(), updatedAt: new Date() } });
  // Holes are recorded as integrity events, once each (the ids are derived from what is missing). A side step.
  await sideStep(problems, 'The gap events could not be recorded', async () => {
    const gaps = findGaps(rows);
    if (!gaps.length) return;
    await db.insert(attemptEvents).values(gaps.map((g) => ({
      attemptId, source: 'server' as const, clientEventId: `gap-${stream}-${g.segment}-${g.at}`, type: 'recording_gap' as const, occurredAt: new Date(g.at),
      details: { stream, segment: g.segment, seconds: g.seconds, missingChunks: g.missingChunks, summary: g.summary },
    }))).onConflictDoNothing();
  });

  const work = await mkdtemp(path.join(tmpdir(), 'invigil-remux-'));
  try {
    const segments = [...new Set(rows.map((r) => r.segment))];
    const remuxed: string[] = [];
    const parts: { segment: number; wallStartMs: number; durationMs: number }[] = [];
    for (const [index, segment] of segments.entries()) {
      const raw = path.join(work, `segment-${segment}.raw.webm`);
      const out = createWriteStream(raw);
      const mine = rows.filter((r) => r.segment === segment);
      const sources = await segmentSources(db, mine);
      for await (const bytes of fetchInOrder(sources, (key) => bucket.getBytes(key))) {
        if (!out.write(bytes)) await once(out, 'drain');
      }
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
      const file = path.join(work, `segment-${segment}.webm`);
      await remuxFile(raw, file);
      remuxed.push(file);
      parts.push({ segment, wallStartMs: Math.min(...mine.map((r) => r.segmentStartedAt.getTime())), durationMs: await probeDurationMs(file) });
      await db.update(recordings).set({ progress: (index + 1) / (segments.length + 1) }).where(where);
    }
    let final = remuxed[0];
    if (remuxed.length > 1) {
      const list = path.join(work, 'segments.txt');
      await writeFile(list, remuxed.map((f) => `file '${f.replace(/'/g, "'\\''")}'`).join('\n'));
      final = path.join(work, 'joined.webm');
      await ffmpeg(['-hide_banner', '-loglevel', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', final]);
    }
    const durationMs = await probeDurationMs(final);
    const timeline = joinSegments(parts);
    const { size } = await stat(final);
    const key = objectKeys.review(attemptId, stream);
    await bucket.putFile(key, final, 'video/webm', size);
    const thumbnails = await sideStep(problems, 'The stills along the scrubber could not be made', () => stripThumbnails(bucket, attemptId, stream, final, timeline, durationMs, work));
    if (stream === 'webcam') problems.push(...(await sideStep(problems, 'Flag pictures could not be made', () => thumbnailsForFlags({ db, bucket }, attemptId, final, timeline, durationMs, work)) ?? []));
    await db.update(recordings).set({
      status: 'ready', objectKey: key, bytes: size, durationMs, startedAt, timeline, thumbnails: thumbnails ?? [], sideProblems: problems.length ? problems : null,
      progress: 1, error: null, updatedAt: new Date(),
    }).where(where);
  } catch (error) {
    await db.update(recordings).set({ status: 'failed', error: String((error as Error).message).slice(0, 1000), progress: null, updatedAt: sql`now()` }).where(where);
    throw error;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
