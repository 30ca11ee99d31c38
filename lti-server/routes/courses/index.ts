// GET /app/course: the course's proctored quizzes — where course navigation (Canvas) lands an instructor.
import { Router } from 'express';
import { and, count, countDistinct, eq, inArray } from 'drizzle-orm';
import { attempts, flags, quizzes } from '../../../models/schema.ts';
import { launchSession, sessionQuery } from '../../http/authenticate.ts';
import { route } from '../../http/route.ts';
import { courseOf, coursePolicy } from '../../policies/course.ts';
import type { RouteContext } from '../context.ts';
import { coursePage } from './views.ts';

export function coursePages({ db, limiter }: RouteContext) {
  const router = Router();
  route(router, 'get', '/course').authenticate(launchSession(db)).limit(limiter, { name: 'course-page', max: 120, windowMs: 60_000 })
    .load((_req, { actor }) => courseOf(actor), 'Your course').authorize(coursePolicy, 'listQuizzes', 'The course\'s proctored quizzes are for its instructors.')
    .handle(async ({ res, record: course, session }) => {
      const list = await db.select().from(quizzes).where(and(eq(quizzes.issuer, course.issuer), eq(quizzes.clientId, course.clientId), eq(quizzes.deploymentId, course.deploymentId), eq(quizzes.contextId, course.contextId!)));
      const ids = list.map((q) => q.id);
      const [attemptCounts, flaggedCounts] = ids.length ? await Promise.all([
        db.select({ quizId: attempts.quizId, n: count() }).from(attempts).where(inArray(attempts.quizId, ids)).groupBy(attempts.quizId),
        db.select({ quizId: attempts.quizId, n: countDistinct(flags.attemptId) }).from(flags).innerJoin(attempts, eq(flags.attemptId, attempts.id)).where(inArray(attempts.quizId, ids)).groupBy(attempts.quizId),
      ]) : [[], []];
      const of = (rows: { quizId: string; n: number }[], id: string) => rows.find((r) => r.quizId === id)?.n ?? 0;
      res.type('html').send(coursePage(list.sort((a, b) => a.title.localeCompare(b.title)).map((quiz) => ({ quiz, attempts: of(attemptCounts, quiz.id), flagged: of(flaggedCounts, quiz.id) })), sessionQuery(session)));
    });
  return router;
}
