// The Firefox build passes Mozilla's add-on linter (web-ext lint, offline) with no errors and no warnings.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const firefoxBuild = path.join(root, '.output/firefox-mv3');

it('the Firefox build passes web-ext lint', async () => {
  expect(existsSync(path.join(firefoxBuild, 'manifest.json')), 'run `npm run build` first').toBe(true);
  const { stdout } = await promisify(execFile)(path.join(root, 'node_modules/.bin/web-ext'),
    ['lint', '--source-dir', firefoxBuild, '--output', 'json', '--self-hosted'], { maxBuffer: 16 * 1024 * 1024 }).catch((error) => error);
  const report = JSON.parse(stdout) as { summary: { errors: number; warnings: number }; errors: { message: string }[]; warnings: { message: string }[] };
  expect(report.errors.map((e) => e.message)).toEqual([]);
  expect(report.warnings.map((w) => w.message)).toEqual([]);
  expect(report.summary).toMatchObject({ errors: 0, warnings: 0 });
}, 120_000);
