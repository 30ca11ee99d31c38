// Debian firefox-esr driven by puppeteer over WebDriver BiDi, with the built extension installed as a temporary
// add-on and Firefox's fake camera. BiDi cannot open moz-extension:// pages: tests reach the extension through pages.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { cleanupFailed } from './cleanup.ts';

export const firefoxPath = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const firefoxBuild = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../.output/firefox-mv3');
export const firefoxAvailable = existsSync(firefoxPath);
// On a developer's machine the Firefox suite may be skipped (with a warning); in CI a missing browser fails the run.
if (!firefoxAvailable) {
  const message = `Firefox ESR is not at ${firefoxPath} (install firefox-esr, or set FIREFOX_PATH).`;
  if (process.env.CI) throw new Error(`${message} CI runs every browser test.`);
  console.warn(`${message} Skipping the Firefox tests.`);
}

export async function launchFirefox() {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath,
    headless: true,
    extraPrefsFirefox: {
      // Fake camera, no permission prompts (the recorder tab cannot answer one).
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
    },
  });
  const extensionId = await browser.installExtension(firefoxBuild);
  return { browser, extensionId, close: () => browser.close().catch(cleanupFailed('closing Firefox')) };
}
