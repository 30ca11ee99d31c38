// Sweeps running attempts for silent extensions. A timer rather than a pg-boss schedule: cron's one-minute step is
// coarser than the timeout, and the sweep is idempotent, so every server instance may run it.
import type { Database } from '../database.ts';
import { flagSilentAttempts } from '../integrity/tamper-evidence.ts';

export function watchHeartbeats(db: Database, timeoutMs: number) {
  let sweeping: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    sweeping ??= flagSilentAttempts(db, timeoutMs)
      .catch((error: Error) => console.error('[heartbeat watch]', error.message))
      .finally(() => { sweeping = undefined; });
  }, Math.max(1000, timeoutMs / 3));
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await sweeping;
    },
  };
}
