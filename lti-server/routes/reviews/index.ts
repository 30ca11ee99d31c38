// Instructors review a quiz's attempts: the list with flag counts, then one attempt's recordings and flags.
import { Router } from 'express';
import { asc, count, desc, eq } from 'drizzle-orm';
import { attemptEvents, attempts, flags, quizzes, recordings } from '../../../models/schema.ts';
import { gateOf, sameLmsQuiz } from '../../gate/quiz-gates.ts';
import { unproctoredAttempts } from '../../gate/unproctored-attempts.ts';
import { courseRoster } from '../../lti/course-roster.ts';
import { launchSession, sessionQuery } from '../../http/authenticate.ts';
import { route } from '../../http/route.ts';
import { attemptPolicy } from '../../policies/attempt.ts';
import { quizPolicy } from '../../policies/quiz.ts';
import { presentAttemptRow, presentEvent, presentFlag, presentRecording, presentReview, timelineOrigin } from '../../presenters/review.ts';
import { presignSeconds } from '../../storage/bucket.ts';
import { loadAttempt } from '../attempts/load.ts';
import type { RouteContext } from '../context.ts';
import { loadQuiz } from '../quizzes/load.ts';
import { attemptListPage, reviewPage } from './views.ts';

/** Review links live a few minutes, like every presigned URL: the page fetches fresh ones when a link has expired. */
const reviewUrlSeconds = presignSeconds;

export function reviewPages({ db, bucket, limiter, lti, connections }: RouteContext) {
  const router = Router();
  const reviewer = (path: string) => route(router, 'get', path).authenticate(launchSession(db)).limit(limiter, { name: 'review-pages', max: 600, windowMs: 60_000 });
  const reviewAttempt = (path: string) => reviewer(path).load(loadAttempt(db), 'That attempt').authorize(attemptPolicy, 'review');

  reviewer('/quizzes/:quizId/attempts').load(loadQuiz(db), 'That quiz').authorize(quizPolicy, 'review').handle(async ({ res, actor, record: quiz, session }) => {
    // Every proctored link to the same LMS quiz in this course: one list.
    const rows = await db.select({ attempt: attempts, flagCount: count(flags.id) }).from(attempts)
      .innerJoin(quizzes, eq(attempts.quizId, quizzes.id))
      .leftJoin(flags, eq(flags.attemptId, attempts.id)).where(sameLmsQuiz(quiz))
      .groupBy(attempts.id).orderBy(desc(attempts.createdAt));
    const proctored = rows.map((r) => r.attempt);
    const roster = actor.kind === 'lti' ? await courseRoster(db, lti, actor) : undefined;
    const seen = new Map((roster ?? []).map((s) => [s.userId, s]));
    for (const a of proctored) if (!seen.has(a.userId)) seen.set(a.userId, { userId: a.userId, name: a.userName ?? a.userId });
    const unproctored = await unproctoredAttempts(connections, quiz, [...seen.values()], proctored);
    const q = sessionQuery(session);
    res.type('html').send(attemptListPage(quiz, rows.map((r) => presentAttemptRow(r.attempt, Number(r.flagCount))), { gate: await gateOf(db, quiz), unproctored }, {
      review: (id) => `/app/attempts/${id}/review?${q}`,
      settings: `/app/quizzes/${quiz.id}/settings?${q}`,
      accommodations: `/app/quizzes/${quiz.id}/accommodations?${q}`,
    }));
  });

  reviewAttempt('/attempts/:attemptId/review').handle(({ res, record: attempt, session }) => {
    const q = sessionQuery(session);
    const title = `${attempt.userName ?? attempt.userId} · ${attempt.quiz.title}`;
    res.type('html').send(reviewPage(title, `/app/attempts/${attempt.id}/review.json?${q}`, `/app/quizzes/${attempt.quizId}/attempts?${q}`));
  });

  reviewAttempt('/attempts/:attemptId/review.json').handle(async ({ res, record: attempt }) => {
    const [recordingRows, flagRows, eventRows] = await Promise.all([
      // Webcam first: flags come from it.
      db.select().from(recordings).where(eq(recordings.attemptId, attempt.id)).orderBy(desc(recordings.stream)),
      db.select().from(flags).where(eq(flags.attemptId, attempt.id)).orderBy(asc(flags.startedAt)),
      db.select().from(attemptEvents).where(eq(attemptEvents.attemptId, attempt.id)).orderBy(asc(attemptEvents.occurredAt)).limit(1000),
    ]);
    const origin = timelineOrigin(recordingRows);
    res.json(presentReview({
      attempt: presentAttemptRow(attempt, flagRows.length),
      recordings: await Promise.all(recordingRows.map(async (r) =>
        presentRecording(r, r.status === 'ready' && r.objectKey ? await bucket.presignGet(r.objectKey, reviewUrlSeconds) : null))),
      flags: await Promise.all(flagRows.map(async (f) => presentFlag(f, origin, f.evidenceKey ? await bucket.presignGet(f.evidenceKey, reviewUrlSeconds) : null))),
      events: eventRows.map(presentEvent),
    }));
  });
  return router;
}
