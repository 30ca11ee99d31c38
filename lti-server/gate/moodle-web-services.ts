// The Moodle web services the gate uses (shared/lms-moodle-quiz.md §11): REST at /webservice/rest/server.php with a
// token an admin made for a service holding these functions. Moodle answers errors with HTTP 200 and
// {exception, errorcode, message}; each becomes a MoodleServiceError that says which function failed and why.
export const moodleFunctions = [
  'mod_quiz_get_quizzes_by_courses', 'mod_quiz_save_overrides', 'mod_quiz_get_user_attempts',
] as const;
type MoodleFunction = (typeof moodleFunctions)[number];

export class MoodleServiceError extends Error {
  constructor(readonly wsfunction: string, readonly errorcode: string, message: string) {
    super(`Moodle refused ${wsfunction}: ${message}${errorcode ? ` (${errorcode})` : ''}`);
  }
}

/** Moodle's form encoding of nested parameters: data[overrides][0][userid]=4. */
export function moodleForm(params: Record<string, unknown>, prefix = '', form = new URLSearchParams()) {
  for (const [key, value] of Object.entries(params)) {
    const name = prefix ? `${prefix}[${key}]` : key;
    if (value === undefined || value === null) continue;
    if (typeof value === 'object') moodleForm(value as Record<string, unknown>, name, form);
    else form.append(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return form;
}

export type MoodleAttempt = { id: number; attempt: number; state: 'inprogress' | 'overdue' | 'finished' | 'abandoned'; timestart: number; timefinish: number; sumgrades?: number | null };

export function moodleWebServices(siteUrl: string, token: string, fetchImpl: typeof fetch = fetch) {
  async function call<T>(wsfunction: MoodleFunction, params: Record<string, unknown>): Promise<T> {
    const body = moodleForm({ wstoken: token, wsfunction, moodlewsrestformat: 'json', ...params });
    let response: Response;
    try {
      response = await fetchImpl(`${siteUrl.replace(/\/$/, '')}/webservice/rest/server.php`, { method: 'POST', body, signal: AbortSignal.timeout(15_000) });
    } catch (error) {
      throw new MoodleServiceError(wsfunction, 'unreachable', `the site did not answer (${(error as Error).message})`);
    }
    const text = await response.text();
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      throw new MoodleServiceError(wsfunction, `http_${response.status}`, 'the answer was not JSON: is the address the Moodle site, and REST enabled?');
    }
    if (answer && typeof answer === 'object' && 'exception' in answer) {
      const { errorcode, message } = answer as { errorcode?: string; message?: string };
      throw new MoodleServiceError(wsfunction, errorcode ?? '', message ?? 'no reason given');
    }
    return answer as T;
  }

  return {
    /** Does the token answer for the quiz functions? (the quizzes its user can see, in no course: an empty list) */
    async check() {
      await call('mod_quiz_get_quizzes_by_courses', {});
    },
    /** The quiz instance id behind a course module id (overrides and attempts take the instance id). */
    async quizInstance(courseId: string, cmid: number): Promise<number | undefined> {
      const { quizzes } = await call<{ quizzes: { id: number; coursemodule: number }[] }>('mod_quiz_get_quizzes_by_courses', { courseids: [courseId] });
      return quizzes.find((q) => q.coursemodule === cmid)?.id;
    },
    /** Creates (no id) or updates one student's override with this password; returns the override's id. */
    async saveUserPassword(quizId: number, userId: string, password: string, overrideId?: number): Promise<number> {
      const { ids } = await call<{ ids: number[] }>('mod_quiz_save_overrides', {
        data: { quizid: quizId, overrides: [{ id: overrideId, userid: userId, password }] },
      });
      return ids[0];
    },
    /** The quiz's own time limit in seconds (0: none), by its course module. */
    async quizTimeLimit(courseId: string, cmid: number): Promise<number | undefined> {
      const { quizzes } = await call<{ quizzes: { id: number; coursemodule: number; timelimit?: number }[] }>('mod_quiz_get_quizzes_by_courses', { courseids: [courseId] });
      return quizzes.find((q) => q.coursemodule === cmid)?.timelimit;
    },
    /** Sets one student's time limit (seconds) on their override (the gate's, when there is one); returns its id. */
    async saveUserTimeLimit(quizId: number, userId: string, seconds: number, overrideId?: number): Promise<number> {
      const { ids } = await call<{ ids: number[] }>('mod_quiz_save_overrides', {
        data: { quizid: quizId, overrides: [{ id: overrideId, userid: userId, timelimit: seconds }] },
      });
      return ids[0];
    },
    async userAttempts(quizId: number, userId: string): Promise<MoodleAttempt[]> {
      const { attempts } = await call<{ attempts: MoodleAttempt[] }>('mod_quiz_get_user_attempts', { quizid: quizId, userid: userId, status: 'all', includepreviews: 0 });
      return attempts;
    },
  };
}
export type MoodleWebServices = ReturnType<typeof moodleWebServices>;
