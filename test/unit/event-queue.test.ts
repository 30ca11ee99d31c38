// Lockdown events are counted, not spammed: repeats of one event in a batch become one event with a count.
import { describe, expect, it } from 'vitest';
import type { AttemptEventInput } from '../../models/contracts.ts';
import type { AttemptApi } from '../../extension/attempt/api.ts';
import { createEventQueue } from '../../extension/attempt/event-queue.ts';

describe('the event queue', () => {
  it('folds repeats of the same event into a count and keeps the order of different ones', async () => {
    const sent: AttemptEventInput[][] = [];
    const api = { events: async (events: AttemptEventInput[]) => { sent.push(structuredClone(events)); return { accepted: events.length }; } } as unknown as AttemptApi;
    const queue = createEventQueue(api, { flushMs: 60_000 });
    for (let i = 0; i < 5; i++) queue.report('clipboard_blocked', { action: 'Ctrl+C' });
    queue.report('clipboard_blocked', { action: 'Ctrl+V' });
    queue.report('clipboard_blocked', { action: 'Ctrl+V' });
    queue.report('tab_switch', { to: 'another tab' });
    await queue.stop();
    expect(sent).toHaveLength(1);
    expect(sent[0].map((e) => [e.type, e.details])).toEqual([
      ['clipboard_blocked', { action: 'Ctrl+C', repeats: 5 }],
      ['clipboard_blocked', { action: 'Ctrl+V', repeats: 2 }],
      ['tab_switch', { to: 'another tab' }],
    ]);
    expect(new Set(sent[0].map((e) => e.id)).size).toBe(3);
  });
});
