// Moodle 4.x quiz pages (see shared/lms-moodle-quiz.md). An attempt is over once the browser lands on review.php,
// or on view.php again straight after a submission when the quiz forbids immediate review (review.php then sends
// the browser on to view.php, §7): a form submission that ends, through server redirects, on view.php after the
// student was in the attempt.
export type QuizStep = {
  url: URL;
  /** The page was reached by submitting a form, through server redirects (Moodle's 303s). */
  afterFormRedirect: boolean;
  /** The quiz tab was on an attempt page (attempt.php or summary.php) earlier in this proctored attempt. */
  attemptSeen: boolean;
};

const page = (url: URL, name: string) => url.pathname.endsWith(`/mod/quiz/${name}.php`);

export const moodle = {
  name: 'moodle',
  isQuizPage: (url: URL) => url.pathname.includes('/mod/quiz/'),
  isAttemptPage: (url: URL) => page(url, 'attempt') || page(url, 'summary'),
  isSubmitted: ({ url, afterFormRedirect, attemptSeen }: QuizStep) => page(url, 'review') || (page(url, 'view') && afterFormRedirect && attemptSeen),
};
