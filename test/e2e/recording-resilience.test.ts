// No recorded second is lost: in Chromium with the built extension, the recorder's network goes offline for 22 s
// mid-recording and comes back, then the browser is killed with chunks still waiting in the outbox and relaunched with
// the same profile. Every chunk the recorder emitted (its ledger) must be on the server exactly once, byte for byte,
// and the remuxed recording must last as long as what was recorded.
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { attempts } from '../../models/schema.ts';
import { lmsTest } from '../support/fixtures.ts';
import { segmentMediaMs } from '../support/media.ts';
import { offlineAndCrashScenario } from '../support/resilience.ts';

const test = lmsTest({
  quiz: (quizUrl) => ({ title: 'Resilience', quizUrl, recordWebcam: 'on', recordScreen: 'on', lockdownPreset: 'off', policyText: 'Recorded.' }),
});

test('keeps every chunk through 22 s offline and a browser kill, and the recording lasts as long as what was recorded', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
  const run = await offlineAndCrashScenario({ invigil, platform, resourceLinkId, user: 'student-resilience' });
  // The scenario really left chunks waiting: offline, and at the kill.
  expect(run.observed.pendingWhileOffline).toBeGreaterThanOrEqual(10);
  expect(run.observed.pendingAtKill).toBeGreaterThanOrEqual(4);
  expect(new Set(run.ledger.map((e) => e.segment))).toEqual(new Set([0, 1]));

  // Every emitted chunk is on the server once, uploaded, with the same size; nothing else is.
  expect(run.lost).toEqual([]);
  expect(run.onServer.filter((c) => c.uploaded).map(run.key).sort()).toEqual(run.ledger.map(run.key).sort());
  for (const stream of ['webcam', 'screen']) {
    const bytes = (list: { stream: string; bytes: number }[]) => list.filter((c) => c.stream === stream).reduce((sum, c) => sum + c.bytes, 0);
    expect(bytes(run.onServer), stream).toBe(bytes(run.ledger));
  }
  expect(run.objects).toHaveLength(run.ledger.length);
  expect(run.objects.reduce((sum, o) => sum + o.bytes, 0)).toBe(run.ledger.reduce((sum, e) => sum + e.bytes, 0));

  // On loopback the bandwidth check picks full video.
  const [attempt] = await invigil.db.select().from(attempts).where(eq(attempts.id, run.attemptId));
  expect(attempt.recordingRung).toBe('full');

  // The remuxed webcam recording plays as long as its segments do, each made straight from its chunks: nothing was
  // dropped or doubled at the join. (Media time, not wall-clock time: a loaded machine emits chunks late, not short.)
  const segments = await segmentMediaMs(invigil.bucket, run.onServer.filter((c) => c.uploaded), 'webcam');
  expect(segments).toHaveLength(2);
  const perJoinMs = 250;
  expect(Math.abs(run.webcam.durationMs! - segments.reduce((a, b) => a + b, 0))).toBeLessThan(perJoinMs * segments.length);
  // More than the 22 s the scenario spent offline while recording.
  expect(run.webcam.durationMs!).toBeGreaterThan(22_000);
}, 300_000);
