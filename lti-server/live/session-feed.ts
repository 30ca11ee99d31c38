// What a live dashboard hears: a student's status or time changed, a flag was raised, the session started or ended.
// Anything that changes one publishes a small note with PostgreSQL's NOTIFY (delivered when its transaction commits),
// so every server instance hears it; each instance reads the changed row once and writes it to its own dashboards'
// Server-Sent Event streams. A note is small on purpose (NOTIFY payloads stop at 8,000 bytes): rows are read, not sent.
import { eq, sql } from 'drizzle-orm';
import { sessionParticipants } from '../../models/schema.ts';
import type { Database, Listen } from '../database.ts';

export const liveChannel = 'invigil_live';

export type LiveNote =
  | { kind: 'participant'; sessionId: string; participantId: number }
  | { kind: 'flag'; sessionId: string; participantId: number; flagId: number }
  | { kind: 'session'; sessionId: string };

/** Publishes a note (inside a transaction, it goes out when the transaction commits). */
export async function publishLive(db: Pick<Database, 'execute'>, note: LiveNote) {
  await db.execute(sql`select pg_notify(${liveChannel}, ${JSON.stringify(note)})`);
}

/** A note about the participant an attempt belongs to, when it belongs to a session (most attempts do not). */
export async function publishAttempt(db: Pick<Database, 'select' | 'execute'>, attemptId: string, flagId?: number) {
  const [participant] = await db.select({ id: sessionParticipants.id, sessionId: sessionParticipants.sessionId }).from(sessionParticipants)
    .where(eq(sessionParticipants.attemptId, attemptId)).limit(1);
  if (!participant) return;
  await publishLive(db, flagId === undefined
    ? { kind: 'participant', sessionId: participant.sessionId, participantId: participant.id }
    : { kind: 'flag', sessionId: participant.sessionId, participantId: participant.id, flagId });
}

/** One open stream of one dashboard: `write` sends an SSE frame made once for every stream. */
export type LiveClient = { write(frame: string): void };

/** An SSE frame: its event name and its data as one JSON line. */
export const sseFrame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * The instance's dashboards by session. `render` turns a note into the events its dashboards get (one read per note
 * and instance, however many dashboards watch); after a lost listener connection, `resync` sends each dashboard the
 * whole state again.
 */
export function createSessionFeed(listen: Listen, render: {
  note(note: LiveNote): Promise<{ event: string; data: unknown }[]>;
  resync(sessionId: string): Promise<{ event: string; data: unknown }[]>;
}) {
  const watching = new Map<string, Set<LiveClient>>();
  let stop: (() => Promise<void>) | undefined;
  // Notes are handled in order, one at a time per instance: a dashboard never sees a later state before an earlier one.
  let queue = Promise.resolve();
  const deliver = (sessionId: string, events: { event: string; data: unknown }[]) => {
    // Serialised once, written to every stream: 10,000 dashboards cost one JSON.stringify per event, not 10,000.
    const frames = events.map((e) => sseFrame(e.event, e.data)).join('');
    for (const client of watching.get(sessionId) ?? []) client.write(frames);
  };
  const onPayload = (payload: string) => {
    queue = queue.then(async () => {
      if (payload === '') {
        for (const sessionId of watching.keys()) deliver(sessionId, await render.resync(sessionId));
        return;
      }
      const note = JSON.parse(payload) as LiveNote;
      if (!watching.has(note.sessionId)) return;
      deliver(note.sessionId, await render.note(note));
    }).catch((error: Error) => console.error('[live]', error.message));
  };
  return {
    async start() {
      stop = await listen(liveChannel, onPayload);
    },
    async stop() {
      await stop?.();
      await queue;
    },
    subscribe(sessionId: string, client: LiveClient) {
      let set = watching.get(sessionId);
      if (!set) watching.set(sessionId, (set = new Set()));
      set.add(client);
      return () => {
        set.delete(client);
        if (!set.size) watching.delete(sessionId);
      };
    },
    /** How many streams this instance holds (the benchmark's figure). */
    get clients() {
      let n = 0;
      for (const set of watching.values()) n += set.size;
      return n;
    },
  };
}
export type SessionFeed = ReturnType<typeof createSessionFeed>;
