// Reviewers decide: per flag, dismiss (with a reason) or confirm; per attempt, an outcome in the course's words; and
// they may ask the student to explain. Every decision is a new row (a revision never overwrites) and an audit entry.
import { Router, type Request } from 'express';
import { eq } from 'drizzle-orm';
import { attemptOutcomes, explanationRequests, flagDecisions, flags } from '../../../models/schema.ts';
import { recordAudit } from '../../audit/audit-log.ts';
import { launchSession, sessionQuery } from '../../http/authenticate.ts';
import { route } from '../../http/route.ts';
import { errorPage } from '../../pages/layout.ts';
import { attemptPolicy, type AttemptWithQuiz } from '../../policies/attempt.ts';
import { courseProfile } from '../../review/course-profile.ts';
import { notify } from '../../review/notifications.ts';
import type { Database } from '../../database.ts';
import { findAttempt, loadAttempt } from '../attempts/load.ts';
import type { RouteContext } from '../context.ts';
import { explanationRequestForm, flagDecisionForm, flagParams, outcomeForm } from './schema.ts';

const dayMs = 24 * 60 * 60_000;
const refused = (problems: { message: string }[]) => errorPage(400, `Not saved: ${problems.map((p) => p.message).join(' ')} Go back and correct it.`);

/** A flag with its attempt, for the attempt policy. */
function loadFlagAttempt(db: Database) {
  return async (req: Request) => {
    const parsed = flagParams.safeParse(req.params);
    if (!parsed.success) return undefined;
    const [flag] = await db.select().from(flags).where(eq(flags.id, parsed.data.flagId));
    const attempt = flag && await findAttempt(db, flag.attemptId);
    return attempt && Object.assign(attempt, { flag });
  };
}

export function decisionRoutes({ db, limiter, queue }: RouteContext) {
  const router = Router();
  const decider = (path: string) => route(router, 'post', path).authenticate(launchSession(db)).limit(limiter, { name: 'review-decisions', max: 120, windowMs: 60_000 });
  const backTo = (attempt: AttemptWithQuiz, q: string, anchor = '') => `/app/attempts/${attempt.id}/review?${q}${anchor}`;

  decider('/flags/:flagId/decisions').form(flagDecisionForm, (_c, problems) => refused(problems))
    .load(loadFlagAttempt(db), 'That flag').authorize(attemptPolicy, 'decide')
    .handle(async ({ res, actor, record: attempt, input, session }) => {
      await db.transaction(async (tx) => {
        await tx.insert(flagDecisions).values({ flagId: attempt.flag.id, attemptId: attempt.id, decision: input.decision, reason: input.reason, note: input.note, decidedBy: actor.userId, decidedByName: actor.userName });
        await recordAudit(tx, actor, 'flag_decided', { quizId: attempt.quizId, attemptId: attempt.id, details: { flagId: attempt.flag.id, flagType: attempt.flag.type, decision: input.decision, reason: input.reason, note: input.note } });
      });
      res.redirect(303, backTo(attempt, sessionQuery(session), `#flag-${attempt.flag.id}`));
    });

  decider('/attempts/:attemptId/outcomes').form(outcomeForm, (_c, problems) => refused(problems))
    .load(loadAttempt(db), 'That attempt').authorize(attemptPolicy, 'decide')
    .handle(async ({ res, actor, record: attempt, input, session }) => {
      const choice = (await courseProfile(db, attempt.quiz)).outcomes.find((o) => o.key === input.outcome);
      if (!choice) return void res.status(400).type('html').send(refused([{ message: `"${input.outcome}" is not one of this course's outcomes.` }]));
      await db.transaction(async (tx) => {
        await tx.insert(attemptOutcomes).values({ attemptId: attempt.id, outcome: choice.key, label: choice.label, countsAsOccurrence: choice.occurrence, note: input.note, decidedBy: actor.userId, decidedByName: actor.userName });
        await recordAudit(tx, actor, 'outcome_decided', { quizId: attempt.quizId, attemptId: attempt.id, details: { outcome: choice.key, label: choice.label, note: input.note } });
      });
      await notify.outcomeDecided(db, attempt, { label: choice.label, note: input.note });
      await queue.mailQueued();
      res.redirect(303, backTo(attempt, sessionQuery(session), '#outcome'));
    });

  decider('/attempts/:attemptId/explanation-requests').form(explanationRequestForm, (_c, problems) => refused(problems))
    .load(loadAttempt(db), 'That attempt').authorize(attemptPolicy, 'decide')
    .handle(async ({ res, actor, record: attempt, input, session }) => {
      if (input.flagId !== undefined) {
        const [flag] = await db.select({ attemptId: flags.attemptId }).from(flags).where(eq(flags.id, input.flagId));
        if (flag?.attemptId !== attempt.id) return void res.status(400).type('html').send(refused([{ message: 'That flag is not of this attempt.' }]));
      }
      const dueAt = new Date(Date.now() + input.dueDays * dayMs);
      await db.transaction(async (tx) => {
        await tx.insert(explanationRequests).values({ attemptId: attempt.id, flagId: input.flagId ?? null, message: input.message, dueAt, requestedBy: actor.userId, requestedByName: actor.userName });
        await recordAudit(tx, actor, 'explanation_requested', { quizId: attempt.quizId, attemptId: attempt.id, details: { flagId: input.flagId ?? null, message: input.message, dueAt: dueAt.toISOString() } });
      });
      await notify.explanationRequested(db, attempt, { message: input.message, dueAt });
      await queue.mailQueued();
      res.redirect(303, backTo(attempt, sessionQuery(session), input.flagId ? `#flag-${input.flagId}` : '#outcome'));
    });
  return router;
}
