// Faults survived (test/support/faults.ts): 20 attempts recording while PostgreSQL restarts, S3 is unreachable for
// 60 s and one of two server processes is killed and started again. Every attempt finishes with a ready recording,
// nothing acknowledged is lost, and every silence longer than the heartbeat timeout is on the timeline as a flag.
import { expect, test } from 'vitest';
import { runFaultScenario } from '../support/faults.ts';

test('20 attempts through a PostgreSQL restart, a 60 s S3 outage and a killed server process', async () => {
  const result = await runFaultScenario({ attempts: 20, s3OutageMs: 60_000, log: (line) => console.log(`[faults] ${line}`) });
  console.log(`[faults] ${JSON.stringify(result)}`);
  expect(result.finished).toBe(20);
  expect(result.acknowledged_chunks).toBe(20 * 20);
  expect(result.acknowledged_flags).toBe(20);
  expect(result.acknowledged_events).toBeGreaterThan(20 * 20);
  expect({ events: result.lost_events, flags: result.lost_flags, chunks: result.lost_chunks }).toEqual({ events: 0, flags: 0, chunks: 0 });
  expect(result.recording_gaps).toBe(0);
  // The killed server's attempts (half of them) went silent for longer than the timeout: each silence is explained.
  expect(result.heartbeat_gaps).toBeGreaterThanOrEqual(10);
  expect(result.unexplained_gaps).toBe(0);
}, 600_000);
