// Every recorded chunk is written here before any upload, and removed only after the server has kept it.
import type { StreamName } from '../../models/contracts.ts';

export type OutboxChunk = {
  attemptId: string;
  stream: StreamName;
  segment: number;
  seq: number;
  segmentStartedAt: number;
  blob: Blob;
  createdAt: number;
};

const dbName = 'invigil-outbox';
const store = 'chunks';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** The outbox of one attempt: chunks of other attempts (left by a crash) are never uploaded under this one. */
export async function openOutbox(attemptId: string) {
  const open = indexedDB.open(dbName, 1);
  open.onupgradeneeded = () => {
    const s = open.result.createObjectStore(store, { keyPath: ['attemptId', 'stream', 'segment', 'seq'] });
    s.createIndex('attemptCreatedAt', ['attemptId', 'createdAt']);
  };
  const mine = IDBKeyRange.bound([attemptId, 0], [attemptId, Number.MAX_SAFE_INTEGER]);
  const db = await request(open);
  const tx = (mode: IDBTransactionMode) => db.transaction(store, mode).objectStore(store);
  return {
    put: (chunk: OutboxChunk) => {
      if (chunk.attemptId !== attemptId) throw new Error('chunk of another attempt');
      return request(tx('readwrite').put(chunk)).then(() => undefined);
    },
    /** This attempt's oldest chunk first, so the recording arrives in order. */
    async oldest(): Promise<OutboxChunk | undefined> {
      const cursor = await request(tx('readonly').index('attemptCreatedAt').openCursor(mine));
      return cursor?.value as OutboxChunk | undefined;
    },
    count: () => request(tx('readonly').index('attemptCreatedAt').count(mine)),
    remove: (c: Pick<OutboxChunk, 'attemptId' | 'stream' | 'segment' | 'seq'>) =>
      request(tx('readwrite').delete([c.attemptId, c.stream, c.segment, c.seq])).then(() => undefined),
    close: () => db.close(),
  };
}
export type Outbox = Awaited<ReturnType<typeof openOutbox>>;
