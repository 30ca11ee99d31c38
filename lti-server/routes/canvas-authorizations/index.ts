// An instructor authorises Invigil on their Canvas course (OAuth2 with the school's API key), so the gate can set
// the quiz's access code itself. The form is posted from the settings page inside Canvas's iframe; Canvas's own
// authorisation page will not be framed, so it opens in a window of its own, where the iframe's cookie is not:
// the way back (GET /app/canvas/authorized) is authenticated by its signed, single-use state alone.
import { Router } from 'express';
import { and, eq } from 'drizzle-orm';
import { quizzes } from '../../../models/schema.ts';
import { canvasCourseOf, enforceAccessCode } from '../../gate/canvas-access-code.ts';
import { anonymous, launchSession } from '../../http/authenticate.ts';
import { badRequest } from '../../http/errors.ts';
import { route } from '../../http/route.ts';
import { html } from '../../pages/html.ts';
import { errorPage, page } from '../../pages/layout.ts';
import { quizPolicy } from '../../policies/quiz.ts';
import type { RouteContext } from '../context.ts';
import { loadQuiz } from '../quizzes/load.ts';
import { authorizedQuery, connectForm } from './schema.ts';

export function canvasAuthorizationPages({ db, tokens, limiter, connections, config }: RouteContext) {
  const router = Router();
  const redirectUri = `${config.publicUrl}/app/canvas/authorized`;

  route(router, 'post', '/quizzes/:quizId/canvas/connect').authenticate(launchSession(db)).limit(limiter, { name: 'canvas-connect', max: 20, windowMs: 60_000 })
    .load(loadQuiz(db), 'That quiz').authorize(quizPolicy, 'configure')
    .form(connectForm, () => errorPage(400, 'The form could not be read. Reload the settings page and try again.'))
    .handle(async ({ res, actor, record: quiz }) => {
      const course = canvasCourseOf(quiz);
      if (!course) throw badRequest('This quiz is not a Canvas quiz: its address must be the quiz (…/courses/7/quizzes/42) or, for a New Quiz, its assignment.');
      const url = await connections.canvas.beginAuthorization(course, actor.userId, redirectUri, (nonce) => tokens.canvasState.sign({ ...course, userId: actor.userId }, nonce));
      if (!url) throw badRequest('No Canvas API key is set up for this school yet. Ask your Invigil administrator (README, "Canvas").');
      res.type('html').send(page('Connect Canvas', html`<h1>Connect Canvas</h1>
<p>Canvas asks you to authorise Invigil in a window of its own. Authorise it there, then come back and reload this page.</p>
<p><a class="button" id="canvas-authorize" href="${url}" target="_blank" rel="noopener">Open Canvas to authorise Invigil</a></p>`));
    });

  route(router, 'get', '/canvas/authorized').authenticate(anonymous).limit(limiter, { name: 'canvas-authorized', max: 30, windowMs: 60_000 })
    .validate(authorizedQuery, 'query')
    .handle(async ({ res, input }) => {
      const grant = await tokens.canvasState.verify(input.state);
      if (!grant) throw badRequest('This authorisation link has expired or is not Invigil\'s. Start again from the quiz\'s settings in Invigil.');
      if (input.error || !input.code) {
        return void res.type('html').send(page('Canvas not connected', html`<h1>Canvas not connected</h1>
<p class="notice error" role="alert">Canvas did not authorise Invigil (${input.error ?? 'no code'}). Nothing was changed; you can start again from the quiz's settings.</p>`));
      }
      try {
        const { canvasUserName } = await connections.canvas.finishAuthorization(grant, grant.userId, input.state, input.code, redirectUri);
        // The course's gated quizzes get their access codes now, not at their first proctored start.
        for (const quiz of await db.select().from(quizzes).where(and(eq(quizzes.issuer, grant.issuer), eq(quizzes.clientId, grant.clientId)))) {
          if (canvasCourseOf(quiz)?.courseId === grant.courseId) await enforceAccessCode(db, connections.canvas, quiz);
        }
        res.type('html').send(page('Canvas connected', html`<h1>Canvas connected</h1>
<p class="notice ok" role="status" id="canvas-connected">Invigil can now set the access codes of this course's proctored quizzes${canvasUserName ? html` (authorised as ${canvasUserName})` : ''}. You can close this window and reload Invigil's page in Canvas.</p>`));
      } catch (error) {
        throw badRequest(`Canvas could not be connected: ${(error as Error).message}`);
      }
    });
  return router;
}
