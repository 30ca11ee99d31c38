// The Canvas REST calls the access-code gate makes (shared/lms-canvas.md, "The access code"), with an access token
// from an instructor's OAuth2 authorisation. No LTI scope covers quizzes, so these need an API developer key; with
// enforced scopes it must hold exactly `canvasApiScopes`. Canvas's errors ({errors:[{message}]}) become a
// CanvasApiError that says which call failed and what Canvas said.
import type { CanvasQuiz } from '../../models/lms-quiz.ts';

/** The API key's scopes (Developer Keys › API Key › Enforce scopes), as the README lists them. */
export const canvasApiScopes = [
  'url:GET|/api/v1/courses/:course_id/quizzes/:id',
  'url:PUT|/api/v1/courses/:course_id/quizzes/:id',
  'url:GET|/api/v1/courses/:course_id/quizzes/:quiz_id/submissions',
  'url:GET|/api/quiz/v1/courses/:course_id/quizzes/:assignment_id',
  'url:PATCH|/api/quiz/v1/courses/:course_id/quizzes/:assignment_id',
  'url:GET|/api/v1/courses/:course_id/assignments/:assignment_id/submissions',
];

export class CanvasApiError extends Error {
  constructor(readonly call: string, readonly status: number, message: string) {
    super(`Canvas refused ${call}: ${message}${status ? ` (HTTP ${status})` : ''}`);
  }
}

export type CanvasSubmission = { userId: string; attempt: number; state: string; startedAt: Date | null; finishedAt: Date | null; id: string };

async function call<T>(call: string, url: string, init: { method?: string; token: string; json?: unknown }, fetchImpl: typeof fetch = fetch): Promise<T> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: init.method ?? 'GET', signal: AbortSignal.timeout(15_000),
      headers: { authorization: `Bearer ${init.token}`, accept: 'application/json', ...(init.json ? { 'content-type': 'application/json' } : {}) },
      body: init.json ? JSON.stringify(init.json) : undefined,
    });
  } catch (error) {
    throw new CanvasApiError(call, 0, `Canvas did not answer (${(error as Error).message})`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    throw new CanvasApiError(call, response.status, 'the answer was not JSON: is the address the school\'s Canvas?');
  }
  if (!response.ok) {
    const messages = ((body as { errors?: { message?: string }[] | { message?: string } } | null)?.errors);
    const message = Array.isArray(messages) ? messages.map((m) => m.message).filter(Boolean).join('; ') : messages?.message;
    throw new CanvasApiError(call, response.status, message || 'no reason given');
  }
  return body as T;
}

/** The access code a quiz has now, and how to set one, for either kind of quiz. */
export function canvasQuizApi(quiz: CanvasQuiz, token: string, fetchImpl?: typeof fetch) {
  const classic = `${quiz.origin}/api/v1/courses/${quiz.courseId}/quizzes/${quiz.id}`;
  const newQuiz = `${quiz.origin}/api/quiz/v1/courses/${quiz.courseId}/quizzes/${quiz.id}`;
  return {
    async accessCode(): Promise<string | null> {
      if (quiz.kind === 'classic') return (await call<{ access_code: string | null }>('reading the quiz', classic, { token }, fetchImpl)).access_code ?? null;
      const { quiz_settings: settings } = await call<{ quiz_settings?: { require_student_access_code?: boolean; student_access_code?: string | null } }>('reading the New Quiz', newQuiz, { token }, fetchImpl);
      return settings?.require_student_access_code ? settings.student_access_code ?? null : null;
    },
    async setAccessCode(code: string) {
      if (quiz.kind === 'classic') await call('setting the quiz\'s access code', classic, { method: 'PUT', token, json: { quiz: { access_code: code } } }, fetchImpl);
      else await call('setting the New Quiz\'s access code', newQuiz, { method: 'PATCH', token, json: { quiz: { quiz_settings: { require_student_access_code: true, student_access_code: code } } } }, fetchImpl);
    },
    /** Every submission Canvas keeps of the quiz: Classic lists each attempt; New Quizzes only each student's latest. */
    async submissions(): Promise<CanvasSubmission[]> {
      if (quiz.kind === 'classic') {
        const { quiz_submissions: list } = await call<{ quiz_submissions: { id: number; user_id: number; attempt: number; workflow_state: string; started_at: string | null; finished_at: string | null }[] }>(
          'listing the quiz\'s submissions', `${classic}/submissions?per_page=100`, { token }, fetchImpl);
        return list.map((s) => ({ id: String(s.id), userId: String(s.user_id), attempt: s.attempt, state: s.workflow_state, startedAt: s.started_at ? new Date(s.started_at) : null, finishedAt: s.finished_at ? new Date(s.finished_at) : null }));
      }
      const list = await call<{ id: number; user_id: number; attempt: number | null; workflow_state: string; submitted_at: string | null }[]>(
        'listing the assignment\'s submissions', `${quiz.origin}/api/v1/courses/${quiz.courseId}/assignments/${quiz.id}/submissions?per_page=100`, { token }, fetchImpl);
      return list.filter((s) => s.submitted_at).map((s) => ({ id: String(s.id), userId: String(s.user_id), attempt: s.attempt ?? 1, state: s.workflow_state, startedAt: null, finishedAt: new Date(s.submitted_at!) }));
    },
  };
}
export type CanvasQuizApi = ReturnType<typeof canvasQuizApi>;

/** OAuth2 with the API key: the authorisation address, and the code and refresh grants. */
export function canvasOAuth(key: { siteUrl: string; apiClientId: string; apiSecret: string }, fetchImpl: typeof fetch = fetch) {
  const tokenUrl = `${key.siteUrl}/login/oauth2/token`;
  const grant = async (form: Record<string, string>) => {
    let response: Response;
    try {
      response = await fetchImpl(tokenUrl, { method: 'POST', body: new URLSearchParams({ client_id: key.apiClientId, client_secret: key.apiSecret, ...form }), signal: AbortSignal.timeout(15_000) });
    } catch (error) {
      throw new CanvasApiError('the token request', 0, `Canvas did not answer (${(error as Error).message})`);
    }
    const body = await response.json().catch(() => ({})) as { access_token?: string; refresh_token?: string; expires_in?: number; user?: { name?: string }; error?: string; error_description?: string };
    if (!response.ok || !body.access_token) throw new CanvasApiError('the token request', response.status, body.error_description ?? body.error ?? 'no token in the answer');
    return body as { access_token: string; refresh_token?: string; expires_in?: number; user?: { name?: string } };
  };
  return {
    authorizeUrl(redirectUri: string, state: string) {
      const url = new URL(`${key.siteUrl}/login/oauth2/auth`);
      url.search = new URLSearchParams({ client_id: key.apiClientId, response_type: 'code', redirect_uri: redirectUri, state, scope: canvasApiScopes.join(' ') }).toString();
      return url.href;
    },
    exchangeCode: (code: string, redirectUri: string) => grant({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }),
    refresh: (refreshToken: string) => grant({ grant_type: 'refresh_token', refresh_token: refreshToken }),
  };
}
