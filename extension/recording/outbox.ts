// Every recorded chunk is written here before any upload, and removed only after the server has kept it. A ledger
// beside it remembers every chunk the recorder emitted (without its bytes), so what reached the server can be checked
// against what was recorded, after crashes too.
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

export type LedgerEntry = Pick<OutboxChunk, 'attemptId' | 'stream' | 'segment' | 'seq' | 'segmentStartedAt'> & { bytes: number; emittedAt: number };

const dbName = 'invigil-outbox';
const store = 'chunks';
const ledgerStore = 'ledger';
/** Ledger entries are kept this long, for checks after the attempt. */
const ledgerDays = 7;

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

export const chunkKey = (c: Pick<OutboxChunk, 'stream' | 'segment' | 'seq'>) => `${c.stream}/${c.segment}/${c.seq}`;

/** The outbox of one attempt: chunks of other attempts (left by a crash) are never uploaded under this one. */
export async function openOutbox(attemptId: string) {
  const open = indexedDB.open(dbName, 2);
  open.onupgradeneeded = (event) => {
    if (event.oldVersion < 1) {
      const s = open.result.createObjectStore(store, { keyPath: ['attemptId', 'stream', 'segment', 'seq'] });
      s.createIndex('attemptCreatedAt', ['attemptId', 'createdAt']);
    }
    if (event.oldVersion < 2) open.result.createObjectStore(ledgerStore, { keyPath: ['attemptId', 'stream', 'segment', 'seq'] }).createIndex('emittedAt', 'emittedAt');
  };
  const mine = IDBKeyRange.bound([attemptId, 0], [attemptId, Number.MAX_SAFE_INTEGER]);
  // Keys are [attemptId, stream, segment, seq]: an empty array sorts after every string.
  const mineInLedger = IDBKeyRange.bound([attemptId], [attemptId, []]);
  const db = await request(open);
  const tx = (mode: IDBTransactionMode) => db.transaction(store, mode).objectStore(store);
  const old = db.transaction(ledgerStore, 'readwrite').objectStore(ledgerStore).index('emittedAt').openCursor(IDBKeyRange.upperBound(Date.now() - ledgerDays * 86_400_000));
  old.onsuccess = () => { old.result?.delete(); old.result?.continue(); };
  return {
    /** Stores a chunk and its ledger entry in one transaction: either both are kept or neither. */
    put: (chunk: OutboxChunk) => {
      if (chunk.attemptId !== attemptId) throw new Error('chunk of another attempt');
      const t = db.transaction([store, ledgerStore], 'readwrite');
      t.objectStore(store).put(chunk);
      const { blob, createdAt, ...ref } = chunk;
      t.objectStore(ledgerStore).put({ ...ref, bytes: blob.size, emittedAt: createdAt } satisfies LedgerEntry);
      return new Promise<void>((resolve, reject) => {
        t.oncomplete = () => resolve();
        t.onerror = () => reject(t.error ?? new Error('outbox write failed'));
        t.onabort = () => reject(t.error ?? new Error('outbox write aborted'));
      });
    },
    /** Everything this attempt's recorder emitted, kept or not. */
    ledger: () => request(db.transaction(ledgerStore).objectStore(ledgerStore).getAll(mineInLedger) as IDBRequest<LedgerEntry[]>),
    /** This attempt's oldest chunk first, so the recording arrives in order; chunks in `skip` are passed over. */
    oldest(skip: ReadonlySet<string> = new Set()): Promise<OutboxChunk | undefined> {
      return new Promise((resolve, reject) => {
        const cursor = tx('readonly').index('attemptCreatedAt').openCursor(mine);
        cursor.onerror = () => reject(cursor.error ?? new Error('outbox read failed'));
        cursor.onsuccess = () => {
          const c = cursor.result;
          if (c && skip.has(chunkKey(c.value as OutboxChunk))) return c.continue();
          resolve(c?.value as OutboxChunk | undefined);
        };
      });
    },
    count: () => request(tx('readonly').index('attemptCreatedAt').count(mine)),
    remove: (c: Pick<OutboxChunk, 'attemptId' | 'stream' | 'segment' | 'seq'>) =>
      request(tx('readwrite').delete([c.attemptId, c.stream, c.segment, c.seq])).then(() => undefined),
    close: () => db.close(),
  };
}
export type Outbox = Awaited<ReturnType<typeof openOutbox>>;
