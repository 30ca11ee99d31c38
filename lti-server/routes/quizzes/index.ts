// Instructors place a proctored quiz through Deep Linking and edit its settings later.
import { Router } from 'express';
import { recordAudit } from '../../audit/audit-log.ts';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { lmsQuizKey } from '../../../models/lms-quiz.ts';
import { quizzes } from '../../../models/schema.ts';
import { enforceAccessCode } from '../../gate/canvas-access-code.ts';
import { launchSession, sessionQuery } from '../../http/authenticate.ts';
import type { AppSession } from '../../http/sessions.ts';
import { route } from '../../http/route.ts';
import { coursePolicy } from '../../policies/course.ts';
import { quizPolicy } from '../../policies/quiz.ts';
import type { RouteContext } from '../context.ts';
import { gateSectionFor } from './gate-section.ts';
import { canvasQuizAddressProblem, deepLinkingRequest, loadQuiz } from './load.ts';
import { quizForm } from './schema.ts';
import { deepLinkReturnPage, quizFormPage } from './views.ts';

export function quizPages({ db, lti, limiter, connections }: RouteContext) {
  const router = Router();
  const instructor = (method: 'get' | 'post', path: string) => route(router, method, path).authenticate(launchSession(db)).limit(limiter, { name: 'quiz-pages', max: 120, windowMs: 60_000 });
  const addQuiz = (method: 'get' | 'post') => instructor(method, '/deep-link')
    .load((_req, { actor }) => deepLinkingRequest(db, actor), 'Your course')
    .authorize(coursePolicy, 'addQuiz', 'Only instructors can add proctored quizzes, from inside a course.');
  const heading = 'Add a proctored quiz';
  const deepLinkAction = (session: AppSession) => `/app/deep-link?${sessionQuery(session)}`;

  addQuiz('get').handle(({ res, session }) => {
    res.type('html').send(quizFormPage({ heading, action: deepLinkAction(session), csrf: session.csrfToken }));
  });

  addQuiz('post')
    .form(quizForm, ({ req, session }, problems) => quizFormPage({ heading, action: deepLinkAction(session), csrf: session.csrfToken, quiz: draftOf(req.body), problems }))
    .handle(async ({ req, res, actor, input, record: request, session }) => {
      const { title, quizUrl, ...settings } = input;
      const addressProblem = await canvasQuizAddressProblem(db, actor, quizUrl);
      if (addressProblem) return void res.status(400).type('html').send(quizFormPage({ heading, action: deepLinkAction(session), csrf: session.csrfToken, quiz: draftOf(req.body), problems: [{ path: 'quizUrl', message: addressProblem }] }));
      // The signed answer first, the quiz row after: a failure leaves no quiz that no LMS links to.
      const quizId = randomUUID();
      const item = {
        type: 'ltiResourceLink',
        title: `${title} (proctored)`,
        text: 'Start here: Invigil checks your setup and opens the quiz under proctoring.',
        custom: { invigil_quiz: quizId },
      };
      const jwt = await lti.DeepLinking.createDeepLinkingMessage(request.token, [item], { message: `Proctoring enabled for ${title}.` });
      await db.insert(quizzes).values({
        id: quizId, issuer: actor.issuer, clientId: actor.clientId, deploymentId: actor.deploymentId, contextId: actor.contextId,
        title, quizUrl, lmsQuizKey: lmsQuizKey(quizUrl), settings, createdBy: actor.userId,
      });
      res.type('html').send(deepLinkReturnPage(request.returnUrl, jwt, title));
    });

  const configure = (method: 'get' | 'post') => instructor(method, '/quizzes/:quizId/settings').load(loadQuiz(db), 'That quiz').authorize(quizPolicy, 'configure');
  const settingsAction = (quizId: string, session: AppSession) => `/app/quizzes/${quizId}/settings?${sessionQuery(session)}`;

  configure('get').handle(async ({ req, res, record: quiz, session }) => {
    const gate = await gateSectionFor({ db, connections }, quiz, session);
    res.type('html').send(quizFormPage({ heading: 'Proctoring settings', action: settingsAction(quiz.id, session), csrf: session.csrfToken, quiz, saved: req.query.saved === '1', gate }));
  });

  configure('post')
    .form(quizForm, ({ record: quiz, session }, problems) => quizFormPage({ heading: 'Proctoring settings', action: settingsAction(quiz.id, session), csrf: session.csrfToken, quiz, problems }))
    .handle(async ({ req, res, actor, record: quiz, session, input }) => {
      const { title, quizUrl, ...settings } = input;
      const addressProblem = await canvasQuizAddressProblem(db, actor, quizUrl);
      if (addressProblem) return void res.status(400).type('html').send(quizFormPage({ heading: 'Proctoring settings', action: settingsAction(quiz.id, session), csrf: session.csrfToken, quiz: { ...quiz, ...draftOf(req.body) }, problems: [{ path: 'quizUrl', message: addressProblem }] }));
      const [saved] = await db.update(quizzes).set({ title, quizUrl, lmsQuizKey: lmsQuizKey(quizUrl), settings, updatedAt: new Date() }).where(eq(quizzes.id, quiz.id)).returning();
      await recordAudit(db, actor, 'settings_changed', { quizId: quiz.id, details: { before: { title: quiz.title, quizUrl: quiz.quizUrl, settings: quiz.settings }, after: { title, quizUrl, settings } } });
      await enforceAccessCode(db, connections.canvas, saved);
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
