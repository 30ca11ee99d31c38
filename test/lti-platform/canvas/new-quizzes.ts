// New Quizzes as shared/lms-canvas.md describes them: a closed, hosted app. What the file states is built as stated —
// the access-code setting on PATCH /api/quiz/v1/courses/:course_id/quizzes/:assignment_id (the assignment's id), the
// legacy shape (the assignment page frames the quiz-lti host's /lti/launch) and the native shape
// (body.native-new-quizzes > #new-quizzes-root > #root with ENV.NEW_QUIZZES, the app and its API calls on the
// quiz-lti and quiz-api hosts). No public source shows the app's inner markup or its API paths: everything marked
// ASSUMED below is this emulator's invention, so an adapter must not key on it beyond "a password field in the app"
// and "a POST to the quiz-api host".
import { randomBytes } from 'node:crypto';
import express, { type Request, type Response } from 'express';

export type NewQuiz = {
  assignmentId: number; courseId: number; title: string;
  requireAccessCode: boolean; accessCode: string;
  /** The native shape (in the Canvas page, enforced since 2026-08-15) or the legacy iframe. */
  shape: 'native' | 'legacy';
};
/** ASSUMED: one quiz session per start, as the app's API traffic shows it. */
export type NewQuizSession = { id: number; assignmentId: number; userId: number; state: 'started' | 'in_progress' | 'submitted'; startedAt: Date; submittedAt: Date | null };

// ASSUMED: the app's markup and its API paths (no public source documents them).
const appScript = `(() => {
  const env = (window.ENV || {}).NEW_QUIZZES; const root = document.getElementById('root');
  if (!env || !root) return;
  const api = (path, body) => fetch(env.quiz_api_url + path, { method: 'POST', headers: { authorization: 'Bearer ' + env.session_token, 'content-type': 'application/json' }, body: JSON.stringify(body || {}) });
  let session;
  const show = (html) => { root.innerHTML = html; };
  const begin = async () => {
    session = await (await api('/api/quiz_sessions', { assignment_id: env.assignment_id })).json();
    if (session.access_code_required) return askCode('');
    taking();
  };
  const askCode = (error) => {
    show('<section data-assumed="access-code-step"><h2>Access code</h2><form class="nq-access-code"><label for="nq-access-code">Enter the access code</label> <input id="nq-access-code" type="password" name="accessCode" autocomplete="off"> <button type="submit">Submit</button></form><p role="alert" class="nq-error">' + error + '</p></section>');
    root.querySelector('form').addEventListener('submit', async (e) => {
      e.preventDefault();
      const r = await api('/api/quiz_sessions/' + session.id + '/access_code', { access_code: root.querySelector('input').value });
      if (!r.ok) return askCode('Incorrect access code');
      taking();
    });
  };
  const taking = () => {
    history.pushState({}, '', env.taking_path);
    show('<section data-assumed="taking"><h2>' + env.title + '</h2><p>Is TCP connection-oriented?</p><label><input type="radio" name="q1" value="t"> True</label> <button type="button" class="nq-submit">Submit</button></section>');
    root.querySelector('.nq-submit').addEventListener('click', async () => {
      const r = await api('/api/quiz_sessions/' + session.id + '/submit');
      if (r.ok) { history.pushState({}, '', env.results_path); show('<section data-assumed="results"><h2>Submitted</h2><p>Your answers were submitted.</p></section>'); }
    });
  };
  show('<section data-assumed="start"><h2>' + env.title + '</h2><button type="button" class="nq-begin">Begin</button></section>');
  root.querySelector('.nq-begin').addEventListener('click', () => void begin());
})();`;

