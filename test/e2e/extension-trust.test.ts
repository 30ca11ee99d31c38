// Only the Invigil servers the student (or IT) trusts can drive the extension. A hostile page on another origin
// gets no answer at all and cannot check the camera or start an attempt; a revoked origin stops working; a stored
// attempt from an origin revoked since is not resumed after a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { attempts } from '../../models/schema.ts';
import { launchChromium } from '../support/chromium.ts';
import { lmsTest } from '../support/fixtures.ts';
import { extensionStatus, startAttemptInBrowser } from '../support/student.ts';
import { until } from '../support/wait.ts';

const test = lmsTest({
  quiz: (quizUrl) => ({ title: 'Trust quiz', quizUrl, recordWebcam: 'on', lockdownPreset: 'off', policyText: 'Recorded.' }),
});

// A hostile site: its page tries everything the bridge offers, against its own fake `/ext` API, and keeps what comes back.
const hostilePage = `<!doctype html><html lang="en"><head><title>Free practice quiz</title></head><body><script>
window.answers = [];
window.addEventListener('message', (e) => { if (e.data && e.data.source === 'invigil' && !['ping', 'check', 'start', 'request-approval'].includes(e.data.type)) window.answers.push(e.data); });
const post = (m) => window.postMessage({ source: 'invigil', ...m }, location.origin);
window.tryAll = () => { post({ type: 'ping' }); post({ type: 'check' }); post({ type: 'start', apiBase: location.origin + '/ext', startToken: 'stolen' }); post({ type: 'request-approval' }); };
</script><button id="go">Go</button></body></html>`;
let hostile: Server;
const hostileRequests: string[] = [];

beforeAll(async () => {
  hostile = createServer((req, res) => {
    hostileRequests.push(`${req.method} ${req.url}`);
    if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(hostilePage);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise<void>((resolve) => hostile.close(() => resolve())));

type ChromeApi = { chrome: { scripting: { getRegisteredContentScripts(): Promise<{ id: string; matches?: string[] }[]> }; storage: { local: { get(k: string): Promise<Record<string, unknown>> } } } };

describe('which servers may drive the extension', () => {
  test('a hostile page, on another host or on the trusted host\'s other port, gets no answer and starts nothing', { timeout: 120_000 }, async ({ lms: { invigil, platform }, quiz: { resourceLinkId }, chromium }) => {
    const trusted = new URL(invigil.url);
    await chromium.trust(trusted.origin);
    const { port } = hostile.address() as AddressInfo;
    // Same host name as the trusted tool, another port (patterns ignore ports: the bridge must check), and another host.
    const hostileUrls = [`http://${trusted.hostname}:${port}/`, `http://127.0.0.1:${port}/`];
    if (trusted.hostname === '127.0.0.1') hostileUrls.reverse();
    const pages = [];
    for (const url of hostileUrls) {
      const page = await chromium.browser.newPage();
      await page.goto(url);
      await page.click('#go'); // a real click: even with the student's gesture, nothing answers
      await page.evaluate(() => (window as unknown as { tryAll(): void }).tryAll());
      pages.push(page);
    }
    // The positive control, after the hostile posts: a trusted page in the same browser is answered.
    const { attemptId } = await startAttemptInBrowser(chromium, platform, resourceLinkId, 'student-trust');
    expect(attemptId).toBeTruthy();
    for (const page of pages) expect(await page.evaluate(() => (window as unknown as { answers: unknown[] }).answers)).toEqual([]);
    expect(hostileRequests.filter((r) => r.startsWith('POST') || r.includes('/ext'))).toEqual([]);
    // At most, a page the student clicked on makes Invigil ask the student, naming the page's real origin; nothing
    // was trusted by it, and the bridge is registered for the trusted host alone.
    const registered = await chromium.inExtension(() => (globalThis as unknown as ChromeApi).chrome.scripting.getRegisteredContentScripts());
    expect(registered).toEqual([expect.objectContaining({ id: 'invigil-bridge', matches: [`http://${trusted.hostname}/*`] })]);
    const status = await extensionStatus(chromium);
    expect(status.attempt?.id).toBe(attemptId);
  });

  test('a revoked origin stops working, and its stored attempt is not resumed after a restart', { timeout: 180_000 }, async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const userDataDir = mkdtempSync(path.join(tmpdir(), 'invigil-trust-'));
    let chromium = await launchChromium({ clip: 'single_person', userDataDir });
    try {
      const { student, attemptId } = await startAttemptInBrowser(chromium, platform, resourceLinkId, 'student-revoke');
      // The student takes the site back in the popup, while the attempt runs (it goes on until finished).
      const popup = await chromium.browser.newPage();
      await popup.goto(`${chromium.extensionOrigin}/popup.html`);
      const origin = new URL(invigil.url).origin;
      await popup.click(`button[data-origin="${origin}"]`);
      await popup.waitForFunction(() => !document.querySelector('button[data-origin]'), { polling: 200, timeout: 10_000 });
      await popup.close();
      expect((await extensionStatus(chromium)).attempt?.id).toBe(attemptId);
      // The tool's page no longer finds the extension.
      await student.reload();
      await student.waitForSelector('body[data-extension="missing"]', { timeout: 30_000 });
      const registered = await chromium.inExtension(() => (globalThis as unknown as ChromeApi).chrome.scripting.getRegisteredContentScripts());
      expect(registered).toEqual([]);

      // The heartbeat counter the old browser had issued (each beat stores its counter before it is sent): a beat in
      // flight when the browser dies may still land, with at most the next counter; a resumed attempt would go past it.
      const issued = await chromium.inExtension(async () =>
        ((await (globalThis as unknown as ChromeApi).chrome.storage.local.get('heartbeatCounter')).heartbeatCounter as { counter: number } | undefined)?.counter ?? 0);
      await chromium.kill();
      chromium = await launchChromium({ clip: 'single_person', userDataDir });
      await until('the extension to drop the attempt', () => chromium.inExtension(async () =>
        !(await (globalThis as unknown as ChromeApi).chrome.storage.local.get('activeAttempt')).activeAttempt), 30_000);
      expect((await extensionStatus(chromium)).attempt).toBeNull();
      // Dropped without a word to the server it no longer trusts: no heartbeat after the restart.
      const [after] = await invigil.db.select().from(attempts).where(eq(attempts.id, attemptId));
      expect(after.heartbeatCounter).toBeLessThanOrEqual(issued + 1);
    } finally {
      await chromium.close();
      rmSync(userDataDir, { recursive: true, force: true });
    }
  });
});
