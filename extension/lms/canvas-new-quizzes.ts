// Canvas New Quizzes (shared/lms-canvas.md): a closed app, in the Canvas page (native shape: body.native-new-quizzes
// > #new-quizzes-root > #root, at /courses/:c/assignments/:a) or in iframe#tool_content on the quiz-lti host (legacy).
// No public source shows its inner markup or API paths, so this adapter keys on as little as it can: the assignment
// address, a password field inside the app's #root (the access-code step), and the app's POSTs to its quiz-api host.
// The two API paths below are ASSUMED (the emulator's, test/lti-platform/canvas/new-quizzes.ts): check them against a
// real New Quizzes before relying on submission detection there.
import type { LmsAdapter, PasswordPrompt, QuizRequest } from './adapter.ts';

const assignmentPath = /^\/courses\/[0-9]+\/assignments\/[0-9]+/;
/** The quiz API host: <account>.quiz-api-<region>-prod.instructure.com. */
const quizApiHost = /(^|\.)quiz-api[.-]/;
/** ASSUMED: the app posts the access code, then the submission, to these. */
const accessCodePath = /\/quiz_sessions\/[0-9]+\/access_code$/;
const submitPath = /\/quiz_sessions\/[0-9]+\/submit$/;

export const canvasNewQuizzes: LmsAdapter = {
  name: 'canvas-new-quizzes',
  isQuizPage: (url: URL) => assignmentPath.test(url.pathname) && !url.hostname.includes('quiz-lti'),
  isAttemptPage: () => false,
  isSubmitted: () => false,
  lmsAttemptId: () => undefined,
  quizRequest({ method, url, status }: QuizRequest) {
    if (method !== 'POST' || !quizApiHost.test(url.hostname) || status < 200 || status >= 300) return undefined;
    if (accessCodePath.test(url.pathname)) return 'attempt_opened';
    if (submitPath.test(url.pathname)) return 'submitted';
    return undefined;
  },

  passwordPrompt(doc: Document): PasswordPrompt | undefined {
    const input = doc.querySelector<HTMLInputElement>('#root input[type=password]');
    const form = input?.closest('form');
    if (!input || !form || form.getClientRects().length === 0) return undefined;
    return { form, input, rejected: false };
  },

  /** The app reads its own input events (React-style): set the value as typing would, then submit through the app. */
  typePassword({ form, input }: PasswordPrompt, password: string) {
    if (!input) return;
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, password);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
    form.requestSubmit();
  },
};
