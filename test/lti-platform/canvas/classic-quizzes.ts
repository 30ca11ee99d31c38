// Canvas Classic Quizzes as shared/lms-canvas.md describes them ("Quiz pages the extension must match", "The access
// code"): the quiz page with a#take_quiz_link (a data-method=post link Canvas's script turns into a form post), the
// access-code form at /take that remembers a right code in the session until submission, the taking page with its
// autosave and timer, one question at a time, the submission's 302 back to the quiz page, and the REST calls that
// read and set the access code and list submissions. Written from that file, not from the extension's adapter.
import express, { type Request, type Response } from 'express';

export type ClassicQuiz = {
  id: number; courseId: number; title: string;
  /** The quiz's access code; null: none. */
  accessCode: string | null;
  /** Seconds; 0: no time limit. (Canvas counts minutes; the tests need shorter.) */
  timeLimitSeconds: number;
  oneQuestionAtATime: boolean;
};
export type QuizSubmission = {
  id: number; quizId: number; userId: number; attempt: number;
  workflowState: 'untaken' | 'complete';
  startedAt: Date; finishedAt: Date | null; backups: number; answers: Record<string, string>;
};
/** What the school's session gives this module: who is logged in, their CSRF token, and what the session remembers. */
export type ClassicSession = { userId: number; csrf: string; accessCodes: Set<number> };

const esc = (value: string) => value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const questions = [
  { id: 1, text: 'Which layer of the OSI model routes packets?', choices: ['Network', 'Session'] },
  { id: 2, text: 'Is TCP connection-oriented?', choices: ['True', 'False'] },
];

