// Events the extension reports (tab switches, focus loss...). A retried batch is stored once.
import { Router } from 'express';
import { eventsBody } from '../../../models/contracts.ts';
import { attemptEvents } from '../../../models/schema.ts';
import { attemptPolicy } from '../../policies/attempt.ts';
import { extensionRoute } from '../attempts/extension-route.ts';
import { loadAttempt } from '../attempts/load.ts';
import type { RouteContext } from '../context.ts';

export function eventApi({ db, tokens, limiter }: RouteContext) {
  const router = Router();
  extensionRoute(router, { tokens, limiter }, '/attempts/:attemptId/events', 600)
    .validate(eventsBody)
    .load(loadAttempt(db), 'That attempt')
    .authorize(attemptPolicy, 'record')
    .handle(async ({ res, record: attempt, input: { events } }) => {
      const stored = await db.insert(attemptEvents).values(events.map((e) => ({
        attemptId: attempt.id, source: 'extension' as const, clientEventId: e.id, type: e.type, occurredAt: new Date(e.at), details: e.details,
      }))).onConflictDoNothing().returning({ id: attemptEvents.id });
      res.json({ accepted: events.length, stored: stored.length });
    });
  return router;
}
