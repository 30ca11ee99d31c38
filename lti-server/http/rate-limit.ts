// A fixed-window limiter per client key. In memory: one instance's view, enough to stop a runaway client.
import type { Request, RequestHandler } from 'express';
import { HttpError } from './errors.ts';

export function rateLimit(options: { windowMs: number; max: number; key?: (req: Request) => string }): RequestHandler {
  const windows = new Map<string, { start: number; count: number }>();
  const keyOf = options.key ?? ((req: Request) => req.ip ?? 'unknown');
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [k, w] of windows) if (now - w.start >= options.windowMs) windows.delete(k);
  }, options.windowMs);
  sweep.unref();
  return (req, res, next) => {
    const now = Date.now();
    const key = keyOf(req);
    let window = windows.get(key);
    if (!window || now - window.start >= options.windowMs) {
      window = { start: now, count: 0 };
      windows.set(key, window);
    }
    window.count += 1;
    if (window.count > options.max) {
      res.setHeader('Retry-After', String(Math.ceil((window.start + options.windowMs - now) / 1000)));
      return next(new HttpError(429, 'rate_limited', 'Too many requests; slow down and retry.'));
    }
    next();
  };
}
