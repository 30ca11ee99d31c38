// Instructors review a quiz's attempts: the list with flag counts, then one attempt's recordings and flags.
import { Router } from 'express';
import { and, count, desc, eq, inArray, isNotNull } from 'drizzle-orm';
import { attempts, flags, quizzes, recordings } from '../../../models/schema.ts';
import { gateOf, sameLmsQuiz } from '../../gate/quiz-gates.ts';
import { unproctoredAttempts } from '../../gate/unproctored-attempts.ts';
import { courseRoster } from '../../lti/course-roster.ts';
import { launchSession, sessionQuery } from '../../http/authenticate.ts';
import { route } from '../../http/route.ts';
import { attemptPolicy } from '../../policies/attempt.ts';
import { quizPolicy } from '../../policies/quiz.ts';
import { presentAttemptRow, presentReview } from '../../presenters/review.ts';
import { recordAudit, recordViewing } from '../../audit/audit-log.ts';
import { attemptReportPdf } from '../../review/attempt-report.ts';
import { courseProfile } from '../../review/course-profile.ts';
import { earlierOccurrences, loadAttemptReview } from './load.ts';
import { retryParams } from './schema.ts';
import { loadAttempt } from '../attempts/load.ts';
import type { RouteContext } from '../context.ts';
import { loadQuiz } from '../quizzes/load.ts';
import { attemptListPage, reviewPage } from './views.ts';

export function reviewPages({ db, bucket, limiter, lti, connections, queue }: RouteContext) {
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
    const failed = proctored.length ? await db.select({ attemptId: recordings.attemptId, stream: recordings.stream }).from(recordings)
      .where(and(inArray(recordings.attemptId, proctored.map((a) => a.id)), eq(recordings.status, 'failed'))) : [];
    const roster = actor.kind === 'lti' ? await courseRoster(db, lti, actor) : undefined;
    const seen = new Map((roster ?? []).map((s) => [s.userId, s]));
    for (const a of proctored) if (!seen.has(a.userId)) seen.set(a.userId, { userId: a.userId, name: a.userName ?? a.userId });
    const unproctored = await unproctoredAttempts(connections, quiz, [...seen.values()], proctored);
    const q = sessionQuery(session);
    res.type('html').send(attemptListPage(quiz, rows.map((r) => ({ ...presentAttemptRow(r.attempt, Number(r.flagCount)), failedStreams: failed.filter((f) => f.attemptId === r.attempt.id).map((f) => f.stream) })), { gate: await gateOf(db, quiz), unproctored }, {
      review: (id) => `/app/attempts/${id}/review?${q}`,
      settings: `/app/quizzes/${quiz.id}/settings?${q}`,
      accommodations: `/app/quizzes/${quiz.id}/accommodations?${q}`,
    }));
  });

  reviewAttempt('/attempts/:attemptId/review').handle(async ({ res, record: attempt, session }) => {
    const q = sessionQuery(session);
    const [review, profile, occurrences] = await Promise.all([loadAttemptReview(db, bucket, attempt), courseProfile(db, attempt.quiz), earlierOccurrences(db, attempt)]);
    const base = `/app/attempts/${attempt.id}`;
    res.type('html').send(reviewPage(review, {
      title: `${attempt.userName ?? attempt.userId} · ${attempt.quiz.title}`, csrf: session.csrfToken, profile, occurrences,
      links: {
        back: `/app/course?${q}`, data: `${base}/review.json?${q}`, query: q,
        flagDecision: (flagId) => `/app/flags/${flagId}/decisions?${q}`, outcome: `${base}/outcomes?${q}`, request: `${base}/explanation-requests?${q}`,
        retry: (stream) => `${base}/recordings/${stream}/retry?${q}`, report: `${base}/report.pdf?${q}`,
        history: `/app/course/students/${encodeURIComponent(attempt.userId)}?${q}`,
      },
    }));
  });

  reviewAttempt('/attempts/:attemptId/review.json').handle(async ({ res, actor, record: attempt }) => {
    const review = await loadAttemptReview(db, bucket, attempt);
    const viewable = review.recordings.filter((r) => r.url).map((r) => r.stream);
    if (viewable.length && actor.kind === 'lti') await recordViewing(db, actor, attempt, viewable);
    res.json(presentReview(review));
  });

  // The attempt's report for the file. Its export is audited first, so the report lists itself.
  reviewAttempt('/attempts/:attemptId/report.pdf').handle(async ({ res, actor, record: attempt }) => {
    await recordAudit(db, actor, 'report_exported', { quizId: attempt.quizId, attemptId: attempt.id, details: {} });
    const review = await loadAttemptReview(db, bucket, attempt);
    const pictured = await db.select({ id: flags.id, key: flags.evidenceKey }).from(flags).where(and(eq(flags.attemptId, attempt.id), isNotNull(flags.evidenceKey)));
    const evidence = new Map<number, Buffer>();
    for (const f of pictured) {
      // A picture gone from the bucket (retention) leaves its flag without one; the report is still made.
      const bytes = await bucket.getBytes(f.key!).catch((error: Error) => { console.warn(`report ${attempt.id}: no picture for flag ${f.id}: ${error.message}`); return null; });
      if (bytes) evidence.set(f.id, Buffer.from(bytes));
    }
    const pdf = await attemptReportPdf({ review, student: attempt.userName ?? attempt.userId, quizTitle: attempt.quiz.title, generatedBy: actor.userName ?? actor.userId, evidence });
    res.type('application/pdf').setHeader('content-disposition', `attachment; filename="invigil-attempt-${attempt.id}.pdf"`);
    res.send(pdf);
  });

  // A recording that failed is made again from its chunks, on the reviewer's word.
  route(router, 'post', '/attempts/:attemptId/recordings/:stream/retry').authenticate(launchSession(db)).limit(limiter, { name: 'recording-retry', max: 30, windowMs: 60_000 })
    .validate(retryParams, 'params').load(loadAttempt(db), 'That attempt').authorize(attemptPolicy, 'decide')
    .handle(async ({ res, actor, record: attempt, input: { stream }, session }) => {
      await queue.retryRecording(attempt.id, stream);
      await recordAudit(db, actor, 'recording_retried', { quizId: attempt.quizId, attemptId: attempt.id, details: { stream } });
      res.redirect(303, `/app/attempts/${attempt.id}/review?${sessionQuery(session)}`);
    });
  return router;
}
