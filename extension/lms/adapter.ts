// What an LMS adapter tells the extension about its quiz pages: one file per LMS (moodle.ts, canvas-classic.ts,
// canvas-new-quizzes.ts), chosen by the quiz's address (adapters.ts).
export type QuizStep = {
  url: URL;
  /** The page was reached by submitting a form, through server redirects (Moodle's 303s, Canvas's 302). */
  afterFormRedirect: boolean;
  /** The quiz tab was on an attempt page earlier in this proctored attempt. */
  attemptSeen: boolean;
  /** The quiz tab's page before this one, in this run. */
  previousUrl?: URL;
};

/** A request of the quiz tab that completed (an app's API traffic says what its pages do not). */
export type QuizRequest = { method: string; url: URL; status: number };

export type PasswordPrompt = { form: HTMLFormElement; input?: HTMLInputElement; rejected: boolean };

export type LmsAdapter = {
  name: string;
  isQuizPage(url: URL): boolean;
  /** From the address alone: the quiz tab is on an attempt page. */
  isAttemptPage(url: URL): boolean;
  /** From the page: the document is an attempt page (where the address cannot tell). */
  attemptPageIn?(doc: Document): boolean;
  isSubmitted(step: QuizStep): boolean;
  /** From the quiz tab's completed requests: the attempt opened, or was submitted. */
  quizRequest?(request: QuizRequest): 'attempt_opened' | 'submitted' | undefined;
  lmsAttemptId(url: URL): string | undefined;
  /** The quiz's password (access code) prompt, once it shows; `rejected`: the LMS said the last one was wrong. */
  passwordPrompt(doc: Document): PasswordPrompt | undefined;
  typePassword(prompt: PasswordPrompt, password: string): void;
};
