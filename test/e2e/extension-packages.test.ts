// Getting the extension: `npm run package` makes a CRX whose key gives the id IT configures, a Chrome Web Store ZIP
// and an XPI Firefox installs; the tool serves them with the update manifests the browsers' policies point at.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect } from 'vitest';
import { packageExtension } from '../../extension/packaging/package.ts';
import { firefoxAddonId, type PackagesManifest } from '../../models/extension-packages.ts';
import { chromeBuild, launchChromium } from '../support/chromium.ts';
import { firefoxAvailable, launchFirefox } from '../support/firefox.ts';
import { lmsTest } from '../support/fixtures.ts';

const work = mkdtempSync(path.join(tmpdir(), 'invigil-packages-'));
const outDir = path.join(work, 'packages');
const keyPath = path.join(work, 'key.pem');
afterAll(() => rmSync(work, { recursive: true, force: true }));

let packaged: Promise<PackagesManifest> | undefined;
const packages = () => (packaged ??= packageExtension({ outDir, keyPath }));
const test = lmsTest({ environment: { EXTENSION_PACKAGES_DIR: outDir } });

describe('packaging and serving the extension', () => {
  test('a CRX signed with the institution\'s key, whose id is the one Chrome gives it', { timeout: 120_000 }, async () => {
    const m = await packages();
    const crx = readFileSync(path.join(outDir, m.files.crx));
    expect(crx.subarray(0, 4).toString()).toBe('Cr24');
    expect(crx.readUInt32LE(4)).toBe(3);
    // After the signed header: the ZIP itself.
    expect(crx.subarray(12 + crx.readUInt32LE(8), 14 + crx.readUInt32LE(8)).toString()).toBe('PK');
    expect(existsSync(path.join(outDir, m.files.chromeZip))).toBe(true);
    // A second run keeps the key, so the id stays.
    expect((await packageExtension({ outDir, keyPath })).chromeId).toBe(m.chromeId);

    // Chrome derives an extension's id from its key: load the build with the package's public key and compare.
    const withKey = path.join(work, 'chrome-with-key');
    cpSync(chromeBuild, withKey, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(withKey, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    manifest.key = createPublicKey(readFileSync(keyPath, 'utf8')).export({ type: 'spki', format: 'der' }).toString('base64');
    writeFileSync(path.join(withKey, 'manifest.json'), JSON.stringify(manifest));
    const chromium = await launchChromium({ clip: 'single_person', extensionDir: withKey });
    try {
      expect(chromium.extensionId).toBe(m.chromeId);
    } finally {
      await chromium.close();
    }
  });

  test.runIf(firefoxAvailable)('an XPI Firefox installs', { timeout: 120_000 }, async () => {
    const m = await packages();
    const firefox = await launchFirefox({ trustedOrigins: [], extension: path.join(outDir, m.files.xpi) });
    try {
      expect(firefox.extensionId).toBe(firefoxAddonId);
    } finally {
      await firefox.close();
    }
  });

  test('served with the update manifests IT policies point at, and an install page', { timeout: 120_000 }, async ({ lms: { invigil } }) => {
    const m = await packages();
    const base = `${invigil.url}/extension`;
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain(`${m.chromeId};${base}/chrome/updates.xml`);
    expect(body).toContain('id="firefox"');
    const xml = await (await fetch(`${base}/chrome/updates.xml`)).text();
    expect(xml).toContain(`<app appid="${m.chromeId}">`);
    expect(xml).toContain(`<updatecheck codebase="${base}/chrome/invigil.crx" version="${m.version}" />`);
    const crx = await fetch(`${base}/chrome/invigil.crx`);
    expect(crx.headers.get('content-type')).toBe('application/x-chrome-extension');
    expect(Buffer.from(await crx.arrayBuffer()).equals(readFileSync(path.join(outDir, m.files.crx)))).toBe(true);
    expect(await (await fetch(`${base}/firefox/updates.json`)).json()).toEqual({ addons: { [firefoxAddonId]: { updates: [{ version: m.version, update_link: `${base}/firefox/invigil.xpi` }] } } });
    const xpi = await fetch(`${base}/firefox/invigil.xpi`);
    expect(xpi.headers.get('content-type')).toBe('application/x-xpinstall');
    expect((await xpi.arrayBuffer()).byteLength).toBe(readFileSync(path.join(outDir, m.files.xpi)).length);
  });
});
