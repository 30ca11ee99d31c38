// An attempt whose webcam recording has a crash hole, made of real chunks in the bucket: 10 s recorded, a 25 s
// hole, 15 s recorded, with brightness that tells the time (makeLumaWebm), a flag 10 s after the hole and one at
// the very end. What a moment should show is computed from the chunks themselves (segmentMediaMs), never from the
// remux's own timeline.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { chunks, flags, recordings } from '../../models/schema.ts';
import { remuxRecording } from '../../lti-server/jobs/remux-recording.ts';
import { objectKeys } from '../../lti-server/storage/bucket.ts';
import type { TestInvigil } from './invigil.ts';
import { frameLuma, makeLumaWebm, segmentMediaMs, sha256, sliceIntoChunks } from './media.ts';

export const gapShape = { firstSeconds: 10, holeSeconds: 25, secondSeconds: 15, flagAfterHoleSeconds: 10, firstBase: 20, secondBase: 100, lumaPerSecond: 8 };

const explanation = (summary: string) => ({ model: 'test', thresholds: {}, scores: [], samples: 1, samplesHeld: 1, summary });

export async function seedGapRecording(invigil: TestInvigil, attemptId: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'invigil-gap-'));
  try {
    const s = gapShape;
    const first = await sliceIntoChunks(await makeLumaWebm(path.join(dir, 'a.webm'), s.firstSeconds, s.firstBase, s.lumaPerSecond), 4);
    const second = await sliceIntoChunks(await makeLumaWebm(path.join(dir, 'b.webm'), s.secondSeconds, s.secondBase, s.lumaPerSecond), 5);
    const start = Date.now() - 5 * 60_000;
    const secondStart = start + (s.firstSeconds + s.holeSeconds) * 1000;
    const kept: { stream: string; segment: number; seq: number; objectKey: string }[] = [];
    for (const [segment, slices, startedAt] of [[0, first, start], [1, second, secondStart]] as const) {
      for (const [seq, data] of slices.entries()) {
        const key = objectKeys.chunk(attemptId, 'webcam', segment, seq);
        await invigil.bucket.putBytes(key, data, 'video/webm');
        await invigil.db.insert(chunks).values({ attemptId, stream: 'webcam', segment, seq, objectKey: key, bytes: data.length, sha256: sha256(data), segmentStartedAt: new Date(startedAt), uploaded: true });
        kept.push({ stream: 'webcam', segment, seq, objectKey: key });
      }
    }
    const durations = await segmentMediaMs(invigil.bucket, kept, 'webcam');
    const flagAt = secondStart + s.flagAfterHoleSeconds * 1000;
    const endAt = secondStart + durations[1];
    const [afterHole, atEnd] = await invigil.db.insert(flags).values([
      { attemptId, clientFlagId: 'after-hole', type: 'multiple_displays', severity: 'medium', startedAt: new Date(flagAt), endedAt: new Date(flagAt + 3000), explanation: explanation('2 displays.') },
      { attemptId, clientFlagId: 'at-end', type: 'multiple_displays', severity: 'medium', startedAt: new Date(endAt), endedAt: new Date(endAt), explanation: explanation('2 displays at the very end.') },
    ]).returning();
    await remuxRecording({ db: invigil.db, bucket: invigil.bucket }, attemptId, 'webcam');
    const [recording] = await invigil.db.select().from(recordings).where(eq(recordings.attemptId, attemptId));
    return {
      start, secondStart, durations, recording, afterHole, atEnd,
      /** Where the flag after the hole is in the review file, from the chunks alone. */
      expectedMediaMs: durations[0] + s.flagAfterHoleSeconds * 1000,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The luma of the review file's frame at a media time, and of a JPEG in the bucket. */
export async function lumaOf(invigil: TestInvigil, key: string, mediaMs = 0) {
  const dir = await mkdtemp(path.join(tmpdir(), 'invigil-luma-'));
  try {
    const file = path.join(dir, path.basename(key));
    await writeFile(file, await invigil.bucket.getBytes(key));
    return await frameLuma(file, mediaMs);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
