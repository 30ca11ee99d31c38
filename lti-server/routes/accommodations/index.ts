// Instructors turn flag types off for individual students. Students come from the course roster (LTI Names and
// Role Provisioning) when the LMS offers it, and from the quiz's attempts.
import { Router } from 'express';
import { eq, sql } from 'drizzle-orm';
import { accommodations, attempts } from '../../../models/schema.ts';
import { flagTypes } from '../../../models/flags.ts';
import { launchSession, sessionQuery } from '../../http/authenticate.ts';
import { route } from '../../http/route.ts';
import { errorPage } from '../../pages/layout.ts';
import { quizPolicy } from '../../policies/quiz.ts';
import type { RouteContext } from '../context.ts';
import { loadQuiz } from '../quizzes/load.ts';
import { accommodationsForm } from './schema.ts';
import { courseRoster } from '../../lti/course-roster.ts';
import { accommodationsPage } from './views.ts';
import { recordAudit } from '../../audit/audit-log.ts';

/** The most students one accommodations form saves. */
const maxStudents = 5000;

export function accommodationPages({ db, lti, limiter }: RouteContext) {
  const router = Router();
  const configure = (method: 'get' | 'post') => route(router, method, '/quizzes/:quizId/accommodations')
    .authenticate(launchSession(db)).limit(limiter, { name: 'accommodations', max: 60, windowMs: 60_000 }).load(loadQuiz(db), 'That quiz').authorize(quizPolicy, 'configure');

  configure('get').handle(async ({ req, res, actor, record: quiz, session }) => {
    const [members, attempted, saved] = await Promise.all([
      courseRoster(db, lti, actor),
      db.selectDistinct({ userId: attempts.userId, name: attempts.userName }).from(attempts).where(eq(attempts.quizId, quiz.id)),
      db.select().from(accommodations).where(eq(accommodations.quizId, quiz.id)),
    ]);
    const students = new Map<string, { userId: string; name: string; disabled: string[] }>();
    for (const s of [...(members ?? []), ...attempted.map((a) => ({ userId: a.userId, name: a.name ?? a.userId })), ...saved.map((a) => ({ userId: a.userId, name: a.userName ?? a.userId }))]) {
      if (!students.has(s.userId)) students.set(s.userId, { ...s, disabled: [] });
    }
    for (const a of saved) students.get(a.userId)!.disabled = a.disabledFlags;
    const q = sessionQuery(session);
    res.type('html').send(accommodationsPage(quiz, [...students.values()].sort((a, b) => a.name.localeCompare(b.name)), {
      action: `/app/quizzes/${quiz.id}/accommodations?${q}`,
      csrf: session.csrfToken,
      back: `/app/quizzes/${quiz.id}/attempts?${q}`,
      saved: req.query.saved === '1',
      source: members ? 'the course roster from your LMS, and anyone who has attempted this quiz' : 'students who have attempted this quiz (your LMS does not share its roster with this tool)',
    }));
  });

  configure('post')
    // A large course: one row per student (a name and a box per flag type), for up to maxStudents students.
    .form(accommodationsForm, (_context, problems) => errorPage(400, `The form could not be saved: ${problems.map((p) => p.message).join(' ')}`),
      { fields: maxStudents * (flagTypes.length + 1), bytes: '4mb' })
    .handle(async ({ res, actor, record: quiz, session, input: { rows } }) => {
    await db.transaction(async (tx) => {
      // In batches, one statement each: a course of thousands saves in a moment.
      for (let i = 0; i < rows.length; i += 500) {
        await tx.insert(accommodations).values(rows.slice(i, i + 500).map((row) => ({ quizId: quiz.id, ...row, updatedBy: actor.userId })))
          .onConflictDoUpdate({ target: [accommodations.quizId, accommodations.userId], set: { disabledFlags: sql`excluded.disabled_flags`, updatedBy: actor.userId, updatedAt: new Date() } });
      }
      const granted = rows.filter((r) => r.disabledFlags.length).map((r) => ({ userId: r.userId, disabledFlags: r.disabledFlags }));
      await recordAudit(tx, actor, 'accommodation_changed', { quizId: quiz.id, details: { students: rows.length, granted: granted.slice(0, 200) } });
    });
    res.redirect(303, `/app/quizzes/${quiz.id}/accommodations?${sessionQuery(session)}&saved=1`);
  });
  return router;
}
