// Moodle 4.x quiz pages (see shared/lms-moodle-quiz.md): an attempt is over once the browser lands on review.php,
// or on view.php again straight after a submission when the quiz forbids immediate review.
export const moodle = {
  name: 'moodle',
  isQuizPage: (url: URL) => url.pathname.includes('/mod/quiz/'),
  isSubmitted: (url: URL) => url.pathname.endsWith('/mod/quiz/review.php'),
};