export function classicQuizzes(deps: {
  sessionOf(req: Request): ClassicSession | undefined;
  page(res: Response, options: { title: string; bodyClass?: string; main: string; script?: string }): void;
}) {
  const quizzes = new Map<number, ClassicQuiz>();
  const submissions: QuizSubmission[] = [];
  let nextId = 500;
  const router = express.Router();
  const form = express.urlencoded({ extended: false });

  const quizOf = (req: Request) => {
    const quiz = quizzes.get(Number(req.params.quiz));
    return quiz && quiz.courseId === Number(req.params.course) ? quiz : undefined;
  };
  const current = (quiz: ClassicQuiz, userId: number) => submissions.find((s) => s.quizId === quiz.id && s.userId === userId && s.workflowState === 'untaken');
  const base = (quiz: ClassicQuiz) => `/courses/${quiz.courseId}/quizzes/${quiz.id}`;
  /** Pages need a logged-in user: Canvas sends anyone else to its login page. */
  const loggedIn = (req: Request, res: Response) => {
    const session = deps.sessionOf(req);
    if (!session) res.redirect(302, `/login/canvas?return_to=${encodeURIComponent(req.originalUrl)}`);
    return session;
  };

  // The quiz page: "Take the Quiz" (or "Take the Quiz Again") posts to /take; "Resume Quiz" is a plain link, no id.
  router.get('/courses/:course/quizzes/:quiz', (req, res) => {
    const quiz = quizOf(req);
    if (!quiz) return res.status(404).send('Page not found');
    const session = loggedIn(req, res);
    if (!session) return;
    const open = current(quiz, session.userId);
    const taken = submissions.some((s) => s.quizId === quiz.id && s.userId === session.userId && s.workflowState === 'complete');
    const take = `${base(quiz)}/take?user_id=${session.userId}`;
    const action = open
      ? `<a class="btn btn-primary" href="${take}">Resume Quiz</a>`
      : `<a id="take_quiz_link" class="btn btn-primary" href="${take}" data-method="post" rel="nofollow">${taken ? 'Take the Quiz Again' : 'Take the Quiz'}</a>`;
    deps.page(res, {
      title: quiz.title, bodyClass: 'quizzes',
      main: `<h1 id="quiz_title">${esc(quiz.title)}</h1><ul id="quiz_student_details"><li>Time limit: ${quiz.timeLimitSeconds ? `${quiz.timeLimitSeconds} seconds` : 'none'}</li></ul>
${taken ? '<div id="quiz-submission-version-table"><h2>Attempt History</h2><p>Submitted</p></div>' : ''}<div id="take_quiz_link_wrapper">${action}</div>`,
      // Canvas's data-method links: a click becomes a form post carrying the authenticity token.
      script: `document.addEventListener('click', (e) => { const a = e.target.closest('a[data-method]'); if (!a) return; e.preventDefault();
const f = document.createElement('form'); f.method = 'post'; f.action = a.href; const t = document.createElement('input'); t.type = 'hidden'; t.name = 'authenticity_token'; t.value = ${JSON.stringify(session.csrf)};
f.append(t); document.body.append(f); f.submit(); });`,
    });
  });

  const accessCodeForm = (res: Response, quiz: ClassicQuiz, session: ClassicSession, wrong: boolean) => deps.page(res, {
    title: quiz.title, bodyClass: 'quizzes',
    main: `<h1>${esc(quiz.title)}</h1><p>This quiz requires an access code.</p>${wrong ? '<div class="ic-flash-error" role="alert">That access code is incorrect.</div>' : ''}
<form class="access_code_form" method="post" action="${base(quiz)}/take?user_id=${session.userId}">
<input type="hidden" name="authenticity_token" value="${esc(session.csrf)}"><label for="quiz_access_code">Access code</label>
<input type="password" id="quiz_access_code" name="access_code" autocomplete="off"><button type="submit" class="btn btn-primary">Submit</button></form>`,
  });

  const takingPage = (res: Response, quiz: ClassicQuiz, session: ClassicSession, submission: QuizSubmission, questionId?: number) => {
    const shown = quiz.oneQuestionAtATime ? questions.filter((q) => q.id === (questionId ?? questions[0].id)) : questions;
    const last = !quiz.oneQuestionAtATime || shown[0]?.id === questions.at(-1)!.id;
    const items = shown.map((q) => `<div class="question" id="question_${q.id}"><p class="question_text">${esc(q.text)}</p>
${q.choices.map((c, i) => `<label><input type="radio" name="question_${q.id}" value="${i}"${submission.answers[`question_${q.id}`] === String(i) ? ' checked' : ''}> ${esc(c)}</label>`).join(' ')}</div>`).join('');
    const remaining = quiz.timeLimitSeconds ? Math.max(0, quiz.timeLimitSeconds - Math.floor((Date.now() - submission.startedAt.getTime()) / 1000)) : 0;
    const nextQuestion = questions[questions.findIndex((q) => q.id === shown[0]?.id) + 1];
    const action = last ? `${base(quiz)}/submissions?user_id=${session.userId}` : `${base(quiz)}/submissions/${submission.id}/record_answer`;
    deps.page(res, {
      title: quiz.title, bodyClass: 'assessing',
      main: `<h1>${esc(quiz.title)}</h1>${quiz.timeLimitSeconds ? `<div class="time_running" id="time_running">${remaining}</div>` : ''}
<form id="submit_quiz_form" method="post" action="${action}"><input type="hidden" name="authenticity_token" value="${esc(session.csrf)}">
${nextQuestion && !last ? `<input type="hidden" name="question_id" value="${shown[0].id}"><input type="hidden" name="next_question_path" value="${base(quiz)}/take/questions/${nextQuestion.id}">` : ''}
${items}<div id="last_saved_indicator">Not saved</div>
${last ? '<button type="submit" id="submit_quiz_button" class="btn btn-primary">Submit Quiz</button>' : '<button type="submit" class="btn next-question">Next</button>'}</form>
<div id="times_up_dialog" hidden role="alertdialog" aria-label="Time is up"><p>Time's Up! Submitting results in 5 seconds.</p></div>`,
      // Autosave (…/submissions/backup) on each change, and the timer that submits on its own at zero.
      script: `const form = document.getElementById('submit_quiz_form');
form.addEventListener('change', () => fetch(${JSON.stringify(`${base(quiz)}/submissions/backup`)}, { method: 'POST', body: new URLSearchParams(new FormData(form)) })
  .then((r) => { if (r.ok) document.getElementById('last_saved_indicator').textContent = 'Quiz saved at ' + new Date().toLocaleTimeString(); }));
${quiz.timeLimitSeconds ? `let left = ${remaining}; const tick = setInterval(() => { left -= 1; document.getElementById('time_running').textContent = Math.max(0, left);
  if (left <= 0) { clearInterval(tick); document.getElementById('times_up_dialog').hidden = false; form.action = ${JSON.stringify(`${base(quiz)}/submissions?user_id=${session.userId}`)}; setTimeout(() => HTMLFormElement.prototype.submit.call(form), 1000); } }, 1000);` : ''}`,
    });
  };

  // POST /take: the access code first (remembered in the session until submission), then the taking page.
  router.post('/courses/:course/quizzes/:quiz/take', form, (req, res) => {
    const quiz = quizOf(req);
    if (!quiz) return res.status(404).send('Page not found');
    const session = loggedIn(req, res);
    if (!session) return;
    const body = (req.body ?? {}) as Record<string, string>;
    if (body.authenticity_token !== session.csrf) return res.status(422).send('Invalid authenticity token');
    if (quiz.accessCode && !session.accessCodes.has(quiz.id)) {
      if (body.access_code === undefined) return accessCodeForm(res, quiz, session, false);
      if (body.access_code !== quiz.accessCode) return accessCodeForm(res, quiz, session, true);
      session.accessCodes.add(quiz.id);
    }
    let submission = current(quiz, session.userId);
    if (!submission) {
      const attempt = submissions.filter((s) => s.quizId === quiz.id && s.userId === session.userId).length + 1;
      submission = { id: nextId++, quizId: quiz.id, userId: session.userId, attempt, workflowState: 'untaken', startedAt: new Date(), finishedAt: null, backups: 0, answers: {} };
      submissions.push(submission);
    }
    takingPage(res, quiz, session, submission);
  });
  // Resuming (GET): the taking page while a submission is open and its code remembered; else back to the quiz.
  router.get(['/courses/:course/quizzes/:quiz/take', '/courses/:course/quizzes/:quiz/take/questions/:question'], (req, res) => {
    const quiz = quizOf(req);
    if (!quiz) return res.status(404).send('Page not found');
    const session = loggedIn(req, res);
    if (!session) return;
    const submission = current(quiz, session.userId);
    if (!submission || (quiz.accessCode && !session.accessCodes.has(quiz.id))) {
      if (submission && quiz.accessCode) return accessCodeForm(res, quiz, session, false);
      return res.redirect(302, base(quiz));
    }
    takingPage(res, quiz, session, submission, req.params.question ? Number(req.params.question) : undefined);
  });
  router.post('/courses/:course/quizzes/:quiz/submissions/backup', form, (req, res) => {
    const quiz = quizOf(req);
    const session = deps.sessionOf(req);
    const submission = quiz && session ? current(quiz, session.userId) : undefined;
    if (!submission || (req.body as Record<string, string>).authenticity_token !== session!.csrf) return res.status(422).json({ errors: [{ message: 'not allowed' }] });
    Object.assign(submission.answers, Object.fromEntries(Object.entries(req.body as Record<string, string>).filter(([k]) => k.startsWith('question_'))));
    submission.backups += 1;
    res.json({ backup: true, end_at: null });
  });
  router.post('/courses/:course/quizzes/:quiz/submissions/:submission/record_answer', form, (req, res) => {
    const quiz = quizOf(req);
    const session = deps.sessionOf(req);
    const submission = quiz && session ? current(quiz, session.userId) : undefined;
    const body = req.body as Record<string, string>;
    if (!quiz || !submission || submission.id !== Number(req.params.submission) || body.authenticity_token !== session!.csrf) return res.status(422).send('Invalid submission');
    Object.assign(submission.answers, Object.fromEntries(Object.entries(body).filter(([k]) => k.startsWith('question_'))));
    res.redirect(302, body.next_question_path?.startsWith(base(quiz)) ? body.next_question_path : `${base(quiz)}/take`);
  });
  // Submission: the attempt is complete, the code forgotten, and the browser sent back to the quiz page.
  router.post('/courses/:course/quizzes/:quiz/submissions', form, (req, res) => {
    const quiz = quizOf(req);
    const session = deps.sessionOf(req);
    const submission = quiz && session ? current(quiz, session.userId) : undefined;
    if (!quiz || !submission || (req.body as Record<string, string>).authenticity_token !== session!.csrf) return res.status(422).send('Invalid submission');
    Object.assign(submission.answers, Object.fromEntries(Object.entries(req.body as Record<string, string>).filter(([k]) => k.startsWith('question_'))));
    submission.workflowState = 'complete';
    submission.finishedAt = new Date();
    session!.accessCodes.delete(quiz.id);
    res.redirect(302, base(quiz));
  });

  const presentQuiz = (quiz: ClassicQuiz, origin: string) => ({
    id: quiz.id, title: quiz.title, html_url: `${origin}${base(quiz)}`, quiz_type: 'assignment', access_code: quiz.accessCode,
    time_limit: quiz.timeLimitSeconds ? Math.ceil(quiz.timeLimitSeconds / 60) : null, one_question_at_a_time: quiz.oneQuestionAtATime, published: true,
  });

  return {
    router,
    quizzes,
    submissions,
    presentQuiz,
    add(quiz: Partial<ClassicQuiz> & { courseId: number }) {
      const full: ClassicQuiz = { id: nextId++, title: 'Networking midterm', accessCode: null, timeLimitSeconds: 0, oneQuestionAtATime: false, ...quiz };
      quizzes.set(full.id, full);
      return full;
    },
    /** Starts and submits an attempt as Canvas would for a student who opened the quiz without Invigil. */
    submitDirectly(quiz: ClassicQuiz, userId: number) {
      const submission: QuizSubmission = { id: nextId++, quizId: quiz.id, userId, attempt: submissions.filter((s) => s.quizId === quiz.id && s.userId === userId).length + 1, workflowState: 'complete', startedAt: new Date(), finishedAt: new Date(), backups: 0, answers: {} };
      submissions.push(submission);
      return submission;
    },
  };
}
export type ClassicQuizzes = ReturnType<typeof classicQuizzes>;
