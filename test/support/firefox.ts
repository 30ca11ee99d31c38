// Debian firefox-esr driven by puppeteer over WebDriver BiDi, with the built extension installed as a temporary
// add-on and Firefox's fake camera. BiDi cannot open moz-extension:// pages: tests reach the extension through pages.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { cleanupFailed } from './cleanup.ts';
// IT's managed storage for Invigil is keyed by the add-on id.
import { firefoxAddonId as addonId } from '../../models/extension-packages.ts';

export const firefoxPath = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const firefoxBuild = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../.output/firefox-mv3');
export const firefoxAvailable = existsSync(firefoxPath);
// On a developer's machine the Firefox suite may be skipped (with a warning); in CI a missing browser fails the run.
if (!firefoxAvailable) {
  const message = `Firefox ESR is not at ${firefoxPath} (install firefox-esr, or set FIREFOX_PATH).`;
  if (process.env.CI) throw new Error(`${message} CI runs every browser test.`);
  console.warn(`${message} Skipping the Firefox tests.`);
}


/**
 * Firefox reads an extension's managed storage from a managed-storage manifest, as IT deploys one: here in a home
 * folder of the test's own, so IT's policy (the trusted tool origins) is what the extension sees.
 */
function homeWithPolicy(trustedOrigins: string[]) {
  const home = mkdtempSync(path.join(tmpdir(), 'invigil-firefox-home-'));
  const folder = path.join(home, '.mozilla', 'managed-storage');
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, `${addonId}.json`), JSON.stringify({ name: addonId, description: 'Invigil policy', type: 'storage', data: { approvedOrigins: trustedOrigins } }));
  return home;
}

export async function launchFirefox(options: { trustedOrigins: string[]; extension?: string;
  /** More preferences, and whether to take the test CA's certificates (the Canvas emulator's loopback HTTPS). */
  extraPrefs?: Record<string, string | number | boolean>; acceptInsecureCerts?: boolean }) {
  const home = homeWithPolicy(options.trustedOrigins);
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath,
    headless: true,
    env: { ...process.env, HOME: home },
    extraPrefsFirefox: {
      // Fake camera, no permission prompts (the recorder tab cannot answer one).
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
      ...options.extraPrefs,
    },
    acceptInsecureCerts: options.acceptInsecureCerts ?? false,
  });
  // The build folder, or a packaged .xpi.
  const extensionId = await browser.installExtension(options.extension ?? firefoxBuild);
  return {
    browser, extensionId,
    async close() {
      await browser.close().catch(cleanupFailed('closing Firefox'));
      rmSync(home, { recursive: true, force: true });
    },
  };
}
