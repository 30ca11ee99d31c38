// Drains the outbox oldest first: presigned PUT, then confirm; retries with backoff while offline.
import { ApiError, withRetry, type AttemptApi } from '../attempt/api.ts';
import type { Outbox, OutboxChunk } from './outbox.ts';

async function sha256Hex(blob: Blob) {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function createUploader(outbox: Outbox, api: AttemptApi, options: { onError?: (message: string) => void } = {}) {
  let draining: Promise<void> | undefined;
  let uploaded = 0;

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
    for (let chunk = await outbox.oldest(); chunk; chunk = await outbox.oldest()) {
      try {
        await upload(chunk);
      } catch (error) {
        // Permanent refusal (e.g. the attempt is over): keep the chunk, report, and stop trying for now.
        options.onError?.(`chunk ${chunk.stream}/${chunk.segment}/${chunk.seq} refused: ${(error as Error).message}`);
        return;
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
    async flush() {
      while ((await outbox.count()) > 0) {
        await this.kick();
        if (!draining && (await outbox.count()) > 0) await new Promise((r) => setTimeout(r, 500));
      }
    },
    get uploaded() {
      return uploaded;
    },
  };
}
export type Uploader = ReturnType<typeof createUploader>;
