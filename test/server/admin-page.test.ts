// The admin page (/admin): signed in with the admin key or a short-lived link from the admin API; platforms
// activated, Moodle's web services connected and registration links made from a browser, each change at once.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { adminKey } from '../../lti-server/admin/running-server.ts';
import { activatePlatform } from '../../lti-server/lti/platforms.ts';
import { ltiProvider } from '../../lti-server/lti/provider.ts';
import { launch, startToolAndPlatform } from '../support/flows.ts';
import { HttpBrowser } from '../support/http-browser.ts';

let both: Awaited<ReturnType<typeof startToolAndPlatform>>;
beforeAll(async () => {
  both = await startToolAndPlatform();
});
afterAll(() => both.close());

const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';

test('an admin signs in with the key, activates a platform, connects Moodle and makes a registration link', async () => {
  const { invigil, platform } = both;
  const issuer = platform.issuer;
  const clientId = platform.tool!.clientId;
  await activatePlatform(ltiProvider, issuer, clientId, false);
  expect((await launch(platform, { user: 't', role: 'instructor', message: 'deep_link' })).page.body).toContain('not activated yet');

  const browser = new HttpBrowser();
  const signIn = await browser.request(`${invigil.url}/admin`);
  expect(signIn.body).toContain('<label for="key">Admin key</label>');
  const wrong = await browser.request(`${invigil.url}/admin/login`, { form: { key: 'not-the-key' } });
  expect(wrong.status).toBe(401);
  expect(wrong.body).toContain('not this install');
  const page = await browser.request(`${invigil.url}/admin/login`, { form: { key: adminKey(invigil.config.dataDir, invigil.config.adminKey).key } });
  expect(page.status).toBe(200);
  expect(page.body).toMatch(/<td class="platform-state">inactive<\/td>/);
  expect(browser.history.at(-2)!.setCookie.join()).toMatch(/invigil_admin=.+; Path=\/admin; HttpOnly; Max-Age=3600; SameSite=Strict/);

  // A form from elsewhere (no CSRF token) changes nothing.
  const forged = await browser.request(`${invigil.url}/admin/platforms/state`, { csrf: false, form: { url: issuer, clientId, active: 'true' } });
  expect(forged.status).toBe(403);
  const activated = await browser.request(`${invigil.url}/admin/platforms/state`, { csrf: false, form: { _csrf: csrfOf(page.body), url: issuer, clientId, active: 'true' } });
  expect(activated.body).toContain('is now active');
  expect((await launch(platform, { user: 't', role: 'instructor', message: 'deep_link' })).page.url).toContain('/app/deep-link'); // at once

  const badToken = await browser.request(`${invigil.url}/admin/lms-connections`, { csrf: false, form: { _csrf: csrfOf(page.body), issuer, siteUrl: '', token: 'b'.repeat(32) } });
  expect(badToken.status).toBe(400);
  expect(badToken.body).toContain('Moodle refused mod_quiz_get_quizzes_by_courses: Invalid token - token not found');
  const token = platform.moodle.addToken(['mod_quiz_get_quizzes_by_courses', 'mod_quiz_save_overrides', 'mod_quiz_get_user_attempts']);
  const connected = await browser.request(`${invigil.url}/admin/lms-connections`, { csrf: false, form: { _csrf: csrfOf(page.body), issuer, siteUrl: '', token } });
  expect(connected.body).toContain(`Moodle&#39;s web services are connected for ${issuer}`);
  expect(connected.body).toContain(`connected (${issuer})`);
  expect(connected.body).not.toContain(token);

  const invite = await browser.request(`${invigil.url}/admin/invites`, { csrf: false, form: { _csrf: csrfOf(page.body), hours: '2' } });
  expect(invite.body).toMatch(/<code id="invite-url">http:\/\/localhost:\d+\/lti\/register\?invite=[A-Za-z0-9_-]+<\/code>/);
});

test('a link from the admin API signs a browser in; a forged or expired one does not', async () => {
  const { invigil } = both;
  const made = await fetch(`${invigil.url}/admin/api/admin-links`, { method: 'POST', headers: { authorization: `Bearer ${adminKey(invigil.config.dataDir, invigil.config.adminKey).key}` } });
  const { url } = await made.json() as { url: string };
  const browser = new HttpBrowser();
  const page = await browser.request(url);
  expect(page.url).toBe(`${invigil.url}/admin`);
  expect(page.body).toContain('<h2 id="platforms-heading">LMS platforms</h2>');
  const forged = await new HttpBrowser().request(`${invigil.url}/admin/link?token=${'x'.repeat(40)}`);
  expect(forged.status).toBe(401);
  expect(forged.body).toContain('This admin link has expired');
});
