// Events the extension reports (tab switches, focus loss...). A retried batch is stored once.
import { Router } from 'express';
import { eventsBody } from '../../../models/contracts.ts';
import { attemptEvents } from '../../../models/schema.ts';
import { attemptBearer } from '../../http/authenticate.ts';
import { rateLimit } from '../../http/rate-limit.ts';
import { route } from '../../http/route.ts';
import { attemptPolicy } from '../../policies/attempt.ts';
import { loadAttempt } from '../attempts/load.ts';
import type { RouteContext } from '../context.ts';

export function eventApi({ db, tokens }: RouteContext) {
  const router = Router();
  route(router, 'post', '/attempts/:attemptId/events')
    .use(rateLimit({ windowMs: 60_000, max: 600, key: (req) => String(req.params.attemptId) }))
    .authenticate(attemptBearer(tokens))
    .validate(eventsBody)
    .load(loadAttempt(db), 'That attempt')
    .authorize(attemptPolicy, 'record')
    .handle(async ({ res, record: attempt, input: { events } }) => {
      const stored = await db.insert(attemptEvents).values(events.map((e) => ({
        attemptId: attempt.id, clientEventId: e.id, type: e.type, occurredAt: new Date(e.at), details: e.details,
      }))).onConflictDoNothing().returning({ id: attemptEvents.id });
      res.json({ accepted: events.length, stored: stored.length });
    });
  return router;
}
