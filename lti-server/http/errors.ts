// Errors a request can end with. Each becomes a JSON body for the extension API and a readable page in the app.
import type { ErrorRequestHandler } from 'express';
import { z } from 'zod';
import { errorPage } from '../pages/layout.ts';

export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
  }
}

export const badRequest = (message: string, details?: unknown) => new HttpError(400, 'invalid_request', message, details);
export const unauthorized = (message = 'Sign in again: the session is missing, invalid or expired.') => new HttpError(401, 'unauthorized', message);
export const forbidden = (message = 'You are not allowed to do this.') => new HttpError(403, 'forbidden', message);
export const notFound = (what = 'That record') => new HttpError(404, 'not_found', `${what} was not found.`);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);

export function describeZodError(error: z.ZodError) {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/** Body-parser and friends throw errors carrying `status` and `type`; map the ones clients cause. */
function fromFrameworkError(error: unknown): HttpError | undefined {
  const e = error as { status?: number; type?: string; message?: string };
  if (e?.type === 'entity.too.large') return new HttpError(413, 'payload_too_large', 'The request body is too large.');
  if (e?.type === 'entity.parse.failed') return badRequest('The request body is not valid JSON.');
  if (e?.status && e.status >= 400 && e.status < 500) return new HttpError(e.status, 'invalid_request', e.message ?? 'Bad request.');
  return undefined;
}

/** A request's address for the log: its path and the names of its parameters, never their values (sessions, keys, codes). */
export function redactedUrl(url: string) {
  const [path, query] = url.split('?', 2);
  if (!query) return path;
  const names = [...new URLSearchParams(query).keys()];
  return `${path}?${names.map((n) => `${encodeURIComponent(n)}=…`).join('&')}`;
}

export function errorHandler(format: 'json' | 'html'): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const known = error instanceof HttpError ? error : fromFrameworkError(error);
    const http = known ?? new HttpError(500, 'internal_error', 'Something went wrong on our side. The error was logged.');
    if (!known) console.error(`[${req.method} ${redactedUrl(req.originalUrl)}]`, error);
    if (res.headersSent) return;
    const retryAfter = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
    if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
    // Script calls from tool pages (JSON in or out) get JSON even under /app.
    if (format === 'json' || req.is('application/json') || req.path.endsWith('.json')) {
      res.status(http.status).json({ error: { code: http.code, message: http.message, details: http.details } });
    } else {
      res.status(http.status).type('html').send(errorPage(http.status, http.message));
    }
  };
}
