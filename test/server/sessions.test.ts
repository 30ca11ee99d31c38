// Tool page sessions: no lasting secret in any URL. A launch hands the page a one-time code that becomes an HttpOnly
// cookie for the course; the code works once; a newer launch of the same user in the course ends the older session.
import { describe, expect } from 'vitest';
import { HttpBrowser } from '../support/http-browser.ts';
import { launch } from '../support/flows.ts';
import { lmsTest } from '../support/fixtures.ts';

const test = lmsTest();

describe('tool page sessions', () => {
  test('a launch leaves only the course scope in the address; the session is an HttpOnly cookie, and the code works once', async ({ lms: { platform }, quiz: { resourceLinkId } }) => {
    const student = await launch(platform, { user: 'student-s1', role: 'learner', resource: resourceLinkId });
    expect(student.page.status).toBe(200);
    expect(new URL(student.page.url).search).toMatch(/^\?c=[0-9a-f]{16}$/);
    const handOff = student.browser.history.find((h) => h.url.includes('code='))!;
    expect(handOff.setCookie).toEqual([expect.stringMatching(/^invigil_[0-9a-f]{16}=[\w-]{40,}; Path=\/app; HttpOnly; Max-Age=14400; SameSite=Lax$/)]);
    // Nothing else the browser was sent to carries a secret of ours.
    for (const h of student.browser.history.filter((x) => x.url.includes('/app/') && x !== handOff)) expect(h.url).not.toMatch(/code=|session=|token=/);
    // The code, replayed in another browser (a link copied from the address bar, a proxy log), opens nothing.
    const replay = await new HttpBrowser().request(handOff.url);
    expect(replay.status).toBe(401);
    expect(replay.body).toContain('expired or was used already');
    // Without the cookie, the page's address alone opens nothing either.
    expect((await new HttpBrowser().request(student.page.url)).status).toBe(401);
  });

  test('a newer launch of the same user in the course ends the older session', async ({ lms: { platform }, quiz: { resourceLinkId } }) => {
    const first = await launch(platform, { user: 'student-s2', role: 'learner', resource: resourceLinkId });
    expect((await first.browser.request(first.page.url)).status).toBe(200);
    const second = await launch(platform, { user: 'student-s2', role: 'learner', resource: resourceLinkId });
    expect((await second.browser.request(second.page.url)).status).toBe(200);
    const ended = await first.browser.request(first.page.url);
    expect(ended.status).toBe(401);
    expect(ended.body).toContain('opened Invigil again elsewhere');
    // Another student's launch in the same course ends nobody else's.
    await launch(platform, { user: 'student-s3', role: 'learner', resource: resourceLinkId });
    expect((await second.browser.request(second.page.url)).status).toBe(200);
  });
});
