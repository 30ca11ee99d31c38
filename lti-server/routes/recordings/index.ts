// Chunk uploads: the extension asks for a presigned PUT per chunk, uploads it, then confirms; the server checks the
// object's size before it counts the chunk as kept.
import { Router } from 'express';
import { and, eq, sql } from 'drizzle-orm';
import { chunkCompleteBody, chunkContentType, chunkUploadBody, type ChunkUploadResponse } from '../../../models/contracts.ts';
import { chunks } from '../../../models/schema.ts';
import { attemptBearer } from '../../http/authenticate.ts';
import { conflict, HttpError } from '../../http/errors.ts';
import type { Database } from '../../database.ts';
import { attemptQuota } from '../../../models/recording.ts';
import { readQuizSettings } from '../quizzes/settings.ts';
import { route } from '../../http/route.ts';
import { attemptPolicy } from '../../policies/attempt.ts';
import { objectKeys, presignSeconds } from '../../storage/bucket.ts';
import { loadAttempt } from '../attempts/load.ts';
import type { RouteContext } from '../context.ts';

/** A chunk past what the quiz's time limit and bitrates allow one attempt is refused, saying which bound it broke. */
async function withinQuota(db: Database, attempt: { id: string; quiz: { settings: unknown } }, chunk: { segment: number; seq: number; bytes: number }) {
  const quota = attemptQuota(readQuizSettings(attempt.quiz.settings));
  const over = (what: string) => new HttpError(413, 'quota_exceeded', `${what}: more than an attempt of this quiz (up to ${quota.minutes} minutes at its bitrates) can record.`);
  if (chunk.seq > quota.maxSeq) throw over(`Chunk ${chunk.seq} of a segment`);
  if (chunk.segment > quota.maxSegment) throw over(`Segment ${chunk.segment}`);
  const [{ bytes }] = await db.select({ bytes: sql<number>`coalesce(sum(${chunks.bytes}), 0)::bigint` }).from(chunks).where(eq(chunks.attemptId, attempt.id));
  if (Number(bytes) + chunk.bytes > quota.maxBytes) throw over(`${Math.round((Number(bytes) + chunk.bytes) / 1048576)} MB in all`);
}

export function recordingApi({ db, tokens, bucket, queue, limiter }: RouteContext) {
  const router = Router();
  const limit = { name: 'chunks', max: 600, windowMs: 60_000 };

  route(router, 'post', '/attempts/:attemptId/chunks').authenticate(attemptBearer(tokens)).limit(limiter, limit).validate(chunkUploadBody)
    .load(loadAttempt(db), 'That attempt').authorize(attemptPolicy, 'record')
    .handle(async ({ res, record: attempt, input: chunk }) => {
    await withinQuota(db, attempt, chunk);
    const objectKey = objectKeys.chunk(attempt.id, chunk.stream, chunk.segment, chunk.seq);
    // Re-asking for the same chunk (a retry) is fine; a different body under the same number is not.
    const [row] = await db.insert(chunks).values({
      attemptId: attempt.id, stream: chunk.stream, segment: chunk.segment, seq: chunk.seq, objectKey,
      bytes: chunk.bytes, sha256: chunk.sha256, segmentStartedAt: new Date(chunk.segmentStartedAt),
    }).onConflictDoUpdate({
      target: [chunks.attemptId, chunks.stream, chunks.segment, chunks.seq],
      set: { objectKey },
      setWhere: and(eq(chunks.sha256, chunk.sha256), eq(chunks.bytes, chunk.bytes)),
    }).returning();
    if (!row) throw conflict('A different chunk was already recorded under this number.');
    const signed = await bucket.presignPut(objectKey, chunkContentType, chunk.bytes);
    const body: ChunkUploadResponse = { ...signed, expiresAt: Date.now() + presignSeconds * 1000 };
    res.json(body);
  });

  // Confirming may come after the attempt finished: the outbox drains last.
  route(router, 'post', '/attempts/:attemptId/chunks/complete').authenticate(attemptBearer(tokens)).limit(limiter, limit).validate(chunkCompleteBody)
    .load(loadAttempt(db), 'That attempt').authorize(attemptPolicy, 'finish')
    .handle(async ({ res, record: attempt, input: ref }) => {
    const where = and(eq(chunks.attemptId, attempt.id), eq(chunks.stream, ref.stream), eq(chunks.segment, ref.segment), eq(chunks.seq, ref.seq));
    const [chunk] = await db.select().from(chunks).where(where);
    if (!chunk) throw conflict('Ask for an upload URL for this chunk first.');
    const stored = await bucket.head(chunk.objectKey);
    if (!stored) throw conflict('The chunk has not arrived in storage; upload it again.');
    if (stored.bytes !== chunk.bytes) throw conflict(`The stored chunk has ${stored.bytes} bytes, not ${chunk.bytes}; upload it again.`);
    await db.update(chunks).set({ uploaded: true }).where(where);
    await queue.chunkKept({ attemptId: attempt.id, ...ref });
    res.json({ kept: true });
  });
  return router;
}
