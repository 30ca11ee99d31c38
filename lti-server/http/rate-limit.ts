// Rate limits. `principalLimit` counts per authenticated principal (a user, an attempt, an invite), after
// authentication, in PostgreSQL, so every server process enforces one budget and nobody can spend someone else's.
// `floodGuard` is a coarse per-address limit in memory, before authentication, sized for a campus behind one NAT.
import type { Request, RequestHandler } from 'express';
import { lt, sql } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { rateLimitWindows } from '../../models/schema.ts';
import type { Actor } from './actors.ts';
import { HttpError } from './errors.ts';

export type Limit = { name: string; max: number; windowMs: number };

/** Whose budget a request spends. Anonymous requests share their address's. */
export function principalOf(actor: Actor, req: Request): string {
  switch (actor.kind) {
    case 'lti': return `user:${actor.issuer}:${actor.userId}`;
    case 'extension': return `attempt:${actor.attemptId}`;
    case 'invite': return `invite:${actor.inviteId}`;
    case 'anonymous': return `ip:${req.ip ?? 'unknown'}`;
    case 'admin': return 'admin';
    case 'auditor': return `auditor:${actor.auditorId}`;
  }
}

const tooMany = (retryAfterSeconds: number) =>
  Object.assign(new HttpError(429, 'rate_limited', 'Too many requests; slow down and retry.'), { retryAfterSeconds });

export function createRateLimiter(db: Database) {
  let calls = 0;
  // Every request of every route runs it: prepared once, so no query is built per request.
  const count = db.insert(rateLimitWindows).values({ key: sql.placeholder('key'), windowStart: sql.placeholder('windowStart'), hits: 1 })
    .onConflictDoUpdate({ target: [rateLimitWindows.key, rateLimitWindows.windowStart], set: { hits: sql`${rateLimitWindows.hits} + 1` } })
    .returning({ hits: rateLimitWindows.hits }).prepare('rate_limit_hit');
  return {
    /** Counts one request against `limit` for `principal`; over the limit is a 429 with Retry-After. */
    async hit(principal: string, limit: Limit, now = Date.now()) {
      const windowStart = new Date(now - (now % limit.windowMs));
      const [row] = await count.execute({ key: `${limit.name}:${principal}`, windowStart });
      // Old windows go now and then, by whichever process gets there.
      if (++calls % 500 === 0) await db.delete(rateLimitWindows).where(lt(rateLimitWindows.windowStart, new Date(now - 24 * 3_600_000)));
      if (row.hits > limit.max) throw tooMany(Math.ceil((windowStart.getTime() + limit.windowMs - now) / 1000));
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;

/** A per-address flood guard in memory (one process's view): generous, it only stops a runaway client. */
export function floodGuard(options: { windowMs: number; max: number; key?: (req: Request) => string }): RequestHandler {
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
      return next(tooMany(Math.ceil((window.start + options.windowMs - now) / 1000)));
    }
    next();
  };
}
