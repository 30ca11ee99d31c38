// Instructors place a proctored quiz through Deep Linking and edit its settings later.
import { Router } from 'express';
import { eq } from 'drizzle-orm';
import { launches, quizzes } from '../../../models/schema.ts';
import type { IdToken } from 'ltijs';
import { launchSession, sessionQuery } from '../../http/authenticate.ts';
import { badRequest } from '../../http/errors.ts';
import { route } from '../../http/route.ts';
import { courseOf, coursePolicy } from '../../policies/course.ts';
import { quizPolicy } from '../../policies/quiz.ts';
import type { RouteContext } from '../context.ts';
import { loadQuiz } from './load.ts';
import { quizForm } from './schema.ts';
import { deepLinkReturnPage, quizFormPage } from './views.ts';

export function quizPages({ db, tokens, lti, limiter }: RouteContext) {
  const router = Router();
  const instructor = (method: 'get' | 'post', path: string) => route(router, method, path).authenticate(launchSession(db, tokens)).limit(limiter, { name: 'quiz-pages', max: 120, windowMs: 60_000 });
  const addQuiz = (method: 'get' | 'post') => instructor(method, '/deep-link')
    .load((_req, { actor }) => courseOf(actor), 'Your course').authorize(coursePolicy, 'addQuiz', 'Only instructors can add proctored quizzes.');
  const heading = 'Add a proctored quiz';
  const deepLinkAction = (session: string) => `/app/deep-link?${sessionQuery(session)}`;

  addQuiz('get').handle(({ res, session }) => {
    res.type('html').send(quizFormPage({ heading, action: deepLinkAction(session) }));
  });

  addQuiz('post')
    .form(quizForm, ({ req, session }, problems) => quizFormPage({ heading, action: deepLinkAction(session), quiz: draftOf(req.body), problems }))
    .handle(async ({ res, actor, input }) => {
      const { title, quizUrl, ...settings } = input;
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
      const token = launch.token as unknown as IdToken;
      const jwt = await lti.DeepLinking.createDeepLinkingMessage(token, [item], { message: `Proctoring enabled for ${title}.` });
      const returnUrl = token.platformContext.deepLinkingSettings?.deep_link_return_url;
      if (typeof returnUrl !== 'string') throw badRequest('This launch did not come from your LMS\'s Deep Linking: open Invigil from the tool picker again.');
      res.type('html').send(deepLinkReturnPage(returnUrl, jwt, title));
    });

  const configure = (method: 'get' | 'post') => instructor(method, '/quizzes/:quizId/settings').load(loadQuiz(db), 'That quiz').authorize(quizPolicy, 'configure');
  const settingsAction = (quizId: string, session: string) => `/app/quizzes/${quizId}/settings?${sessionQuery(session)}`;

  configure('get').handle(({ req, res, record: quiz, session }) => {
    res.type('html').send(quizFormPage({ heading: 'Proctoring settings', action: settingsAction(quiz.id, session), quiz, saved: req.query.saved === '1' }));
  });

  configure('post')
    .form(quizForm, ({ record: quiz, session }, problems) => quizFormPage({ heading: 'Proctoring settings', action: settingsAction(quiz.id, session), quiz, problems }))
    .handle(async ({ res, record: quiz, session, input }) => {
      const { title, quizUrl, ...settings } = input;
      await db.update(quizzes).set({ title, quizUrl, settings, updatedAt: new Date() }).where(eq(quizzes.id, quiz.id));
      res.redirect(303, `${settingsAction(quiz.id, session)}&saved=1`);
    });

  return router;
}

/** What the instructor typed, to show again beside the problems. */
function draftOf(body: unknown) {
  const fields = (body ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { title: text(fields.title), quizUrl: text(fields.quizUrl) };
}
