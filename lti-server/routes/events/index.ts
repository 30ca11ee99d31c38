// Events the extension reports (tab switches, focus loss...). A retried batch is stored once; concurrent requests
// share one insert (event-batches.ts).
import { Router } from 'express';
import { eventsBody } from '../../../models/contracts.ts';
import { attemptPolicy } from '../../policies/attempt.ts';
import { extensionRoute } from '../attempts/extension-route.ts';
import { loadRecentAttempt } from '../attempts/load.ts';
import type { RouteContext } from '../context.ts';
import { eventBatches } from './event-batches.ts';

export function eventApi({ db, tokens, limiter }: RouteContext) {
  const router = Router();
  const batches = eventBatches(db);
  extensionRoute(router, { tokens, limiter }, '/attempts/:attemptId/events', 600)
    .validate(eventsBody)
    .load(loadRecentAttempt(db), 'That attempt')
    .authorize(attemptPolicy, 'record')
    .handle(async ({ res, record: attempt, input: { events } }) => {
      const stored = await batches.store(events.map((e) => ({
        attemptId: attempt.id, source: 'extension' as const, clientEventId: e.id, type: e.type, occurredAt: new Date(e.at), details: e.details,
      })));
      res.json({ accepted: events.length, stored });
    });
  return router;
}