export function newQuizzes(deps: {
  /** The school site's logged-in user, for the native page. */
  userOf(req: Request): number | undefined;
  origins: { school: string; quizLti: string; quizApi: string };
}) {
  const quizzes = new Map<number, NewQuiz>();
  const sessions: NewQuizSession[] = [];
  /** The app's bearer tokens, one per user and quiz (ASSUMED). */
  const tokens = new Map<string, { userId: number; assignmentId: number }>();
  let nextId = 900;

  const tokenFor = (userId: number, assignmentId: number) => {
    const token = randomBytes(16).toString('hex');
    tokens.set(token, { userId, assignmentId });
    return token;
  };
  const env = (quiz: NewQuiz, userId: number, pathBase: string) => ({
    assignment_id: quiz.assignmentId, title: quiz.title, quiz_api_url: deps.origins.quizApi, session_token: tokenFor(userId, quiz.assignmentId),
    taking_path: `${pathBase}/taking`, results_path: `${pathBase}/taking/results`,
  });
  const document = (title: string, bodyClass: string, envJson: unknown) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body class="${bodyClass}"><div id="new-quizzes-root"><div id="root"></div></div>
<script>window.ENV = Object.assign(window.ENV || {}, { NEW_QUIZZES: ${JSON.stringify(envJson).replace(/</g, '\\u003c')} });</script>
<script src="${deps.origins.quizLti}/app.js"></script></body></html>`;

  /** The quiz-lti host: the app's script, and the legacy shape's launch inside Canvas's iframe. */
  const quizLti = express.Router();
  quizLti.get('/app.js', (_req, res) => res.type('application/javascript').send(appScript));
  // The legacy launch: Canvas posts the quiz's LTI launch into iframe#tool_content. (The real one is a full LTI 1.3
  // launch between Canvas and the quiz service; the emulator carries the user in a signed-enough token instead.)
  quizLti.post('/lti/launch', express.urlencoded({ extended: false }), (req, res) => {
    const launch = tokens.get(String((req.body as Record<string, string>).launch_token ?? ''));
    const quiz = launch && quizzes.get(launch.assignmentId);
    if (!launch || !quiz) return res.status(401).send('Invalid launch');
    res.type('html').send(document(quiz.title, 'nq-legacy', env(quiz, launch.userId, `/courses/${quiz.courseId}/assignments/${quiz.assignmentId}/lti`)));
  });

  /** The quiz-api host (ASSUMED paths): sessions, the access code, submission. */
  const quizApi = express.Router();
  quizApi.use((req, res, next) => {
    const origin = req.get('origin');
    if (origin === deps.origins.school || origin === deps.origins.quizLti) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Headers', 'authorization, content-type');
      res.setHeader('Access-Control-Allow-Methods', 'POST');
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') return res.status(204).end();
    next();
  });
  quizApi.use(express.json());
  const bearer = (req: Request, res: Response) => {
    const who = tokens.get(/^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '');
    if (!who) res.status(401).json({ error: 'unauthorized' });
    return who;
  };
  quizApi.post('/api/quiz_sessions', (req, res) => {
    const who = bearer(req, res);
    if (!who) return;
    const quiz = quizzes.get(who.assignmentId)!;
    const session: NewQuizSession = { id: nextId++, assignmentId: quiz.assignmentId, userId: who.userId, state: quiz.requireAccessCode ? 'started' : 'in_progress', startedAt: new Date(), submittedAt: null };
    sessions.push(session);
    res.status(201).json({ id: session.id, access_code_required: quiz.requireAccessCode });
  });
  const sessionOf = (req: Request, res: Response) => {
    const who = bearer(req, res);
    if (!who) return undefined;
    const session = sessions.find((s) => s.id === Number(req.params.session) && s.userId === who.userId);
    if (!session) res.status(404).json({ error: 'not_found' });
    return session;
  };
  quizApi.post('/api/quiz_sessions/:session/access_code', (req, res) => {
    const session = sessionOf(req, res);
    if (!session) return;
    const quiz = quizzes.get(session.assignmentId)!;
    if (quiz.requireAccessCode && (req.body as { access_code?: string }).access_code !== quiz.accessCode) return res.status(403).json({ error: 'invalid_access_code' });
    session.state = 'in_progress';
    res.json({ ok: true });
  });
  quizApi.post('/api/quiz_sessions/:session/submit', (req, res) => {
    const session = sessionOf(req, res);
    if (!session) return;
    if (session.state !== 'in_progress') return res.status(409).json({ error: 'access_code_required' });
    session.state = 'submitted';
    session.submittedAt = new Date();
    res.json({ ok: true });
  });

  return {
    quizLti, quizApi, quizzes, sessions,
    add(quiz: Partial<NewQuiz> & { courseId: number; assignmentId: number }) {
      const full: NewQuiz = { title: 'Pharmacology unit test', requireAccessCode: false, accessCode: '', shape: 'native', ...quiz };
      quizzes.set(full.assignmentId, full);
      return full;
    },
    /** The assignment page of a New Quiz, in its shape, for a logged-in user. */
    assignmentPage(quiz: NewQuiz, userId: number, req: Request) {
      const pathBase = req.path.replace(/\/taking(\/results)?$/, '');
      if (quiz.shape === 'native') return document(`${quiz.title}: Pharmacology`, 'native-new-quizzes', env(quiz, userId, pathBase));
      return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${quiz.title}</title></head><body class="assignments">
<h1>${quiz.title}</h1><form id="tool_form" action="${deps.origins.quizLti}/lti/launch" method="post" target="tool_content"><input type="hidden" name="launch_token" value="${tokenFor(userId, quiz.assignmentId)}"></form>
<iframe id="tool_content" name="tool_content" title="${quiz.title}" style="width:100%;height:600px;border:0" allow="camera *; microphone *; display-capture *; clipboard-write *"></iframe>
<script>document.getElementById('tool_form').submit()</script></body></html>`;
    },
    /** What the assignment submissions API says of a New Quiz (its only per-student record outside the app). */
    submissionsOf(assignmentId: number) {
      const latest = new Map<number, NewQuizSession>();
      for (const s of sessions.filter((x) => x.assignmentId === assignmentId && x.state === 'submitted')) latest.set(s.userId, s);
      return [...latest.values()].map((s) => ({
        id: s.id, assignment_id: assignmentId, user_id: s.userId, workflow_state: 'submitted', submitted_at: s.submittedAt!.toISOString(),
        attempt: sessions.filter((x) => x.assignmentId === assignmentId && x.userId === s.userId && x.state === 'submitted').length,
      }));
    },
    /** A student who took the quiz without Invigil. */
    submitDirectly(quiz: NewQuiz, userId: number) {
      const session: NewQuizSession = { id: nextId++, assignmentId: quiz.assignmentId, userId, state: 'submitted', startedAt: new Date(), submittedAt: new Date() };
      sessions.push(session);
      return session;
    },
  };
}
export type NewQuizzes = ReturnType<typeof newQuizzes>;
