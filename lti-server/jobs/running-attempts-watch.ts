// Sweeps running attempts: silent extensions are flagged, idle attempts finalised. A timer rather than a pg-boss
// schedule: cron's one-minute step is coarser than the heartbeat timeout, and both sweeps are idempotent, so every
// server instance may run them.
import type { Database } from '../database.ts';
import { flagSilentAttempts } from '../integrity/tamper-evidence.ts';
import { finalizeIdleAttempts } from './idle-finalize.ts';
import type { Queue } from './queue.ts';

export function watchRunningAttempts(db: Database, queue: Queue, options: { heartbeatTimeoutMs: number; idleFinalizeMs: number }) {
  const timeoutMs = options.heartbeatTimeoutMs;
  let sweeping: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    sweeping ??= Promise.all([flagSilentAttempts(db, timeoutMs), finalizeIdleAttempts(db, queue, options.idleFinalizeMs)])
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
