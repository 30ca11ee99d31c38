// The settings page's gate section for the quiz's LMS: Canvas (the access code, set through the API when an
// instructor authorised it) or Moodle (the password, per student with web services).
import { canvasQuiz } from '../../../models/lms-quiz.ts';
import type { quizzes } from '../../../models/schema.ts';
import { canvasCourseOf, enforceAccessCode } from '../../gate/canvas-access-code.ts';
import { gateOf } from '../../gate/quiz-gates.ts';
import { sessionQuery } from '../../http/authenticate.ts';
import type { AppSession } from '../../http/sessions.ts';
import type { RouteContext } from '../context.ts';
import { canvasGateSection, gateSection } from './gate-views.ts';

export async function gateSectionFor({ db, connections }: Pick<RouteContext, 'db' | 'connections'>, quiz: typeof quizzes.$inferSelect, session: AppSession) {
  const canvas = canvasQuiz(quiz.quizUrl);
  if (!canvas) return gateSection(await gateOf(db, quiz), { perStudent: Boolean(await connections.moodle(quiz.issuer)) });
  // With the API, opening the page is also a check: the code is written now if it is missing or was changed.
  await enforceAccessCode(db, connections.canvas, quiz);
  const status = await connections.canvas.status(canvasCourseOf(quiz)!);
  return canvasGateSection(await gateOf(db, quiz), canvas, status.key
    ? { ...status, connectAction: `/app/quizzes/${quiz.id}/canvas/connect?${sessionQuery(session)}`, csrf: session.csrfToken }
    : { key: false });
}
