// Instructors place a proctored quiz through Deep Linking and edit its settings later.
import express, { Router } from 'express';
import { eq } from 'drizzle-orm';
import { launches, quizzes } from '../../../models/schema.ts';
import type { IdToken } from 'ltijs';
import { authenticateLaunch, sessionQuery } from '../../http/authenticate.ts';
import { authorize } from '../../http/authorize.ts';
import { describeZodError } from '../../http/errors.ts';
import type { LtiActor } from '../../http/actors.ts';
import { rateLimit } from '../../http/rate-limit.ts';
import { courseOf, coursePolicy } from '../../policies/course.ts';
import { quizPolicy } from '../../policies/quiz.ts';
import type { RouteContext } from '../context.ts';
import { loadQuiz } from './load.ts';
import { quizForm } from './schema.ts';
import { quizFormPage } from './views.ts';

export function quizPages({ db, tokens, lti }: RouteContext) {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '64kb' });
  const limit = rateLimit({ windowMs: 60_000, max: 120 });
  const authenticate = authenticateLaunch(db, tokens);
  const authorizeAddQuiz = authorize({ policy: coursePolicy, action: 'addQuiz', load: (_req, res) => courseOf(res.locals.actor), what: 'Your course', denied: 'Only instructors can add proctored quizzes.',
  });

  router.get('/deep-link', limit, authenticate, authorizeAddQuiz, (_req, res) => {
    res.type('html').send(quizFormPage({ heading: 'Add a proctored quiz', action: `/app/deep-link?${sessionQuery(res)}` }));
  });

  router.post('/deep-link', limit, authenticate, authorizeAddQuiz, form, async (req, res) => {
    const actor = res.locals.actor as LtiActor;
    const parsed = quizForm.safeParse(req.body);
    if (!parsed.success) {
      return res.status(400).type('html').send(quizFormPage({
        heading: 'Add a proctored quiz', action: `/app/deep-link?${sessionQuery(res)}`, quiz: { title: req.body.title, quizUrl: req.body.quizUrl }, problems: describeZodError(parsed.error),
      }));
    }
    const { title, quizUrl, ...settings } = parsed.data;
    const [quiz] = await db.insert(quizzes).values({
      issuer: actor.issuer, clientId: actor.clientId, deploymentId: actor.deploymentId, contextId: actor.contextId,
      title, quizUrl, settings, createdBy: actor.userId,
    }).returning();
    const [launch] = await db.select().from(launches).where(eq(launches.id, actor.launchId));
    const item = {
      type: 'ltiResourceLink',
      title: `${title} (proctored)`,
      text: 'Start here: Invigil checks your setup and opens the quiz under proctoring.',
      custom: { invigil_quiz: quiz.id },
    };
    const formHtml = await lti.DeepLinking.createDeepLinkingForm(launch.token as unknown as IdToken, [item], { message: `Proctoring enabled for ${title}.` });
    res.type('html').send(formHtml);
  });

  const authorizeConfigure = authorize({ policy: quizPolicy, action: 'configure', load: loadQuiz(db), what: 'That quiz' });
  router.get('/quizzes/:quizId/settings', limit, authenticate, authorizeConfigure, (req, res) => {
    const quiz = res.locals.record;
    res.type('html').send(quizFormPage({ heading: 'Proctoring settings', action: `/app/quizzes/${quiz.id}/settings?${sessionQuery(res)}`, quiz, saved: req.query.saved === '1' }));
  });

  router.post('/quizzes/:quizId/settings', limit, authenticate, authorizeConfigure, form, async (req, res) => {
    const quiz = res.locals.record;
    const action = `/app/quizzes/${quiz.id}/settings?${sessionQuery(res)}`;
    const parsed = quizForm.safeParse(req.body);
    if (!parsed.success) {
      return res.status(400).type('html').send(quizFormPage({ heading: 'Proctoring settings', action, quiz, problems: describeZodError(parsed.error) }));
    }
    const { title, quizUrl, ...settings } = parsed.data;
    await db.update(quizzes).set({ title, quizUrl, settings, updatedAt: new Date() }).where(eq(quizzes.id, quiz.id));
    res.redirect(303, `${action}&saved=1`);
  });

  return router;
}
