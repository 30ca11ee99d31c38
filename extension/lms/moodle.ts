// Moodle 4.x quiz pages (shared/lms-moodle-quiz.md). The background follows the quiz tab's addresses: an attempt is
// over once the browser lands on review.php, or on view.php again straight after a submission when the quiz forbids
// immediate review (review.php then sends the browser on to view.php, §7): a form submission that ends, through
// server redirects, on view.php after the student was in the attempt. The quiz page's side finds the password
// prompt and types the gate's password into it (§3, §10).
import type { LmsAdapter, PasswordPrompt, QuizStep } from './adapter.ts';

const page = (url: URL, name: string) => url.pathname.endsWith(`/mod/quiz/${name}.php`);

export const moodle: LmsAdapter = {
  name: 'moodle',
  isQuizPage: (url: URL) => url.pathname.includes('/mod/quiz/'),
  isAttemptPage: (url: URL) => page(url, 'attempt') || page(url, 'summary'),
  isSubmitted: ({ url, afterFormRedirect, attemptSeen }: QuizStep) => page(url, 'review') || (page(url, 'view') && afterFormRedirect && attemptSeen),
  /** Moodle's own id of the attempt an attempt page shows (attempt.php?attempt=N). */
  lmsAttemptId: (url: URL) => (/^[0-9]{1,18}$/.test(url.searchParams.get('attempt') ?? '') ? url.searchParams.get('attempt')! : undefined),

  /**
   * The password prompt, once it shows: the "Start attempt" dialogue on view.php (the form waits hidden in the page
   * until the start button opens it), or the full page at startattempt.php (a wrong password, a new login, the secure
   * window). `rejected`: Moodle said "The password entered was incorrect".
   */
  passwordPrompt(doc: Document): PasswordPrompt | undefined {
    const form = doc.querySelector<HTMLFormElement>('form#mod_quiz_preflight_form');
    if (!form?.querySelector('#id_quizpassword') || form.getClientRects().length === 0) return undefined;
    return { form, rejected: (doc.querySelector('#id_error_quizpassword')?.textContent ?? '').trim().length > 0 };
  },

  /**
   * Types the password into the hidden passwordunmask input (typing keys into it sends nothing, §3) and submits the
   * form itself, with the submit button's name and value as Moodle expects. A plain submission skips Moodle's own
   * handler, which in "secure window" mode would open a popup with the password in its address (§9): the attempt
   * stays in the locked tab, and the password in no address bar.
   */
  typePassword({ form }: PasswordPrompt, password: string) {
    form.querySelector<HTMLInputElement>('#id_quizpassword')!.value = password;
    const button = form.querySelector<HTMLInputElement>('#id_submitbutton');
    const carrier = Object.assign(form.ownerDocument.createElement('input'), { type: 'hidden', name: button?.name || 'submitbutton', value: button?.value || 'Start attempt' });
    form.append(carrier);
    HTMLFormElement.prototype.submit.call(form);
  },
};
