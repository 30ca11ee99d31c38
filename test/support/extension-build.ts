// The built extension the browser tier and the benchmarks load: built here when missing or older than its sources,
// so `npm run test:browser` and `npm run bench` work straight after `npm install`.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sources = ['extension', 'models', 'wxt.config.ts', 'package-lock.json'];
const builds = { chrome: '.output/chrome-mv3', firefox: '.output/firefox-mv3' } as const;

function newestChange(entry: string): number {
  const stats = statSync(entry);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(stats.mtimeMs, ...readdirSync(entry).map((name) => newestChange(path.join(entry, name))));
}

export function ensureExtensionBuilt(log: (line: string) => void = console.log) {
  const sourcesChanged = Math.max(...sources.map((s) => newestChange(path.join(root, s))));
  for (const [browser, dir] of Object.entries(builds)) {
    const manifest = path.join(root, dir, 'manifest.json');
    if (existsSync(manifest) && statSync(manifest).mtimeMs >= sourcesChanged) continue;
    log(`Building the extension for ${browser} (${existsSync(manifest) ? 'sources changed since the last build' : 'not built yet'})…`);
    execFileSync(path.join(root, 'node_modules/.bin/wxt'), ['build', ...(browser === 'firefox' ? ['-b', 'firefox'] : [])], { cwd: root, stdio: 'inherit' });
  }
}
