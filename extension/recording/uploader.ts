// Drains the outbox oldest first: presigned PUT, then confirm; retries with backoff while offline.
import { ApiError, withRetry, type AttemptApi } from '../attempt/api.ts';
import { chunkKey, type Outbox, type OutboxChunk } from './outbox.ts';

async function sha256Hex(blob: Blob) {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function createUploader(outbox: Outbox, api: AttemptApi, options: { onError?: (message: string) => void } = {}) {
  let draining: Promise<void> | undefined;
  let uploaded = 0;
  /** Chunks the server refused for good: kept in the outbox (never deleted unconfirmed), no longer retried. */
  const refused = new Set<string>();

  async function upload(chunk: OutboxChunk) {
    const ref = { stream: chunk.stream, segment: chunk.segment, seq: chunk.seq };
    const sha256 = await sha256Hex(chunk.blob);
    await withRetry(async () => {
      const target = await api.chunkUpload({ ...ref, bytes: chunk.blob.size, sha256, segmentStartedAt: chunk.segmentStartedAt });
      const put = await fetch(target.url, { method: 'PUT', headers: target.headers, body: chunk.blob });
      if (!put.ok) throw new ApiError(put.status >= 500 || put.status === 403 ? 503 : put.status, `storage answered ${put.status}`);
      await api.chunkComplete(ref);
    }, { onRetry: (error) => options.onError?.(String((error as Error).message)) });
    uploaded += 1;
  }

  async function drain() {
    for (let chunk = await outbox.oldest(refused); chunk; chunk = await outbox.oldest(refused)) {
      try {
        await upload(chunk);
      } catch (error) {
        // Permanent refusal (the attempt is over, a conflicting chunk): keep it, report it, go on with the others.
        refused.add(chunkKey(chunk));
        options.onError?.(`chunk ${chunkKey(chunk)} refused: ${(error as Error).message}`);
        continue;
      }
      await outbox.remove(chunk);
    }
  }

  return {
    /** Starts draining if not already; resolves when the outbox is empty (or a chunk was refused). */
    kick() {
      draining ??= drain().finally(() => { draining = undefined; });
      return draining;
    },
    /** Resolves when every chunk is uploaded or refused: a refusal must never keep an attempt from finishing. */
    async flush() {
      while ((await outbox.count()) > refused.size) {
        await this.kick();
        if (!draining && (await outbox.count()) > refused.size) await new Promise((r) => setTimeout(r, 500));
      }
    },
    get uploaded() {
      return uploaded;
    },
    get refused() {
      return refused.size;
    },
  };
}
export type Uploader = ReturnType<typeof createUploader>;
