// The tool server's extension API, as the extension calls it. Every call carries the attempt token.
import type {
  AttemptEventInput, ChunkUploadResponse, FlagInput, GatePassword, GateResultInput, HeartbeatInput, HeartbeatResponse, StartAttemptResponse, StreamName,
} from '../../models/contracts.ts';
import type { RecordingRung } from '../../models/recording.ts';

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
  /** 4xx other than timeouts and rate limits will not succeed on retry. */
  get permanent() {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429;
  }
}

async function post<T>(url: string, body: unknown, token?: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body ?? {}),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) as unknown : undefined;
  if (!response.ok) throw new ApiError(response.status, (data as { error?: { message?: string } } | undefined)?.error?.message ?? `HTTP ${response.status}`);
  return data as T;
}

export function startAttempt(apiBase: string, startToken: string) {
  return post<StartAttemptResponse>(`${apiBase}/attempts/start`, { startToken });
}

export function createAttemptApi(credentials: { apiBase: string; attemptId: string; attemptToken: string }) {
  const base = `${credentials.apiBase}/attempts/${credentials.attemptId}`;
  const call = <T>(path: string, body?: unknown) => post<T>(`${base}${path}`, body, credentials.attemptToken);
  return {
    heartbeat: (beat: HeartbeatInput) => call<HeartbeatResponse>('/heartbeat', beat),
    /** The student read the proctor's message (in the quiz overlay). */
    acknowledge: (messageId: number) => call<{ acknowledged: boolean }>(`/proctor-messages/${messageId}/acknowledge`),
    events: (events: AttemptEventInput[]) => call<{ accepted: number }>('/events', { events }),
    flags: (flags: FlagInput[]) => call<{ accepted: number }>('/flags', { flags }),
    chunkUpload: (chunk: { stream: StreamName; segment: number; seq: number; bytes: number; sha256: string; segmentStartedAt: number }) =>
      call<ChunkUploadResponse>('/chunks', chunk),
    chunkComplete: (chunk: { stream: StreamName; segment: number; seq: number }) => call<{ kept: true }>('/chunks/complete', chunk),
    finish: () => call<{ status: string }>('/finish'),
    /** The live dashboard's picture (proctored sessions only). */
    snapshot: (jpeg: string, takenAt: number) => call<{ kept: true }>('/snapshot', { jpeg, takenAt }),
    /** The quiz password to type; refused (409) until the recording reaches the server. */
    gatePassword: () => call<GatePassword>('/gate/password'),
    gateResult: (result: GateResultInput) => call<{ recorded: true }>('/gate/result', result),
    /** Times an upload of `bytes` random bytes, reports it, and returns the rung the server chose. */
    async bandwidth(bytes: number) {
      // Random bytes, so no proxy can compress them away (getRandomValues fills at most 64 KiB at a time).
      const probe = new Uint8Array(bytes);
      for (let i = 0; i < bytes; i += 65_536) crypto.getRandomValues(probe.subarray(i, Math.min(bytes, i + 65_536)));
      const started = performance.now();
      const response = await fetch(`${base}/bandwidth-probe`, {
        method: 'POST', headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${credentials.attemptToken}` }, body: probe,
      });
      if (!response.ok) throw new ApiError(response.status, `bandwidth probe: HTTP ${response.status}`);
      await response.arrayBuffer();
      return call<{ kbps: number; rung: RecordingRung }>('/bandwidth', { bytes, elapsedMs: Math.max(1, performance.now() - started) });
    },
  };
}
export type AttemptApi = ReturnType<typeof createAttemptApi>;

/** Retries with exponential backoff until `call` succeeds, a permanent error occurs, or `signal` aborts. */
export async function withRetry<T>(call: () => Promise<T>, options: { signal?: AbortSignal; maxDelayMs?: number; onRetry?: (error: unknown, attempt: number) => void } = {}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if ((error instanceof ApiError && error.permanent) || options.signal?.aborted) throw error;
      options.onRetry?.(error, attempt);
      const delay = Math.min(options.maxDelayMs ?? 30_000, 500 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
