// The remux job on real chunks in s3rver: running it twice gives the same result, a segment whose last chunk was
// cut short still becomes a seekable recording, and an attempt that went idle is finalised without a finish.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { attemptEvents, attempts, chunkRuns, chunks, flags, quizzes, recordings } from '../../models/schema.ts';
import { compactChunks } from '../../lti-server/jobs/compact-chunks.ts';
import { finalizeIdleAttempts } from '../../lti-server/jobs/idle-finalize.ts';
import { remuxRecording } from '../../lti-server/jobs/remux-recording.ts';
import { objectKeys } from '../../lti-server/storage/bucket.ts';
import { startTestInvigil, type TestInvigil } from '../support/invigil.ts';
import { makeLiveWebm, sha256, sliceIntoChunks } from '../support/media.ts';
import { until } from '../support/wait.ts';

let invigil: TestInvigil;
let quizId: string;
beforeAll(async () => {
  invigil = await startTestInvigil();
  const [quiz] = await invigil.db.insert(quizzes).values({
    issuer: 'https://lms.test', clientId: 'c', deploymentId: 'd', title: 'Remux', quizUrl: 'https://lms.test/q',
    settings: { policyText: 'p' } as never, createdBy: 'teacher',
  }).returning();
  quizId = quiz.id;
});
afterAll(() => invigil?.close());

async function runningAttempt() {
  const [attempt] = await invigil.db.insert(attempts).values({ quizId, userId: `s-${Math.random()}`, status: 'in_progress', startedAt: new Date(Date.now() - 60_000), lastHeartbeatAt: new Date() }).returning();
  return attempt.id;
}

/** Chunks as the extension leaves them: in the bucket under their keys, recorded as uploaded. */
async function storeChunks(attemptId: string, segment: number, slices: Uint8Array[], segmentStartedAt: Date) {
  for (const [seq, data] of slices.entries()) {
    const key = objectKeys.chunk(attemptId, 'webcam', segment, seq);
    await invigil.bucket.putBytes(key, data, 'video/webm');
    await invigil.db.insert(chunks).values({ attemptId, stream: 'webcam', segment, seq, objectKey: key, bytes: data.length, sha256: sha256(data), segmentStartedAt, uploaded: true });
  }
}

const recordingOf = async (attemptId: string) => (await invigil.db.select().from(recordings).where(eq(recordings.attemptId, attemptId)))[0];
const gapEvents = (attemptId: string) => invigil.db.select().from(attemptEvents).where(and(eq(attemptEvents.attemptId, attemptId), eq(attemptEvents.type, 'recording_gap')));

it('gives the same recording when run twice, records each gap once, and gives flags without a picture one', async () => {
  const attemptId = await runningAttempt();
  const dir = await mkdtemp(path.join(tmpdir(), 'invigil-remux-'));
  const first = await sliceIntoChunks(await makeLiveWebm(path.join(dir, 'a.webm'), 9), 3);
  const second = await sliceIntoChunks(await makeLiveWebm(path.join(dir, 'b.webm'), 6), 2);
  const started = new Date(Date.now() - 60_000);
  await storeChunks(attemptId, 0, first, started);
  await storeChunks(attemptId, 1, second, new Date(started.getTime() + 20_000));
  // A lockdown flag 4 s in comes without a picture; one outside the recording gets none.
  const explanation = { model: 'chrome.system.display', thresholds: {}, scores: [], samples: 1, samplesHeld: 1, summary: '2 displays.' };
  await invigil.db.insert(flags).values([
    { attemptId, clientFlagId: 'displays-1', type: 'multiple_displays', severity: 'medium', startedAt: new Date(started.getTime() + 4000), endedAt: new Date(started.getTime() + 4000), explanation },
    { attemptId, clientFlagId: 'displays-2', type: 'multiple_displays', severity: 'medium', startedAt: new Date(started.getTime() - 60_000), endedAt: new Date(started.getTime() - 60_000), explanation },
  ]);

  await remuxRecording({ db: invigil.db, bucket: invigil.bucket }, attemptId, 'webcam');
  const once = await recordingOf(attemptId);
  await remuxRecording({ db: invigil.db, bucket: invigil.bucket }, attemptId, 'webcam');
  const twice = await recordingOf(attemptId);
  expect(once.status).toBe('ready');
  expect(twice).toMatchObject({ status: 'ready', objectKey: once.objectKey, bytes: once.bytes, durationMs: once.durationMs, startedAt: once.startedAt });
  expect(twice.durationMs).toBeGreaterThan(14_000);
  expect(twice.durationMs).toBeLessThan(16_500);
  // The review file and its stills along the scrubber, nothing else; the timeline places the second segment 20 s on.
  const stored = (await invigil.bucket.list(`review/${attemptId}/`)).map((o) => o.key);
  expect(stored.filter((k) => !k.includes('/thumbs/'))).toEqual([objectKeys.review(attemptId, 'webcam')]);
  expect(stored.filter((k) => k.includes('/thumbs/'))).toHaveLength(twice.thumbnails!.length);
  expect(twice.timeline!.map((s) => [s.segment, s.wallStartMs - started.getTime(), s.mediaOffsetMs === 0 ? 0 : s.mediaOffsetMs === twice.timeline![0].durationMs])).toEqual([[0, 0, 0], [1, 20_000, true]]);
  const pictured = await invigil.db.select().from(flags).where(eq(flags.attemptId, attemptId));
  expect(pictured.find((f) => f.clientFlagId === 'displays-2')!.evidenceKey).toBeNull();
  const key = pictured.find((f) => f.clientFlagId === 'displays-1')!.evidenceKey!;
  expect(key).toBe(objectKeys.evidence(attemptId, 'extension', 'displays-1'));
  const jpeg = await invigil.bucket.getBytes(key);
  expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
  const gaps = await gapEvents(attemptId);
  expect(gaps).toHaveLength(1);
  expect(gaps[0].details.summary).toMatch(/^11 s missing/);
});

