// Faults survived, measured (test/support/faults.ts): attempts recording through a PostgreSQL restart, an S3 outage
// and a killed server process; how long each fault took to recover from, and what was lost (nothing, by target).
import { runFaultScenario } from '../../test/support/faults.ts';

const attemptCount = Number(process.env.BENCH_FAULT_ATTEMPTS ?? 20);
const outageSeconds = Number(process.env.BENCH_S3_OUTAGE_SECONDS ?? 60);

export const faultsBenchmark = {
  needsExtension: false,
  describe: `${attemptCount} attempts recording while PostgreSQL restarts, S3 is unreachable for ${outageSeconds} s and one of two server processes is killed and restarted`,
  async run() {
    const result = await runFaultScenario({ attempts: attemptCount, s3OutageMs: outageSeconds * 1000, log: (line) => console.log(`  faults: ${line}`) });
    return { ...result, finished_share: result.finished / result.attempts };
  },
};
