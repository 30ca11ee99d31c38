// Canvas Classic Quizzes (shared/lms-canvas.md, "Quiz pages the extension must match"). The quiz page holds
// a#take_quiz_link, which posts to …/take; with an access code, /take answers with form.access_code_form at the same
// address (again, after a wrong code), so the address cannot tell the form from the quiz: the page side says which
// (body.assessing is the taking page). Submitting posts …/submissions and Canvas 302s back to the quiz page.
import type { LmsAdapter, PasswordPrompt, QuizStep } from './adapter.ts';

const quizPath = /^\/courses\/[0-9]+\/quizzes\/[0-9]+/;
const showPage = /^\/courses\/[0-9]+\/quizzes\/[0-9]+\/?$/;

export const canvasClassic: LmsAdapter = {
  name: 'canvas-classic',
  isQuizPage: (url: URL) => quizPath.test(url.pathname),
  // The taking page and the access-code form share /take: the page side reports which (attemptPageIn).
  isAttemptPage: () => false,
  attemptPageIn: (doc: Document) => doc.body?.classList.contains('assessing') === true && doc.getElementById('submit_quiz_form') !== null,
  // Back on the quiz page through a form's redirect, from the taking page: only the submission does that (a wrong
  // access code answers on /take itself). The page's own report may not have arrived if the student submitted at once.
  isSubmitted: ({ url, afterFormRedirect, attemptSeen, previousUrl }: QuizStep) => showPage.test(url.pathname) && afterFormRedirect
    && (attemptSeen || /\/take(\/|$)/.test(previousUrl?.pathname ?? '')),
  lmsAttemptId: () => undefined,

  passwordPrompt(doc: Document): PasswordPrompt | undefined {
    const form = doc.querySelector<HTMLFormElement>('form.access_code_form');
    const input = form?.querySelector<HTMLInputElement>('input#quiz_access_code[name=access_code]');
    if (!form || !input) return undefined;
    // Canvas shows the form again after a wrong code, with no sign a public source records: see password-prompt.ts.
    return { form, input, rejected: false };
  },

  /** The code goes into the password field and the form is submitted at once, as the student's own press would. */
  typePassword({ form, input }: PasswordPrompt, password: string) {
    if (!input) return;
    input.value = password;
    HTMLFormElement.prototype.submit.call(form);
  },
};
