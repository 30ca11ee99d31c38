// Moodle 4.5's quiz module as shared/lms-moodle-quiz.md records it (sections 1-9 for the pages, 11 for the web
// services), served by the test LMS. It is written from that file, not from the extension's adapter: the server
// checks the password per user (a user override first), once per login session; it keeps attempts with ids and
// states; it answers the web services with Moodle's errors. Pages carry the observed hooks and nothing more.
import { randomBytes } from 'node:crypto';
import express, { type Request, type Response } from 'express';

export type MoodleQuiz = {
  cmid: number;
  /** The quiz instance id (what overrides and attempts are keyed by). */
  quizId: number;
  courseId: string;
  name: string;
  /** The quiz's "Require password"; empty: none. */
  password: string;
  /** Seconds; 0: no time limit. (Moodle counts minutes; the tests need shorter.) */
  timeLimitSeconds: number;
  /** "Review immediately after the attempt": off sends review.php on to view.php (§7). */
  reviewAfterAttempt: boolean;
  /** browsersecurity = securewindow (§9). */
  secureWindow: boolean;
};
type Override = { id: number; quiz: number; userid: string; password?: string; timelimit?: number };
/** `sumgrades`: the attempt's marks once graded (this emulator does not grade: a test sets it, as a teacher's grading would). */
type Attempt = { id: number; quiz: number; userid: string; attempt: number; state: 'inprogress' | 'overdue' | 'finished' | 'abandoned'; timestart: number; timefinish: number; page: number; answers: Record<string, string>; sumgrades?: number };
type Session = { sid: string; userid: string; sesskey: string; passwordChecked: Set<number> };

