// Where a segment's bytes are, in order: runs of chunks joined while the attempt ran, then the chunks no run covers.
// Fetched several at a time, handed on in order.
import { and, asc, eq } from 'drizzle-orm';
import { chunkRuns, chunks } from '../../models/schema.ts';
import type { Database } from '../database.ts';

type ChunkRow = typeof chunks.$inferSelect;

export async function segmentSources(db: Database, kept: ChunkRow[]) {
  if (!kept.length) return [];
  const { attemptId, stream, segment } = kept[0];
  const runs = await db.select().from(chunkRuns)
    .where(and(eq(chunkRuns.attemptId, attemptId), eq(chunkRuns.stream, stream), eq(chunkRuns.segment, segment)))
    .orderBy(asc(chunkRuns.firstSeq));
  const covered = (seq: number) => runs.some((r) => seq >= r.firstSeq && seq <= r.lastSeq);
  return [
    ...runs.map((r) => ({ seq: r.firstSeq, key: r.objectKey })),
    ...kept.filter((c) => !covered(c.seq)).map((c) => ({ seq: c.seq, key: c.objectKey })),
  ].sort((a, b) => a.seq - b.seq).map((s) => s.key);
}

/** Objects fetched `concurrency` at a time but yielded in the order given. */
export async function* fetchInOrder<T>(keys: string[], fetch: (key: string) => Promise<T>, concurrency = 16) {
  const inFlight: Promise<T>[] = [];
  let next = 0;
  while (next < keys.length || inFlight.length) {
    while (inFlight.length < concurrency && next < keys.length) {
      const request = fetch(keys[next++]);
      // Awaited below, in order (that await reports it); this only keeps an early failure from going unhandled.
      request.catch((error: Error) => error);
      inFlight.push(request);
    }
    yield await inFlight.shift()!;
  }
}