it('joins consecutive chunks into runs while the attempt runs, and remuxes the same recording from them', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'invigil-runs-'));
  const slices = await sliceIntoChunks(await makeLiveWebm(path.join(dir, 'a.webm'), 15), 7);
  const started = new Date(Date.now() - 60_000);
  const plain = await runningAttempt();
  const compacted = await runningAttempt();
  await storeChunks(plain, 0, slices, started);
  // Chunk 5 has not arrived yet (offline): runs stop before the gap.
  await storeChunks(compacted, 0, slices, started);
  await invigil.db.update(chunks).set({ uploaded: false }).where(and(eq(chunks.attemptId, compacted), eq(chunks.seq, 5)));
  const deps = { db: invigil.db, bucket: invigil.bucket };
  expect(await compactChunks(deps, { attemptId: compacted, stream: 'webcam', segment: 0 }, 2)).toBe(2);
  expect(await compactChunks(deps, { attemptId: compacted, stream: 'webcam', segment: 0 }, 2)).toBe(0);
  await invigil.db.update(chunks).set({ uploaded: true }).where(and(eq(chunks.attemptId, compacted), eq(chunks.seq, 5)));
  expect(await compactChunks(deps, { attemptId: compacted, stream: 'webcam', segment: 0 }, 2)).toBe(1);
  const runs = await invigil.db.select().from(chunkRuns).where(eq(chunkRuns.attemptId, compacted));
  expect(runs.map((r) => [r.firstSeq, r.lastSeq])).toEqual([[0, 1], [2, 3], [4, 5]]);
  expect(runs.reduce((sum, r) => sum + r.bytes, 0)).toBe(slices.slice(0, 6).reduce((sum, c) => sum + c.length, 0));

  await remuxRecording(deps, plain, 'webcam');
  await remuxRecording(deps, compacted, 'webcam');
  const [a, b] = [await recordingOf(plain), await recordingOf(compacted)];
  expect(b).toMatchObject({ status: 'ready', bytes: a.bytes, durationMs: a.durationMs });
});

it('makes a seekable recording of a segment whose last chunk was cut short', async () => {
  const attemptId = await runningAttempt();
  const dir = await mkdtemp(path.join(tmpdir(), 'invigil-truncated-'));
  const slices = await sliceIntoChunks(await makeLiveWebm(path.join(dir, 'a.webm'), 12), 4);
  // The browser died mid-write: the last chunk holds half its bytes.
  slices[3] = slices[3].subarray(0, Math.floor(slices[3].length / 2));
  await storeChunks(attemptId, 0, slices, new Date(Date.now() - 30_000));
  await remuxRecording({ db: invigil.db, bucket: invigil.bucket }, attemptId, 'webcam');
  const recording = await recordingOf(attemptId);
  expect(recording.status).toBe('ready');
  expect(recording.durationMs).toBeGreaterThan(8_000);
  expect(recording.durationMs).toBeLessThanOrEqual(12_100);
});

it('finalises an attempt whose uploads and heartbeats stopped, and not one still going', async () => {
  const idleId = await runningAttempt();
  const busyId = await runningAttempt();
  const dir = await mkdtemp(path.join(tmpdir(), 'invigil-idle-'));
  const slices = await sliceIntoChunks(await makeLiveWebm(path.join(dir, 'a.webm'), 6), 2);
  await storeChunks(idleId, 0, slices, new Date(Date.now() - 20 * 60_000));
  await storeChunks(busyId, 0, slices, new Date(Date.now() - 20 * 60_000));
  const longAgo = new Date(Date.now() - 15 * 60_000);
  await invigil.db.update(attempts).set({ lastHeartbeatAt: longAgo }).where(eq(attempts.id, idleId));
  await invigil.db.update(chunks).set({ createdAt: longAgo }).where(eq(chunks.attemptId, idleId));

  expect(await finalizeIdleAttempts(invigil.db, invigil.queue, 10 * 60_000)).toEqual([idleId]);
  // Once finalised it is not queued again until new chunks arrive.
  expect(await finalizeIdleAttempts(invigil.db, invigil.queue, 10 * 60_000)).toEqual([]);
  const ready = await until('the idle attempt\'s recording', async () => {
    const r = await recordingOf(idleId);
    if (r?.status === 'failed') throw new Error(r.error ?? 'remux failed');
    return r?.status === 'ready' && r;
  }, 60_000);
  expect(ready.durationMs).toBeGreaterThan(5_000);
  expect(await recordingOf(busyId)).toBeUndefined();
  const [attempt] = await invigil.db.select().from(attempts).where(eq(attempts.id, idleId));
  // It ended without a submission: a final status, not "in progress" for ever.
  expect(attempt.status).toBe('unsubmitted');
});
