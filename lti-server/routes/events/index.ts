// Events the extension reports (tab switches, focus loss...). A retried batch is stored once.
import { Router } from 'express';
import { eventsBody, type AttemptEventInput } from '../../../models/contracts.ts';
import { attemptEvents } from '../../../models/schema.ts';
import { authenticateAttempt } from '../../http/authenticate.ts';
import { authorize } from '../../http/authorize.ts';
import { rateLimit } from '../../http/rate-limit.ts';
import { input, validate } from '../../http/validate.ts';
import { attemptPolicy, type AttemptWithQuiz } from '../../policies/attempt.ts';
import { loadAttempt } from '../attempts/load.ts';
import type { RouteContext } from '../context.ts';

export function eventApi({ db, tokens }: RouteContext) {
  const router = Router();
  router.post('/attempts/:attemptId/events',
    rateLimit({ windowMs: 60_000, max: 600, key: (req) => String(req.params.attemptId) }),
    authenticateAttempt(tokens),
    validate(eventsBody),
    authorize({ policy: attemptPolicy, action: 'record', load: loadAttempt(db), what: 'That attempt' }),
    async (_req, res) => {
      const attempt = res.locals.record as AttemptWithQuiz;
      const { events } = input<{ events: AttemptEventInput[] }>(res);
      const stored = await db.insert(attemptEvents).values(events.map((e) => ({
        attemptId: attempt.id, clientEventId: e.id, type: e.type, occurredAt: new Date(e.at), details: e.details,
      }))).onConflictDoNothing().returning({ id: attemptEvents.id });
      res.json({ accepted: events.length, stored: stored.length });
    });
  return router;
}
