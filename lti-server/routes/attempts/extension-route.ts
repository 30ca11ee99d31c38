// The start of every extension route on one attempt: the attempt's bearer token, then the attempt's own rate limit
// (a stranger without the token spends nothing of it).
import type { Router } from 'express';
import { attemptBearer } from '../../http/authenticate.ts';
import type { RateLimiter } from '../../http/rate-limit.ts';
import { route } from '../../http/route.ts';
import type { TokenService } from '../../http/tokens.ts';

export function extensionRoute(router: Router, deps: { tokens: TokenService; limiter: RateLimiter }, path: string, perMinute: number) {
  return route(router, 'post', path)
    .authenticate(attemptBearer(deps.tokens))
    .limit(deps.limiter, { name: path, max: perMinute, windowMs: 60_000 });
}