const esc = (value: string) => value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const now = () => Math.floor(Date.now() / 1000);
const timer = (seconds: number) => `${Math.floor(seconds / 3600)}:${String(Math.floor(seconds / 60) % 60).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;

/** Nested form fields as Moodle's REST server reads them: data[overrides][0][userid]=4. */
function nested(body: Record<string, string>) {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    const path = key.replace(/\]/g, '').split('[');
    let node = root;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Record<string, unknown>;
    });
  }
  return root;
}
const list = (value: unknown) => (value && typeof value === 'object' ? Object.values(value as Record<string, unknown>) : []);

export function moodleQuizModule(site: { name: string }) {
  const quizzes = new Map<number, MoodleQuiz>();
  const overrides: Override[] = [];
  const attempts: Attempt[] = [];
  const sessions = new Map<string, Session>();
  /** Web-service tokens and the functions their service holds. */
  const tokens = new Map<string, Set<string>>();
  let nextId = 100;
  const calls: { wsfunction: string; params: Record<string, unknown> }[] = [];
  /** Every request to startattempt.php, to see how a start arrived (a popup's GET carries the password, §9). */
  const starts: { method: string; url: string }[] = [];

  const router = express.Router();
  router.use(express.urlencoded({ extended: false }));
  const login = (userid: string) => {
    const sid = randomBytes(12).toString('hex');
    sessions.set(sid, { sid, userid, sesskey: randomBytes(5).toString('hex'), passwordChecked: new Set() });
    return sid;
  };

  const sessionOf = (req: Request) => {
    const sid = /(?:^|;\s*)MoodleSession=([^;]+)/.exec(req.get('cookie') ?? '')?.[1];
    return sid ? sessions.get(sid) : undefined;
  };
  const quizOf = (cmid: unknown) => quizzes.get(Number(cmid));
  const passwordFor = (quiz: MoodleQuiz, userid: string) => overrides.find((o) => o.quiz === quiz.quizId && o.userid === userid && o.password !== undefined)?.password ?? quiz.password;
  const timeLimitFor = (quiz: MoodleQuiz, userid: string) => overrides.find((o) => o.quiz === quiz.quizId && o.userid === userid && o.timelimit !== undefined)?.timelimit ?? quiz.timeLimitSeconds;
  const userAttempts = (quiz: MoodleQuiz, userid: string) => attempts.filter((a) => a.quiz === quiz.quizId && a.userid === userid);
  const open = (quiz: MoodleQuiz, userid: string) => userAttempts(quiz, userid).find((a) => a.state === 'inprogress');
  const needsPassword = (quiz: MoodleQuiz, s: Session) => passwordFor(quiz, s.userid) !== '' && !s.passwordChecked.has(quiz.cmid);

  const layout = (res: Response, quiz: MoodleQuiz, options: { title: string; bodyId: string; main: string; secure?: boolean; script?: string }) =>
    res.type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(options.title)} | ${esc(site.name)}</title></head>
<body id="${options.bodyId}" class="path-mod-quiz cmid-${quiz.cmid} course-${esc(quiz.courseId)} ${options.secure ? 'pagelayout-secure quiz-secure-window' : 'pagelayout-incourse'}">
<div id="page"><div role="main">${options.main}</div></div>${options.script ? `<script>${options.script}</script>` : ''}</body></html>`);

  const preflightForm = (quiz: MoodleQuiz, s: Session, options: { error?: boolean; echoed?: string; honesty: boolean }) => `<form id="mod_quiz_preflight_form" class="mform" method="post" action="/mod/quiz/startattempt.php" autocomplete="off">
<input type="hidden" name="cmid" value="${quiz.cmid}"><input type="hidden" name="sesskey" value="${s.sesskey}"><input type="hidden" name="_qf__mod_quiz_form_preflight_check_form" value="1">
<fieldset id="id_passwordheader"><legend>Password</legend><p>To attempt this quiz you need to know the quiz password</p>
<div id="fitem_id_quizpassword" class="form-group${options.error ? ' has-danger' : ''}"><label for="id_quizpassword">Quiz password</label>
<span data-passwordunmask="wrapper"><a href="#" data-passwordunmask="edit">Click to enter text</a>
<input type="password" name="quizpassword" id="id_quizpassword" class="form-control d-none${options.error ? ' is-invalid' : ''}" value="${esc(options.echoed ?? '')}" style="display:none"></span>
<div id="id_error_quizpassword" class="form-control-feedback invalid-feedback">${options.error ? 'The password entered was incorrect' : ''}</div></div></fieldset>
${options.honesty ? `<fieldset id="id_honestycheckheader"><div id="fitem_id_honestycheckmessage">Your attempt will have a time limit of ${esc(timer(quiz.timeLimitSeconds))}. When you start, the timer will begin to count down and cannot be paused. You must finish your attempt before it expires. Are you sure you wish to start now?</div></fieldset>` : ''}
<input type="submit" name="submitbutton" id="id_submitbutton" value="Start attempt"> <input type="submit" name="cancel" id="id_cancel" value="Cancel">
</form>`;
  // The "Click to enter text" link shows the input, as the passwordunmask widget does.
  const unmaskScript = `document.addEventListener('click', (e) => { const edit = e.target.closest && e.target.closest('[data-passwordunmask="edit"]'); if (!edit) return; e.preventDefault(); const input = document.getElementById('id_quizpassword'); input.classList.remove('d-none'); input.style.display = ''; input.focus(); });`;

  // Moodle's login page (§1), which sends the user on to the page that asked for it.
  router.get('/login/index.php', (req, res) => res.type('html').send(`<!doctype html><html lang="en"><head><title>Log in to the site | ${esc(site.name)}</title></head>
<body id="page-login-index"><form method="post" action="/login/index.php"><input type="hidden" name="wantsurl" value="${esc(typeof req.query.wantsurl === 'string' ? req.query.wantsurl : '/')}">
<label for="username">Username</label> <input id="username" name="username"> <label for="password">Password</label> <input id="password" name="password" type="password">
<button type="submit" id="loginbtn">Log in</button></form></body></html>`));
  router.post('/login/index.php', (req, res) => {
    const body = (req.body ?? {}) as Record<string, string>;
    if (!body.username) return res.redirect(303, '/login/index.php');
    const sid = login(body.username);
    res.cookie('MoodleSession', sid, { httpOnly: true, sameSite: 'lax', path: '/' });
    return res.redirect(303, body.wantsurl?.startsWith('/') ? body.wantsurl : '/');
  });
  const toLogin = (req: Request, res: Response) => res.redirect(303, `/login/index.php?wantsurl=${encodeURIComponent(req.originalUrl)}`);

  router.get('/mod/quiz/view.php', (req, res, next) => {
    const quiz = quizOf(req.query.id);
    if (!quiz) return next();
    const s = sessionOf(req);
    if (!s) return toLogin(req, res);
    const mine = userAttempts(quiz, s.userid);
    const inProgress = mine.some((a) => a.state === 'inprogress');
    const label = inProgress ? 'Continue your attempt' : mine.length ? 'Re-attempt quiz' : 'Attempt quiz';
    const askPassword = needsPassword(quiz, s);
    const cards = mine.map((a) => `<div class="card"><h3>Attempt ${a.attempt}</h3><table class="generaltable quizreviewsummary"><tbody>
<tr><th scope="row">Status</th><td>${a.state === 'inprogress' ? 'In progress' : 'Finished'}</td></tr></tbody></table></div>`).join('');
    // Clicking the start button opens the YUI dialogue with the preflight form moved into it; in secure-window mode
    // its Start attempt opens a popup with the answers in the address (§9).
    const script = askPassword ? `${unmaskScript}
const startButton = document.querySelector('.quizstartbuttondiv [type=submit]');
startButton.addEventListener('click', (event) => {
  event.preventDefault();
  const dialogue = document.createElement('div');
  dialogue.className = 'moodle-dialogue-base moodle-dialogue mod_quiz_preflight_popup';
  dialogue.setAttribute('role', 'dialog');
  dialogue.innerHTML = '<div class="moodle-dialogue-hd">Start attempt</div><div class="moodle-dialogue-bd"></div>';
  dialogue.querySelector('.moodle-dialogue-bd').append(document.getElementById('mod_quiz_preflight_form'));
  document.body.append(dialogue);
  document.body.classList.add('lockscroll');
});
${quiz.secureWindow ? `document.getElementById('mod_quiz_preflight_form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new URLSearchParams(new FormData(event.target, event.submitter));
  window.open('/mod/quiz/startattempt.php?' + form.toString(), '_blank', 'toolbar=no,location=no,menubar=no');
});` : ''}` : '';
    return layout(res, quiz, {
      title: `LTI101: ${quiz.name}`, bodyId: 'page-mod-quiz-view', script,
      main: `<h1>${esc(quiz.name)}</h1>
<div class="box quizinfo">${quiz.password || overrides.some((o) => o.quiz === quiz.quizId && o.userid === s.userid && o.password) ? '<p>To attempt this quiz you need to know the quiz password</p>' : ''}${quiz.timeLimitSeconds ? `<p>Time limit: ${esc(timer(quiz.timeLimitSeconds))}</p>` : ''}<p>Grading method: Highest grade</p></div>
${mine.length ? `<h2>Your attempts</h2>${cards}` : ''}
<div class="singlebutton quizstartbuttondiv${quiz.secureWindow ? ' quizsecuremoderequired' : ''}"><form method="post" action="/mod/quiz/startattempt.php">
<input type="hidden" name="cmid" value="${quiz.cmid}"><input type="hidden" name="sesskey" value="${s.sesskey}">
<button type="submit" class="btn btn-primary" id="single_button${randomBytes(4).toString('hex')}">${label}</button></form></div>
${askPassword ? `<div hidden>${preflightForm(quiz, s, { honesty: quiz.timeLimitSeconds > 0 && !inProgress })}</div>` : ''}`,
    });
  });

  // POST from the start button or the preflight form; GET from a deep link in a fresh session or the secure popup.
  const startAttempt = (req: Request, res: Response, next: express.NextFunction) => {
    starts.push({ method: req.method, url: req.originalUrl });
    const fields = { ...(req.query as Record<string, string>), ...((req.body ?? {}) as Record<string, string>) };
    const quiz = quizOf(fields.cmid);
    if (!quiz) return next();
    const s = sessionOf(req);
    if (!s) return toLogin(req, res);
    if (fields.sesskey !== s.sesskey) return res.status(403).type('html').send('<h1>Invalid sesskey</h1>');
    if (needsPassword(quiz, s)) {
      // Moodle 4.5.6 reads the preflight form only when posted (its GET test uses the field's old name, §9).
      const submitted = req.method === 'POST' && fields._qf__mod_quiz_form_preflight_check_form === '1';
      if (!submitted || fields.quizpassword !== passwordFor(quiz, s.userid)) {
        return layout(res, quiz, {
          title: quiz.name, bodyId: 'page-mod-quiz-view', secure: quiz.secureWindow, script: unmaskScript,
          main: `<h2>${esc(quiz.name)}</h2>${preflightForm(quiz, s, { error: submitted, echoed: submitted ? fields.quizpassword : '', honesty: quiz.timeLimitSeconds > 0 && !open(quiz, s.userid) })}`,
        });
      }
      s.passwordChecked.add(quiz.cmid);
    }
    let attempt = open(quiz, s.userid);
    if (!attempt) {
      attempt = { id: nextId++, quiz: quiz.quizId, userid: s.userid, attempt: userAttempts(quiz, s.userid).length + 1, state: 'inprogress', timestart: now(), timefinish: 0, page: 0, answers: {} };
      attempts.push(attempt);
    }
    return res.redirect(303, `/mod/quiz/attempt.php?attempt=${attempt.id}&cmid=${quiz.cmid}${attempt.page ? `&page=${attempt.page}` : ''}`);
  };
  router.post('/mod/quiz/startattempt.php', startAttempt);
  router.get('/mod/quiz/startattempt.php', startAttempt);

  /** The attempt of this page, if the session may see it; otherwise the answer was sent. */
  const attemptPage = (req: Request, res: Response) => {
    const quiz = quizOf(req.query.cmid ?? (req.body as Record<string, string> | undefined)?.cmid);
    const s = sessionOf(req);
    if (!quiz || !s) { toLogin(req, res); return undefined; }
    const id = Number(req.query.attempt ?? (req.body as Record<string, string> | undefined)?.attempt);
    const attempt = attempts.find((a) => a.id === id && a.userid === s.userid && a.quiz === quiz.quizId);
    if (!attempt) { res.status(404).type('html').send('<h1>This attempt does not exist</h1>'); return undefined; }
    // A deep link in a session that has not given the password goes to the full-page form (§3).
    if (attempt.state === 'inprogress' && needsPassword(quiz, s)) { res.redirect(303, `/mod/quiz/startattempt.php?cmid=${quiz.cmid}&sesskey=${s.sesskey}`); return undefined; }
    return { quiz, s, attempt };
  };
  const secondsLeft = (quiz: MoodleQuiz, attempt: Attempt) => {
    const limit = timeLimitFor(quiz, attempt.userid);
    return limit ? Math.max(0, attempt.timestart + limit - now()) : undefined;
  };
  // At 0 s the page sets #timeup and submits the form itself (§7).
  const timerScript = (left: number | undefined, formId: string) => (left === undefined ? '' : `let left = ${left};
const shown = document.getElementById('quiz-time-left');
const tick = () => {
  left -= 1;
  if (left <= 0) { shown.textContent = 'Time is up!'; const form = document.getElementById('${formId}'); form.querySelector('[name=timeup]').value = '1';${formId === 'frm-finishattempt' ? " form.querySelector('[name=finishattempt]').value = '0';" : ''} form.submit(); return; }
  shown.textContent = Math.floor(left / 3600) + ':' + String(Math.floor(left / 60) % 60).padStart(2, '0') + ':' + String(left % 60).padStart(2, '0');
  setTimeout(tick, 1000);
};
setTimeout(tick, 1000);`);
  const timerMarkup = (left: number | undefined) => (left === undefined ? '' : `<div id="quiz-timer-wrapper" style="display:flex"><div id="quiz-timer" class="quiz-timer-inner" role="timer" aria-atomic="true">Time left <span id="quiz-time-left">${timer(left)}</span></div><button type="button" id="toggle-timer">Hide</button></div>`);

  router.get('/mod/quiz/attempt.php', (req, res, next) => {
    if (!quizOf(req.query.cmid)) return next();
    const found = attemptPage(req, res);
    if (!found) return;
    const { quiz, s, attempt } = found;
    if (attempt.state !== 'inprogress') return res.redirect(303, `/mod/quiz/review.php?attempt=${attempt.id}&cmid=${quiz.cmid}`);
    const pageNo = Math.min(1, Math.max(0, Number(req.query.page ?? attempt.page) || 0));
    attempt.page = pageNo;
    const left = secondsLeft(quiz, attempt);
    const slot = pageNo + 1;
    const state = (n: number) => (attempt.answers[`q${attempt.id}:${n}_answer`] ? 'answersaved' : 'notyetanswered');
    const question = pageNo === 0
      ? `<div id="question-${attempt.id}-1" class="que truefalse deferredfeedback ${state(1)}"><div class="info"><div class="state">${state(1) === 'answersaved' ? 'Answer saved' : 'Not yet answered'}</div></div>
<p>Is this quiz proctored?</p><label><input type="radio" name="q${attempt.id}:1_answer" id="q${attempt.id}:1_answertrue" value="1"> True</label> <label><input type="radio" name="q${attempt.id}:1_answer" id="q${attempt.id}:1_answerfalse" value="0"> False</label></div>`
      : `<div id="question-${attempt.id}-2" class="que shortanswer deferredfeedback ${state(2)}"><div class="info"><div class="state">Not yet answered</div></div>
<label for="q${attempt.id}:2_answer">Name the proctoring tool</label> <input type="text" name="q${attempt.id}:2_answer" id="q${attempt.id}:2_answer"></div>`;
    return layout(res, quiz, {
      title: `${quiz.name} (page ${slot} of 2)`, bodyId: 'page-mod-quiz-attempt', script: timerScript(left, 'responseform'),
      main: `${timerMarkup(left)}<section id="mod_quiz_navblock" role="navigation"><div class="qn_buttons">${[1, 2].map((n) => `<a class="qnbutton ${state(n)}${n === slot ? ' thispage' : ''}" id="quiznavbutton${n}" data-quiz-page="${n - 1}" href="/mod/quiz/attempt.php?attempt=${attempt.id}&cmid=${quiz.cmid}&page=${n - 1}" title="Question ${n} - ${state(n) === 'answersaved' ? 'Answer saved' : 'Not yet answered'}">${n}</a>`).join('')}</div>
<div class="othernav"><a class="endtestlink aalink" href="/mod/quiz/summary.php?attempt=${attempt.id}&cmid=${quiz.cmid}">Finish attempt ...</a><div class="autosave_info" hidden></div></div></section>
<div id="connection-error" role="alert" hidden>Network connection lost. (Autosave failed).</div>
<form id="responseform" method="post" enctype="multipart/form-data" action="/mod/quiz/processattempt.php?cmid=${quiz.cmid}">
<input type="hidden" name="attempt" value="${attempt.id}"><input type="hidden" name="thispage" id="followingpage" value="${pageNo}">
<input type="hidden" name="nextpage" value="${pageNo === 1 ? -1 : pageNo + 1}"><input type="hidden" name="timeup" id="timeup" value="0">
<input type="hidden" name="sesskey" value="${s.sesskey}"><input type="hidden" name="slots" value="${slot}">
${question}
${pageNo > 0 ? '<input type="submit" name="previous" value="Previous page" id="mod_quiz-prev-nav" class="mod_quiz-prev-nav btn btn-secondary">' : ''}
<input type="submit" name="next" value="${pageNo === 1 ? 'Finish attempt ...' : 'Next page'}" id="mod_quiz-next-nav" class="mod_quiz-next-nav btn btn-primary"></form>`,
    });
  });

  // The attempt form is multipart (§4); the summary's is urlencoded (§6).
  const multipart = express.raw({ type: 'multipart/form-data', limit: '1mb' });
  const fieldsOf = (req: Request): Record<string, string> => {
    if (!Buffer.isBuffer(req.body)) return (req.body ?? {}) as Record<string, string>;
    const boundary = /boundary=(.+)$/.exec(req.get('content-type') ?? '')?.[1];
    const fields: Record<string, string> = {};
    for (const part of boundary ? req.body.toString('utf8').split(`--${boundary}`) : []) {
      const m = /name="([^"]+)"\r\n\r\n([\s\S]*)\r\n$/.exec(part);
      if (m) fields[m[1]] = m[2];
    }
    return fields;
  };
  router.post('/mod/quiz/processattempt.php', multipart, (req, res, next) => {
    req.body = fieldsOf(req);
    if (!quizOf(req.query.cmid ?? (req.body as Record<string, string>).cmid)) return next();
    const found = attemptPage(req, res);
    if (!found) return;
    const { quiz, s, attempt } = found;
    const body = req.body as Record<string, string>;
    if (body.sesskey !== s.sesskey) return res.status(403).type('html').send('<h1>Invalid sesskey</h1>');
    for (const [k, v] of Object.entries(body)) if (/^q\d+:\d+_answer$/.test(k)) attempt.answers[k] = v;
    const timeUp = body.timeup === '1' || (secondsLeft(quiz, attempt) ?? 1) <= 0;
    if (body.finishattempt === '1' || timeUp) {
      attempt.state = 'finished';
      attempt.timefinish = now();
      // The password flag goes with the attempt: the next one asks again (§7).
      s.passwordChecked.delete(quiz.cmid);
      return res.redirect(303, `/mod/quiz/review.php?attempt=${attempt.id}&cmid=${quiz.cmid}`);
    }
    if (body.nextpage === '-1' && body.previous === undefined) return res.redirect(303, `/mod/quiz/summary.php?attempt=${attempt.id}&cmid=${quiz.cmid}`);
    const target = body.previous !== undefined ? Number(body.thispage) - 1 : Number(body.nextpage);
    return res.redirect(303, `/mod/quiz/attempt.php?attempt=${attempt.id}&cmid=${quiz.cmid}&page=${Math.max(0, target)}`);
  });

  router.get('/mod/quiz/summary.php', (req, res, next) => {
    if (!quizOf(req.query.cmid)) return next();
    const found = attemptPage(req, res);
    if (!found) return;
    const { quiz, s, attempt } = found;
    if (attempt.state !== 'inprogress') return res.redirect(303, `/mod/quiz/review.php?attempt=${attempt.id}&cmid=${quiz.cmid}`);
    const left = secondsLeft(quiz, attempt);
    const row = (n: number) => { const saved = Boolean(attempt.answers[`q${attempt.id}:${n}_answer`]); return `<tr class="quizsummary${n} ${saved ? 'answersaved' : 'notyetanswered'}"><td class="c0">${n}</td><td class="c1">${saved ? 'Answer saved' : 'Not yet answered'}</td></tr>`; };
    const missing = [1, 2].filter((n) => !attempt.answers[`q${attempt.id}:${n}_answer`]).length;
    // The button only opens the confirmation; its save submits the form (§6).
    const script = `${timerScript(left, 'frm-finishattempt')}
document.querySelector('.btn-finishattempt button').addEventListener('click', (event) => {
  event.preventDefault();
  const modal = document.createElement('div');
  modal.className = 'modal show'; modal.setAttribute('role', 'dialog');
  modal.innerHTML = '<div class="modal-dialog"><div class="modal-content"><h5 class="modal-title">Submit all your answers and finish?</h5><div class="modal-body">Once you submit your answers, you won’t be able to change them.${missing ? `<br>Questions without a response: ${missing}` : ''}</div><button type="button" data-action="cancel">Cancel</button> <button type="button" data-action="save" class="btn btn-primary">Submit all and finish</button></div></div>';
  modal.querySelector('[data-action=cancel]').addEventListener('click', () => modal.remove());
  modal.querySelector('[data-action=save]').addEventListener('click', () => document.getElementById('frm-finishattempt').submit());
  document.body.append(modal);
});`;
    return layout(res, quiz, {
      title: `${quiz.name}: Attempt summary`, bodyId: 'page-mod-quiz-summary', script,
      main: `${timerMarkup(left)}<table class="generaltable quizsummaryofattempt"><tbody>${row(1)}${row(2)}</tbody></table>
<form method="post" action="/mod/quiz/attempt.php"><input type="hidden" name="attempt" value="${attempt.id}"><input type="hidden" name="cmid" value="${quiz.cmid}"><input type="hidden" name="page" value="0"><input type="hidden" name="sesskey" value="${s.sesskey}"><button type="submit">Return to attempt</button></form>
<form id="frm-finishattempt" method="post" action="/mod/quiz/processattempt.php"><input type="hidden" name="attempt" value="${attempt.id}"><input type="hidden" name="finishattempt" value="1"><input type="hidden" name="timeup" value="0"><input type="hidden" name="slots" value=""><input type="hidden" name="cmid" value="${quiz.cmid}"><input type="hidden" name="sesskey" value="${s.sesskey}">
<div class="btn-finishattempt"><button type="submit" class="btn btn-primary">Submit all and finish</button></div></form>`,
    });
  });
  // "Return to attempt" posts to attempt.php.
  router.post('/mod/quiz/attempt.php', (req, res, next) => {
    const quiz = quizOf((req.body as Record<string, string>).cmid);
    if (!quiz) return next();
    return res.redirect(303, `/mod/quiz/attempt.php?attempt=${(req.body as Record<string, string>).attempt}&cmid=${quiz.cmid}&page=${(req.body as Record<string, string>).page ?? 0}`);
  });

  router.get('/mod/quiz/review.php', (req, res, next) => {
    if (!quizOf(req.query.cmid)) return next();
    const found = attemptPage(req, res);
    if (!found) return;
    const { quiz, attempt } = found;
    if (!quiz.reviewAfterAttempt) return res.redirect(303, `/mod/quiz/view.php?id=${quiz.cmid}`);
    return layout(res, quiz, {
      title: `${quiz.name}: Attempt review`, bodyId: 'page-mod-quiz-review', secure: quiz.secureWindow,
      main: `<table class="generaltable generalbox quizreviewsummary"><tbody><tr><th scope="row">Status</th><td>${attempt.state === 'finished' ? 'Finished' : 'In progress'}</td></tr>
<tr><th scope="row">Started</th><td>${new Date(attempt.timestart * 1000).toUTCString()}</td></tr></tbody></table>
${quiz.secureWindow ? '<input type="button" id="secureclosebutton" value="Finish review">' : `<a class="mod_quiz-next-nav" href="/mod/quiz/view.php?id=${quiz.cmid}">Finish review</a>`}`,
    });
  });

  router.post('/mod/quiz/autosave.ajax.php', (req, res) => {
    const s = sessionOf(req);
    const body = (req.body ?? {}) as Record<string, string>;
    const attempt = attempts.find((a) => a.id === Number(body.attempt) && a.userid === s?.userid);
    if (!s || !attempt || body.sesskey !== s.sesskey) return res.json({ result: 'lostsession' });
    for (const [k, v] of Object.entries(body)) if (/^q\d+:\d+_answer$/.test(k)) attempt.answers[k] = v;
    return res.json({ result: 'OK' });
  });

  // Web services (§11): errors are JSON with HTTP 200.
  const wsError = (res: Response, errorcode: string, message: string, exception = 'moodle_exception') => res.json({ exception, errorcode, message });
  router.post('/webservice/rest/server.php', (req, res) => {
    const body = (req.body ?? {}) as Record<string, string>;
    const functions = tokens.get(body.wstoken ?? '');
    if (!functions) return wsError(res, 'invalidtoken', 'Invalid token - token not found');
    if (body.moodlewsrestformat !== 'json') return res.type('xml').send('<?xml version="1.0"?><RESPONSE/>');
    const params = nested(body);
    calls.push({ wsfunction: body.wsfunction, params });
    if (!functions.has(body.wsfunction)) return wsError(res, 'accessexception', 'Access control exception', 'webservice_access_exception');
    const quizById = (id: unknown) => [...quizzes.values()].find((q) => q.quizId === Number(id));
    switch (body.wsfunction) {
      case 'mod_quiz_get_quizzes_by_courses': {
        const courses = list(params.courseids).map(String);
        return res.json({ quizzes: [...quizzes.values()].filter((q) => !courses.length || courses.includes(q.courseId))
          .map((q) => ({ id: q.quizId, coursemodule: q.cmid, course: q.courseId, name: q.name, timelimit: q.timeLimitSeconds, hasquestions: 1 })), warnings: [] });
      }
      case 'mod_quiz_save_overrides': {
        const data = params.data as { quizid?: string; overrides?: Record<string, Record<string, string>> } | undefined;
        const quiz = quizById(data?.quizid);
        if (!quiz) return wsError(res, 'invalidrecord', 'Can\'t find data record in database table quiz.', 'dml_missing_record_exception');
        const ids: number[] = [];
        for (const o of list(data?.overrides) as Record<string, string>[]) {
          if (!o.userid && !o.groupid) return wsError(res, 'invalidparameter', 'Invalid parameter value detected (You must select a user or group)');
          let override = o.id ? overrides.find((x) => x.id === Number(o.id) && x.quiz === quiz.quizId) : overrides.find((x) => x.quiz === quiz.quizId && x.userid === o.userid);
          if (o.id && !override) return wsError(res, 'invalidrecord', 'Can\'t find data record in database table quiz_overrides.', 'dml_missing_record_exception');
          if (!override) { override = { id: nextId++, quiz: quiz.quizId, userid: o.userid }; overrides.push(override); }
          if (o.password !== undefined) override.password = o.password;
          if (o.timelimit !== undefined) override.timelimit = Number(o.timelimit);
          ids.push(override.id);
        }
        return res.json({ ids });
      }
      case 'mod_quiz_get_overrides': {
        const quiz = quizById(params.quizid);
        if (!quiz) return wsError(res, 'invalidrecord', 'Can\'t find data record in database table quiz.', 'dml_missing_record_exception');
        return res.json({ overrides: overrides.filter((o) => o.quiz === quiz.quizId).map((o) => ({ id: o.id, quiz: o.quiz, userid: o.userid, password: o.password ?? null, timelimit: o.timelimit ?? null })) });
      }
      case 'mod_quiz_get_user_attempts': {
        const quiz = quizById(params.quizid);
        if (!quiz) return wsError(res, 'invalidrecord', 'Can\'t find data record in database table quiz.', 'dml_missing_record_exception');
        const status = typeof params.status === 'string' ? params.status : 'finished';
        const theirs = attempts.filter((a) => a.quiz === quiz.quizId && a.userid === params.userid)
          .filter((a) => status === 'all' || (status === 'finished' ? a.state === 'finished' : a.state !== 'finished'));
        return res.json({ attempts: theirs.map((a) => ({ id: a.id, quiz: a.quiz, userid: a.userid, attempt: a.attempt, state: a.state, timestart: a.timestart, timefinish: a.timefinish, sumgrades: a.sumgrades ?? null })), warnings: [] });
      }
      default:
        return wsError(res, 'invalidrecord', 'Can\'t find data record in database table external_functions.', 'dml_missing_record_exception');
    }
  });

  return {
    router,
    addQuiz(quiz: Partial<MoodleQuiz> & { cmid: number; courseId: string }) {
      const full: MoodleQuiz = { quizId: quiz.cmid + 1000, name: 'Proctored Quiz', password: '', timeLimitSeconds: 0, reviewAfterAttempt: true, secureWindow: false, ...quiz };
      quizzes.set(full.cmid, full);
      return full;
    },
    /** What the teacher sets in the quiz's settings. */
    quiz: (cmid: number) => quizzes.get(cmid)!,
    /** Logs a user in: the session cookie to give the browser. */
    login,
    sessionOf,
    /** A web-service token for a service holding these functions (an admin's steps in Site administration). */
    addToken(functions: string[]) {
      const token = randomBytes(16).toString('hex');
      tokens.set(token, new Set(functions));
      return token;
    },
    overrides,
    attempts,
    calls,
    starts,
  };
}
export type MoodleQuizModule = ReturnType<typeof moodleQuizModule>;
