// The retention job deletes exactly the expired attempts' objects, leaves a receipt for each, and nothing else.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { attempts, chunks, deletionReceipts, flags, quizzes, recordings } from '../../models/schema.ts';
import { applyRetention } from '../../lti-server/jobs/retention.ts';
import { objectKeys } from '../../lti-server/storage/bucket.ts';
import { startTestInvigil, type TestInvigil } from '../support/invigil.ts';

let invigil: TestInvigil;
beforeAll(async () => { invigil = await startTestInvigil(); });
afterAll(() => invigil?.close());

const day = 24 * 3600 * 1000;
const now = new Date('2026-11-22T12:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * day);

async function quizKeeping(retentionDays: number | undefined) {
  const settings = { sensitivity: 'normal', sampleSeconds: 1, recordWebcam: true, recordScreen: true, policyText: 'p', ...(retentionDays ? { retentionDays } : {}) };
  const [quiz] = await invigil.db.insert(quizzes).values({
    issuer: 'https://lms.test', clientId: 'c', deploymentId: 'd', title: `Keeps ${retentionDays ?? 'default'}`, quizUrl: 'https://lms.test/q',
    settings: settings as never, createdBy: 'teacher',
  }).returning();
  return quiz;
}

/** An attempt with a chunk, a review file and an evidence thumbnail in the bucket. */
async function attemptWithMedia(quizId: string, status: 'finished' | 'in_progress', endedDaysAgo: number) {
  const [attempt] = await invigil.db.insert(attempts).values({
    quizId, userId: `student-${Math.random()}`, status, startedAt: daysAgo(endedDaysAgo + 0.1), finishedAt: status === 'finished' ? daysAgo(endedDaysAgo) : null,
  }).returning();
  const keys = [objectKeys.chunk(attempt.id, 'webcam', 0, 0), objectKeys.review(attempt.id, 'webcam'), objectKeys.evidence(attempt.id, 'extension', 'f1')];
  for (const [i, key] of keys.entries()) await invigil.bucket.putBytes(key, new Uint8Array(100 * (i + 1)), 'application/octet-stream');
  await invigil.db.insert(chunks).values({ attemptId: attempt.id, stream: 'webcam', segment: 0, seq: 0, objectKey: keys[0], bytes: 100, sha256: 'a'.repeat(64), segmentStartedAt: daysAgo(endedDaysAgo), uploaded: true });
  await invigil.db.insert(recordings).values({ attemptId: attempt.id, stream: 'webcam', status: 'ready', objectKey: keys[1], bytes: 200, durationMs: 1000 });
  await invigil.db.insert(flags).values({
    attemptId: attempt.id, clientFlagId: 'f1', type: 'phone', severity: 'high', startedAt: daysAgo(endedDaysAgo), endedAt: daysAgo(endedDaysAgo), evidenceKey: keys[2],
    explanation: { model: 'm', thresholds: {}, scores: [0.5], samples: 5, samplesHeld: 3, summary: 'A phone.' },
  });
  return { attempt, keys };
}

const exists = async (key: string) => (await invigil.bucket.head(key)) !== undefined;

it('deletes exactly the expired attempts\' objects, with one receipt each, and nothing else', async () => {
  const month = await quizKeeping(undefined); // the default, 30 days
  const year = await quizKeeping(365);
  const expired = await attemptWithMedia(month.id, 'finished', 31);
  const recent = await attemptWithMedia(month.id, 'finished', 29);
  const keptLonger = await attemptWithMedia(year.id, 'finished', 31);
  const abandoned = await attemptWithMedia(month.id, 'in_progress', 40);
  const running = await attemptWithMedia(month.id, 'in_progress', 0);
  const unrelated = 'chunks/not-an-attempt/webcam/0000/000000.webm';
  await invigil.bucket.putBytes(unrelated, new Uint8Array(10), 'video/webm');

  const receipts = await applyRetention({ db: invigil.db, bucket: invigil.bucket }, now);
  expect(receipts.map((r) => r.attemptId).sort()).toEqual([expired.attempt.id, abandoned.attempt.id].sort());
  expect(receipts.find((r) => r.attemptId === expired.attempt.id)).toMatchObject({ objectCount: 3, bytes: 600, retentionDays: 30, prefixes: objectKeys.attemptPrefixes(expired.attempt.id) });
  expect(receipts[0].deletedAt.getTime()).toBe(now.getTime());

  for (const key of [...expired.keys, ...abandoned.keys]) expect(await exists(key), key).toBe(false);
  for (const key of [...recent.keys, ...keptLonger.keys, ...running.keys, unrelated]) expect(await exists(key), key).toBe(true);

  // The attempt stays, with its flags, and says its media is gone.
  const [attempt] = await invigil.db.select().from(attempts).where(eq(attempts.id, expired.attempt.id));
  expect(attempt.mediaDeletedAt?.getTime()).toBe(now.getTime());
  expect(await invigil.db.select().from(chunks).where(eq(chunks.attemptId, expired.attempt.id))).toEqual([]);
  expect((await invigil.db.select().from(recordings).where(eq(recordings.attemptId, expired.attempt.id)))[0]).toMatchObject({ status: 'deleted', objectKey: null });
  expect((await invigil.db.select().from(flags).where(eq(flags.attemptId, expired.attempt.id)))[0]).toMatchObject({ type: 'phone', evidenceKey: null });

  // A second run finds nothing more to do; a year later the longer-kept attempt goes too.
  expect(await applyRetention({ db: invigil.db, bucket: invigil.bucket }, now)).toEqual([]);
  const later = await applyRetention({ db: invigil.db, bucket: invigil.bucket }, new Date(now.getTime() + 340 * day));
  expect(later.map((r) => r.attemptId).sort()).toEqual([recent.attempt.id, keptLonger.attempt.id, running.attempt.id].sort());
  expect(await invigil.db.select().from(deletionReceipts)).toHaveLength(5);
  expect(await exists(unrelated)).toBe(true);
});
