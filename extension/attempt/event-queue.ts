// Events reported to the server in small batches, retried until stored; repeats of one kind inside a batch
// are counted rather than sent one by one.
import type { AttemptEventInput } from '../../models/contracts.ts';
import type { ExtensionEventType } from '../../models/events.ts';
import { withRetry, type AttemptApi } from './api.ts';

export function createEventQueue(api: AttemptApi, options: { flushMs?: number } = {}) {
  const pending: AttemptEventInput[] = [];
  let counter = 0;
  let sending: Promise<void> | undefined;
  const prefix = crypto.randomUUID().slice(0, 8);

  async function send() {
    while (pending.length) {
      const batch = pending.slice(0, 100);
      await withRetry(() => api.events(batch), { maxDelayMs: 10_000 });
      pending.splice(0, batch.length);
    }
  }
  const timer = setInterval(() => void flush(), options.flushMs ?? 2000);

  function flush() {
    sending ??= send().finally(() => { sending = undefined; });
    return sending;
  }

  return {
    report: (type: ExtensionEventType, details: AttemptEventInput['details'] = {}) => {
      const last = pending.at(-1);
      if (last && last.type === type && JSON.stringify({ ...last.details, repeats: undefined }) === JSON.stringify({ ...details, repeats: undefined })) {
        last.details = { ...last.details, repeats: Number(last.details.repeats ?? 1) + 1 };
        return;
      }
      pending.push({ id: `${prefix}-${++counter}`, type, at: Date.now(), details });
    },
    flush,
    stop() {
      clearInterval(timer);
      return flush();
    },
  };
}
export type EventQueue = ReturnType<typeof createEventQueue>;
