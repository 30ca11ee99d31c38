// Flags raised by the extension's detector, each with its explanation. A retried flag is stored once.
import { Router } from 'express';
import { flagsBody, type FlagInput } from '../../../models/contracts.ts';
import { flags } from '../../../models/schema.ts';
import { authenticateAttempt } from '../../http/authenticate.ts';
import { authorize } from '../../http/authorize.ts';
import { rateLimit } from '../../http/rate-limit.ts';
import { input, validate } from '../../http/validate.ts';
import { attemptPolicy, type AttemptWithQuiz } from '../../policies/attempt.ts';
import { loadAttempt } from '../attempts/load.ts';
import type { RouteContext } from '../context.ts';

export function flagApi({ db, tokens }: RouteContext) {
  const router = Router();
  router.post('/attempts/:attemptId/flags',
    rateLimit({ windowMs: 60_000, max: 300, key: (req) => String(req.params.attemptId) }),
    authenticateAttempt(tokens),
    validate(flagsBody),
    authorize({ policy: attemptPolicy, action: 'record', load: loadAttempt(db), what: 'That attempt' }),
    async (_req, res) => {
      const attempt = res.locals.record as AttemptWithQuiz;
      const { flags: incoming } = input<{ flags: FlagInput[] }>(res);
      const stored = await db.insert(flags).values(incoming.map((f) => ({
        attemptId: attempt.id, clientFlagId: f.id, type: f.type, severity: f.severity,
        startedAt: new Date(f.startedAt), endedAt: new Date(f.endedAt), explanation: f.explanation,
      }))).onConflictDoNothing().returning({ id: flags.id });
      res.json({ accepted: incoming.length, stored: stored.length });
    });
  return router;
}
