// Debian Chromium driven by puppeteer-core, with the built extension loaded and a fake camera fed from a shared clip.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Target, type WebWorker } from 'puppeteer-core';
import { webcamClip } from './media.ts';
import { cleanupFailed } from './cleanup.ts';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Browser tests never skip for a missing Chromium: they fail saying what to install. */
export function requireChromium() {
  if (!existsSync(chromiumPath)) throw new Error(`Chromium is not at ${chromiumPath}: install Debian's chromium (npm test does, as root) or set CHROMIUM_PATH.`);
  return chromiumPath;
}
export const chromeBuild = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../.output/chrome-mv3');

export async function launchChromium(options: { clip: string; userDataDir?: string; extraArgs?: string[]; otherExtensions?: string[]; fakeDevice?: string; extensionDir?: string }) {
  const userDataDir = options.userDataDir ?? mkdtempSync(path.join(tmpdir(), 'invigil-chromium-'));
  const browser: Browser = await puppeteer.launch({
    executablePath: requireChromium(),
    headless: true,
    pipe: true,
    enableExtensions: [options.extensionDir ?? chromeBuild, ...(options.otherExtensions ?? [])],
    userDataDir,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
      // fakeDevice: Chromium's fake-device options, e.g. display-media-type=browser (a tab share).
      `--use-fake-device-for-media-stream${options.fakeDevice ? `=${options.fakeDevice}` : ''}`, '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${path.isAbsolute(options.clip) ? options.clip : webcamClip(options.clip)}`,
      ...(options.extraArgs ?? []),
    ],
  });
  // The extension's own pages (recorder, popup) log here, so a failing test can say what went wrong inside them.
  const extensionLog: string[] = [];
  const watched = new WeakSet<Target>();
  const watch = async (target: Target) => {
    // Offscreen documents are announced before they have a URL: look again when they change.
    if (watched.has(target) || !target.url().startsWith('chrome-extension://')) return;
    watched.add(target);
    const page = new URL(target.url()).pathname;
    try {
      const cdp = await target.createCDPSession();
      cdp.on('Runtime.consoleAPICalled', (e) => extensionLog.push(`${page} console.${e.type}: ${e.args.map((a) => a.value ?? a.description).join(' ')}`));
      cdp.on('Runtime.exceptionThrown', (e) => extensionLog.push(`${page} exception: ${e.exceptionDetails.exception?.description ?? e.exceptionDetails.text}`));
      await cdp.send('Runtime.enable');
    } catch {
      // The page closed first.
    }
  };
  browser.on('targetcreated', (t: Target) => void watch(t));
  browser.on('targetchanged', (t: Target) => void watch(t));
  await Promise.all(browser.targets().map(watch));
  // Other extensions in tests have no service worker: the only background.js is Invigil's.
  const worker = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().endsWith('/background.js'), { timeout: 30_000 });
  const extensionId = new URL(worker.url()).host;
  (await worker.worker())?.on('console', (message) => extensionLog.push(`/background.js console.${message.type()}: ${message.text()}`));
  const extensionOrigin = `chrome-extension://${extensionId}`;
  // The offscreen recorder cannot show a permission prompt: grant camera and microphone to the extension up front.
  await browser.defaultBrowserContext().overridePermissions(extensionOrigin, ['camera', 'microphone']);
  return {
    browser,
    userDataDir,
    extensionId,
    extensionOrigin,
    extensionLog,
    serviceWorker: () => worker.worker() as Promise<WebWorker>,
    /** Ends the browser as a crash or power cut would: no shutdown, the profile left as it was. */
    async kill() {
      const child = browser.process();
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
    /** Runs a function in one of the extension's own pages, where the extension APIs are. */
    async inExtension<R, A extends unknown[]>(fn: (...args: A) => R | Promise<R>, ...args: A): Promise<Awaited<R>> {
      const page = await browser.newPage();
      try {
        await page.goto(`${extensionOrigin}/popup.html`);
        return await page.evaluate(fn as never, ...args);
      } finally {
        await page.close().catch(cleanupFailed('closing an extension page'));
      }
    },
    /** Approves a tool origin as a student would in the approval window (same message, from an extension page). */
    async trust(origin: string) {
      const page = await browser.newPage();
      try {
        await page.goto(`${extensionOrigin}/popup.html`);
        const answer = await page.evaluate((o) => (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<{ ok: boolean; error?: string }> } } }).chrome.runtime
          .sendMessage({ invigil: 1, to: 'background', name: 'approveOrigin', payload: { origin: o } }), origin);
        if (!answer.ok) throw new Error(`The extension refused to trust ${origin}: ${answer.error}`);
      } finally {
        await page.close().catch(cleanupFailed('closing an extension page'));
      }
    },
    async close() {
      await browser.close().catch(cleanupFailed('closing Chromium'));
      if (!options.userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** A minimal unpacked extension, standing in for one a student installed. */
export function otherExtension(name: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'invigil-other-extension-'));
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ manifest_version: 3, name, version: '1.0', description: 'Stands in for a student\'s extension.' }));
  return dir;
}
