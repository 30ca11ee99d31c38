// Events from many requests stored in one statement: requests arriving while a write is under way wait for the next
// one (at most `maxRows` rows each). Each request is answered only once its own rows are committed, so an
// acknowledged event is always stored; a failed write fails every request in it, and their extensions retry.
import { attemptEvents } from '../../../models/schema.ts';
import type { Database } from '../../database.ts';

type Row = typeof attemptEvents.$inferInsert;
type Waiting = { rows: Row[]; resolve: (stored: number) => void; reject: (error: unknown) => void };

export function eventBatches(db: Database, maxRows = 1000) {
  let waiting: Waiting[] = [];
  let writing = false;

  async function write() {
    writing = true;
    while (waiting.length) {
      // Whole requests, up to maxRows (a request bigger than that goes alone).
      let taken = 0;
      let rows = 0;
      while (taken < waiting.length && (taken === 0 || rows + waiting[taken].rows.length <= maxRows)) rows += waiting[taken++].rows.length;
      const batch = waiting.slice(0, taken);
      waiting = waiting.slice(taken);
      try {
        const stored = await db.insert(attemptEvents).values(batch.flatMap((w) => w.rows)).onConflictDoNothing()
          .returning({ attemptId: attemptEvents.attemptId, clientEventId: attemptEvents.clientEventId });
        const keys = new Set(stored.map((s) => `${s.attemptId}\n${s.clientEventId}`));
        for (const w of batch) w.resolve(w.rows.filter((r) => keys.delete(`${r.attemptId}\n${r.clientEventId}`)).length);
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    writing = false;
  }

  return {
    /** Stores the rows (a retried event is stored once); resolves with how many were new. */
    store(rows: Row[]): Promise<number> {
      return new Promise<number>((resolve, reject) => {
        waiting.push({ rows, resolve, reject });
        if (!writing) void write();
      });
    },
  };
}
