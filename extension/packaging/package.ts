// `npm run package`: the built extension (npm run build) as the files an institution deploys — a ZIP for the Chrome
// Web Store, a CRX signed with the institution's key for force-installing with Chrome's policy, and an XPI for
// Firefox — plus packages.json, which the tool server reads to serve them with update manifests.
import { createHash, createPublicKey } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';
import type { PackagesManifest } from '../../models/extension-packages.ts';

const require = createRequire(import.meta.url);
const crx3 = require('crx3') as (files: string[], options: { keyPath: string; crxPath: string; zipPath: string }) => Promise<unknown>;

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Chrome's extension id: the first 128 bits of the SHA-256 of the public key, written with the letters a–p. */
export function chromeExtensionId(privateKeyPem: string) {
  const der = createPublicKey(privateKeyPem).export({ type: 'spki', format: 'der' });
  return [...createHash('sha256').update(der).digest().subarray(0, 16).toString('hex')].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

async function zipDirectory(dir: string, out: string) {
  const zip = new yazl.ZipFile();
  for (const file of filesUnder(dir)) zip.addFile(file, path.relative(dir, file).split(path.sep).join('/'));
  zip.end();
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.pipe(createWriteStream(out)).on('close', resolve).on('error', reject);
  });
}

export async function packageExtension(options: { outDir: string; keyPath: string; buildDir?: string }): Promise<PackagesManifest> {
  const buildDir = options.buildDir ?? path.join(root, '.output');
  const chromeDir = path.join(buildDir, 'chrome-mv3');
  const firefoxDir = path.join(buildDir, 'firefox-mv3');
  for (const dir of [chromeDir, firefoxDir]) {
    if (!existsSync(path.join(dir, 'manifest.json'))) throw new Error(`${dir} has no build: run npm run build first.`);
  }
  const { version } = JSON.parse(readFileSync(path.join(chromeDir, 'manifest.json'), 'utf8')) as { version: string };
  mkdirSync(options.outDir, { recursive: true });
  mkdirSync(path.dirname(options.keyPath), { recursive: true });
  const files = { crx: `invigil-${version}.crx`, chromeZip: `invigil-${version}-chrome.zip`, xpi: `invigil-${version}.xpi` };
  // crx3 makes the key on the first run and reuses it after: the extension id stays the same across versions.
  await crx3([chromeDir], { keyPath: options.keyPath, crxPath: path.join(options.outDir, files.crx), zipPath: path.join(options.outDir, files.chromeZip) });
  await zipDirectory(firefoxDir, path.join(options.outDir, files.xpi));
  const manifest: PackagesManifest = { version, chromeId: chromeExtensionId(readFileSync(options.keyPath, 'utf8')), files, builtAt: new Date().toISOString() };
  writeFileSync(path.join(options.outDir, 'packages.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const outDir = path.resolve(process.env.EXTENSION_PACKAGES_DIR ?? path.join(root, '.output', 'packages'));
  // The signing key is the institution's: kept out of the repository, in the data folder unless named.
  const keyPath = path.resolve(process.env.EXTENSION_KEY ?? path.join(root, '.invigil-data', 'extension-key.pem'));
  packageExtension({ outDir, keyPath }).then((m) => {
    console.log(`Packaged Invigil ${m.version} in ${outDir}:\n  ${m.files.crx} (Chrome id ${m.chromeId}, signed with ${keyPath})\n  ${m.files.chromeZip} (Chrome Web Store)\n  ${m.files.xpi} (Firefox)`);
  }, (error: Error) => {
    console.error(`Could not package the extension: ${error.message}`);
    process.exit(1);
  });
}
