// The student's side: "My proctoring record" — each of their proctored attempts in the course, its flags with the
// explanation and picture, what the instructor decided, and the explanations asked of them, answered here.
import { Router, type Request } from 'express';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { attempts, explanationRequests, quizzes } from '../../../models/schema.ts';
import { recordAudit } from '../../audit/audit-log.ts';
import type { Database } from '../../database.ts';
import { launchSession, sessionQuery } from '../../http/authenticate.ts';
import { route } from '../../http/route.ts';
import { errorPage } from '../../pages/layout.ts';
import { attemptPolicy } from '../../policies/attempt.ts';
import { courseOf, coursePolicy } from '../../policies/course.ts';
import { notify } from '../../review/notifications.ts';
import { findAttempt } from '../attempts/load.ts';
import type { RouteContext } from '../context.ts';
import { loadAttemptReview } from '../reviews/load.ts';
import { answerForm, requestParams } from './schema.ts';
import { recordPage } from './views.ts';

function loadRequestAttempt(db: Database) {
  return async (req: Request) => {
    const parsed = requestParams.safeParse(req.params);
    if (!parsed.success) return undefined;
    const [request] = await db.select().from(explanationRequests).where(eq(explanationRequests.id, parsed.data.requestId));
    const attempt = request && await findAttempt(db, request.attemptId);
    return attempt && Object.assign(attempt, { request });
  };
}

export function recordPages({ db, bucket, limiter, queue }: RouteContext) {
  const router = Router();
  const student = (method: 'get' | 'post', path: string) => route(router, method, path).authenticate(launchSession(db)).limit(limiter, { name: 'my-record', max: 60, windowMs: 60_000 });

  student('get', '/my-record').load((_req, { actor }) => courseOf(actor), 'Your course').authorize(coursePolicy, 'viewOwnRecord')
    .handle(async ({ req, res, actor, record: course, session }) => {
      const rows = await db.select({ id: attempts.id }).from(attempts).innerJoin(quizzes, eq(attempts.quizId, quizzes.id))
        .where(and(eq(attempts.userId, actor.userId), eq(quizzes.issuer, course.issuer), eq(quizzes.clientId, course.clientId),
          eq(quizzes.deploymentId, course.deploymentId), eq(quizzes.contextId, course.contextId!)))
        .orderBy(asc(attempts.createdAt));
      const mine = (await Promise.all(rows.map((r) => findAttempt(db, r.id)))).filter((a) => a !== undefined).filter((a) => attemptPolicy.viewOwn(actor, a));
      const reviews = await Promise.all(mine.map((a) => loadAttemptReview(db, bucket, a)));
      const q = sessionQuery(session);
      res.type('html').send(recordPage(reviews, { csrf: session.csrfToken, answerUrl: (id) => `/app/explanation-requests/${id}/answer?${q}`, answered: req.query.answered === '1' }));
    });

  student('post', '/explanation-requests/:requestId/answer')
    .form(answerForm, (_c, problems) => errorPage(400, `Not sent: ${problems.map((p) => p.message).join(' ')} Go back and correct it.`))
    .load(loadRequestAttempt(db), 'That request').authorize(attemptPolicy, 'viewOwn', 'Only the student asked can answer.')
    .handle(async ({ res, actor, record: attempt, input, session }) => {
      const { request } = attempt;
      if (request.dueAt.getTime() < Date.now()) {
        return void res.status(409).type('html').send(errorPage(409, `The deadline for this explanation passed on ${request.dueAt.toISOString().slice(0, 16).replace('T', ' ')} UTC. Write to your instructor directly.`));
      }
      // One answer: the first one stands (a second submit of the same form changes nothing).
      const [answered] = await db.update(explanationRequests).set({ answer: input.answer, answeredAt: new Date() })
        .where(and(eq(explanationRequests.id, request.id), isNull(explanationRequests.answer))).returning();
      if (answered) {
        await recordAudit(db, actor, 'explanation_answered', { quizId: attempt.quizId, attemptId: attempt.id, details: { requestId: request.id, flagId: request.flagId } });
        await notify.studentAnswered(db, attempt, input.answer);
        await queue.mailQueued();
      }
      res.redirect(303, `/app/my-record?${sessionQuery(session)}&answered=1#request-${request.id}`);
    });
  return router;
}
