// The course's side of review: GET /app/course is the review queue (where course navigation lands an instructor),
// with the course's proctored quizzes below; a student's history; the course's outcome words; the CSV exports.
import { Router } from 'express';
import { and, asc, eq } from 'drizzle-orm';
import { auditEntries } from '../../../models/schema.ts';
import { auditActionLabels, flagDecisionLabels } from '../../../models/review.ts';
import { recordAudit } from '../../audit/audit-log.ts';
import { launchSession, sessionQuery } from '../../http/authenticate.ts';
import { route } from '../../http/route.ts';
import { courseOf, coursePolicy } from '../../policies/course.ts';
import { courseProfile, outcomeLines, parseOutcomeLines, saveCourseProfile } from '../../review/course-profile.ts';
import { courseAttempts, filterQueue } from '../../review/course-queue.ts';
import { csv } from '../../review/csv.ts';
import type { RouteContext } from '../context.ts';
import { profileForm, queueQuery, studentParams } from './schema.ts';
import { historyPage, profilePage, queuePage } from './views.ts';

const iso = (d: Date | null | undefined) => d?.toISOString() ?? '';

export function coursePages({ db, limiter }: RouteContext) {
  const router = Router();
  const course = (method: 'get' | 'post', path: string, name = 'course-pages') => route(router, method, path).authenticate(launchSession(db)).limit(limiter, { name, max: 120, windowMs: 60_000 })
    .load((_req, { actor }) => courseOf(actor), 'Your course').authorize(coursePolicy, 'review', "The course's review is for its instructors.");

  course('get', '/course').validate(queueQuery, 'query').handle(async ({ res, record, session, input }) => {
    const { quizzes, rows } = await courseAttempts(db, record);
    res.type('html').send(queuePage({ quizzes, all: rows, shown: filterQueue(rows, input), filters: input, query: sessionQuery(session) }));
  });

  course('get', '/course/students/:userId').validate(studentParams, 'params').handle(async ({ res, record, session, input }) => {
    const { rows } = await courseAttempts(db, record);
    res.type('html').send(historyPage(input.userId, rows.filter((r) => r.attempt.userId === input.userId), sessionQuery(session)));
  });

  course('get', '/course/profile').handle(async ({ req, res, record, session }) => {
    const profile = await courseProfile(db, record);
    res.type('html').send(profilePage({ outcomes: outcomeLines(profile.outcomes), dismissReasons: profile.dismissReasons.join('\n') }, { csrf: session.csrfToken, query: sessionQuery(session), saved: req.query.saved === '1', problems: [] }));
  });

  course('post', '/course/profile').form(profileForm, ({ session }, problems) => profilePage({ outcomes: '', dismissReasons: '' }, { csrf: session.csrfToken, query: sessionQuery(session), saved: false, problems: problems.map((p) => p.message) }))
    .handle(async ({ res, actor, record, session, input }) => {
      const { outcomes, problems } = parseOutcomeLines(input.outcomes);
      const dismissReasons = input.dismissReasons.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).map((l) => l.slice(0, 200));
      if (!dismissReasons.length) problems.push('Give at least one reason for dismissing a flag.');
      if (problems.length) return void res.status(400).type('html').send(profilePage(input, { csrf: session.csrfToken, query: sessionQuery(session), saved: false, problems }));
      await db.transaction(async (tx) => {
        await saveCourseProfile(tx, record, { outcomes, dismissReasons }, actor.userId);
        await recordAudit(tx, actor, 'profile_changed', { details: { outcomes, dismissReasons } });
      });
      res.redirect(303, `/app/course/profile?${sessionQuery(session)}&saved=1`);
    });

  // One row per flag (and one per attempt without flags): attempts, flags, decisions and outcomes together.
  course('get', '/course/attempts.csv', 'course-exports').handle(async ({ res, actor, record }) => {
    const { rows } = await courseAttempts(db, record);
    const lines: (string | number | null)[][] = [['attempt_id', 'quiz', 'student', 'student_id', 'status', 'started_at', 'finished_at', 'risk', 'outcome', 'outcome_note', 'outcome_by', 'flag_id', 'flag_type', 'flag', 'severity', 'flag_started_at', 'flag_ended_at', 'decision', 'decision_reason', 'decision_note']];
    for (const r of rows) {
      const head = [r.attempt.id, r.quiz.title, r.attempt.userName ?? '', r.attempt.userId, r.attempt.status, iso(r.attempt.startedAt), iso(r.attempt.finishedAt), r.risk,
        r.outcome?.label ?? '', r.outcome?.note ?? '', r.outcome ? r.outcome.decidedByName ?? r.outcome.decidedBy : ''];
      if (!r.flags.length) lines.push([...head, '', '', '', '', '', '', '', '', '']);
      for (const f of r.flags) lines.push([...head, f.id, f.type, f.label, f.severity, iso(f.startedAt), iso(f.endedAt), f.decision ? flagDecisionLabels[f.decision.decision] : '', f.decision?.reason ?? '', f.decision?.note ?? '']);
    }
    await recordAudit(db, actor, 'course_exported', { details: { file: 'attempts.csv', rows: lines.length - 1 } });
    res.type('text/csv').attachment('invigil-attempts.csv').send(csv(lines));
  });

  course('get', '/course/audit.csv', 'course-exports').handle(async ({ res, actor, record }) => {
    await recordAudit(db, actor, 'course_exported', { details: { file: 'audit.csv' } });
    const entries = await db.select().from(auditEntries).where(and(eq(auditEntries.issuer, record.issuer), eq(auditEntries.clientId, record.clientId),
      eq(auditEntries.deploymentId, record.deploymentId), eq(auditEntries.contextId, record.contextId!))).orderBy(asc(auditEntries.id)).limit(200_000);
    res.type('text/csv').attachment('invigil-audit-log.csv').send(csv([
      ['at', 'who', 'who_id', 'action', 'what', 'quiz_id', 'attempt_id', 'details'],
      ...entries.map((e) => [e.at.toISOString(), e.actorName ?? '', e.actorId, e.action, auditActionLabels[e.action] ?? e.action, e.quizId ?? '', e.attemptId ?? '', JSON.stringify(e.details)]),
    ]));
  });
  return router;
}
