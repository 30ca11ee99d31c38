// Proctored sessions in tests: the Moodle web services connected as an admin would, and a session scheduled through
// the proctor's form, with its id and code read off the page it lands on.
import { adminKey } from '../../lti-server/admin/running-server.ts';
import type { TestPlatform } from '../lti-platform/platform.ts';
import type { launch } from './flows.ts';
import type { TestInvigil } from './invigil.ts';

/** The admin connects the test LMS's Moodle web services (the quiz functions a gate and extra time use). */
export async function connectMoodle(invigil: TestInvigil, platform: TestPlatform) {
  return fetch(`${invigil.url}/admin/api/lms-connections`, {
    method: 'POST', headers: { authorization: `Bearer ${adminKey(invigil.config.dataDir, invigil.config.adminKey).key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ issuer: platform.issuer, token: platform.moodle.addToken(['mod_quiz_get_quizzes_by_courses', 'mod_quiz_save_overrides', 'mod_quiz_get_user_attempts']) }),
  });
}

/** A session an hour from now (UTC), open to the course with its code, unless `fields` say otherwise. */
export async function scheduleSession(invigil: TestInvigil, teacher: Awaited<ReturnType<typeof launch>>, quizId: string, fields: Record<string, string> = {}) {
  await teacher.browser.request(`${invigil.url}/app/quizzes/${quizId}/sessions?c=${teacher.scope}`); // the form's CSRF token
  const created = await teacher.browser.request(`${invigil.url}/app/quizzes/${quizId}/sessions?c=${teacher.scope}`, {
    form: {
      name: 'Session', startsAt: new Date(Date.now() + 3_600_000).toISOString().slice(0, 16), timeZone: 'UTC', durationMinutes: '60', maxUsers: '5',
      lateEntryMinutes: '30', enrollmentMode: 'automatic', profileKey: 'none', ...fields,
    },
  });
  const sessionId = /\/app\/sessions\/([0-9a-f-]{36})/.exec(created.url)?.[1];
  const code = /id="enrollment-code" class="code">([^<]+)</.exec(created.body)?.[1];
  if (!sessionId || !code) throw new Error(`The session was not created: ${created.status} ${created.body.slice(0, 400)}`);
  return { sessionId, code, page: created };
}
