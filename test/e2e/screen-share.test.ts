// Only the entire screen shows what the student sees: a tab or window share is refused with a clear message.
// Chromium's fake screen capture pretends to be a tab or a window only for web pages (extension pages always get
// "monitor"), so the recorder's check runs here on real tracks in a page; the extension path (the recorder, a failed
// start, the message on the tool page) is the same code, started from the end-to-end tests.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import puppeteer from 'puppeteer-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { entireScreenMessage, requireEntireScreen } from '../../extension/recording/screen-share.ts';
import { requireChromium } from '../support/chromium.ts';

let server: http.Server;
let pageUrl: string;
beforeAll(async () => {
  server = http.createServer((_req, res) => res.end('<!doctype html><title>share</title>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // localhost is a secure context, where getDisplayMedia exists.
  pageUrl = `http://localhost:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

it.each(['browser', 'window', 'monitor'])('a %s share', async (surface) => {
  const browser = await puppeteer.launch({
    executablePath: requireChromium(), headless: true, pipe: true,
    args: ['--no-sandbox', '--use-fake-ui-for-media-stream', `--use-fake-device-for-media-stream=display-media-type=${surface}`],
  });
  try {
    const page = await browser.newPage();
    await page.goto(pageUrl);
    const result = await page.evaluate(async (check, message) => {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: true });
      const settings = stream.getVideoTracks()[0].getSettings();
      try {
        // The recorder's own check, with the module constant it reads.
        // eslint-disable-next-line @typescript-eslint/no-implied-eval -- runs the recorder's own function source in the page
        new Function('stream', 'entireScreenMessage', `return (${check})(stream)`)(stream, message);
        return { surface: settings.displaySurface, accepted: true, live: stream.getVideoTracks()[0].readyState === 'live' };
      } catch (error) {
        return { surface: settings.displaySurface, accepted: false, message: (error as Error).message, live: stream.getVideoTracks()[0].readyState === 'live' };
      }
    }, requireEntireScreen.toString(), entireScreenMessage);
    expect(result.surface).toBe(surface);
    if (surface === 'monitor') {
      expect(result).toMatchObject({ accepted: true, live: true });
    } else {
      // Refused with the sentence the student sees, and the share is stopped at once.
      expect(result).toMatchObject({ accepted: false, message: entireScreenMessage, live: false });
    }
  } finally {
    await browser.close();
  }
}, 60_000);
