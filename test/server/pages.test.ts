// Every tool page runs only bundled, hashed scripts under a strict Content-Security-Policy: no inline script code
// (JSON data islands only), no inline styles, and the assets it names are served and cached for good.
import { describe, expect } from 'vitest';
import { findAutoForm, HttpBrowser, type PageResult } from '../support/http-browser.ts';
import { lmsTest } from '../support/fixtures.ts';
import { launch, quizSettingsForm } from '../support/flows.ts';
import type { TestInvigil } from '../support/invigil.ts';

const test = lmsTest();

/** The page's own scripts: none may carry code inline; each names an asset that is served. */
async function expectStrictPage(invigil: TestInvigil, page: PageResult) {
  expect(page.status, page.body.slice(0, 300)).toBeLessThan(400);
  const policy = page.headers.get('content-security-policy') ?? '';
  expect(policy).toContain("script-src 'self'");
  expect(policy).not.toContain('unsafe-inline');
  const scripts = [...page.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  for (const [, attributes, code] of scripts) {
    if (/type="application\/json"/.test(attributes)) continue;
    expect(code.trim(), `inline script in ${page.url}`).toBe('');
    expect(attributes).toMatch(/src="\/app\/assets\/[\w-]+-[A-Z0-9]{8}\.js"/);
  }
  expect(page.body).not.toMatch(/<style\b/);
  for (const [, src] of page.body.matchAll(/(?:src|href)="(\/app\/assets\/[^"]+)"/g)) {
    const asset = await fetch(new URL(src, invigil.url));
    expect(asset.status, src).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
  }
  return scripts.length;
}

describe('tool pages', () => {
  test('the quiz picker and the page that returns to the LMS', async ({ lms: { invigil, platform } }) => {
    const browser = new HttpBrowser();
    const picker = await browser.follow(platform.launchUrl({ user: 'teacher-1', role: 'instructor', message: 'deep_link' }));
    await expectStrictPage(invigil, picker);
    const returning = await browser.request(picker.url, { form: quizSettingsForm });
    expect(await expectStrictPage(invigil, returning)).toBe(1);
    expect(findAutoForm(returning.body)?.fields.JWT).toBeTruthy();
  });

  test('the instructor\'s attempt list, settings, accommodations and review, and the student\'s start page', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const student = await launch(platform, { user: 'student-pages', role: 'learner', resource: resourceLinkId });
    expect(await expectStrictPage(invigil, student.page)).toBe(2); // the data island and the module
    const created = await student.browser.request(student.page.url.replace('/take?', '/attempts?'), { json: { acknowledged: true } });
    const { attemptId } = JSON.parse(created.body) as { attemptId: string };

    const teacher = await launch(platform, { user: 'teacher-1', role: 'instructor', resource: resourceLinkId });
    await expectStrictPage(invigil, teacher.page);
    for (const other of ['settings', 'accommodations']) await expectStrictPage(invigil, await teacher.browser.request(teacher.page.url.replace('/attempts?', `/${other}?`)));
    const review = await teacher.browser.request(`${invigil.url}/app/attempts/${attemptId}/review?c=${teacher.scope}`);
    expect(await expectStrictPage(invigil, review)).toBe(2);
  });

  test('an unknown asset is a 404, not a page', async ({ lms: { invigil } }) => {
    expect((await fetch(`${invigil.url}/app/assets/nothing-AAAAAAAA.js`)).status).toBe(404);
  });
});
