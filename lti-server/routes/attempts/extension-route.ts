// The start of every extension route on one attempt: a rate limit per attempt, then the attempt's bearer token.
import type { Router } from 'express';
import { attemptBearer } from '../../http/authenticate.ts';
import { rateLimit } from '../../http/rate-limit.ts';
import { route } from '../../http/route.ts';
import type { TokenService } from '../../http/tokens.ts';

export function extensionRoute(router: Router, tokens: TokenService, path: string, perMinute: number) {
  return route(router, 'post', path)
    .use(rateLimit({ windowMs: 60_000, max: perMinute, key: (req) => String(req.params.attemptId) }))
    .authenticate(attemptBearer(tokens));
}
