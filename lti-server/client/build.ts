// Bundles the tool pages' client modules (and their stylesheet) into hashed files under lti-server/public/assets,
// with a manifest naming each entry's file. `npm run build` runs it; the server runs it at start when the assets are
// missing or older than their sources, so `npm start` needs no separate step.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
export const assetsDir = path.join(here, '..', 'public', 'assets');
const manifestFile = path.join(assetsDir, 'manifest.json');
/** Each page's module, by the name pages ask for. */
export const clientEntries = {
  'take-quiz': 'take-quiz.ts', review: 'review.ts', 'deep-link-return': 'deep-link-return.ts', 'registration-done': 'registration-done.ts', 'platform-storage': 'platform-storage.ts', lobby: 'lobby.ts', 'session-admin': 'session-admin.ts', 'live-dashboard': 'live-dashboard.ts', styles: 'styles.css',
} as const;
export type ClientEntry = keyof typeof clientEntries;
export type AssetManifest = Record<ClientEntry, string>;

const newest = (dir: string): number => Math.max(...readdirSync(dir).map((f) => {
  const full = path.join(dir, f);
  return statSync(full).isDirectory() ? newest(full) : statSync(full).mtimeMs;
}));

function isCurrent() {
  if (!existsSync(manifestFile)) return false;
  const built = statSync(manifestFile).mtimeMs;
  return [here, path.join(here, '..', '..', 'models')].every((dir) => newest(dir) <= built);
}

export async function buildClientAssets(): Promise<AssetManifest> {
  rmSync(assetsDir, { recursive: true, force: true });
  mkdirSync(assetsDir, { recursive: true });
  const result = await build({
    entryPoints: Object.fromEntries(Object.entries(clientEntries).map(([name, file]) => [name, path.join(here, file)])),
    outdir: assetsDir,
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  const manifest = {} as AssetManifest;
  for (const [output, meta] of Object.entries(result.metafile.outputs)) {
    const entry = meta.entryPoint && (Object.entries(clientEntries).find(([, file]) => meta.entryPoint!.endsWith(`client/${file}`))?.[0] as ClientEntry | undefined);
    if (entry && !output.endsWith('.map')) manifest[entry] = path.basename(output);
  }
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** The manifest of current assets, built first when they are missing or stale. */
export async function clientAssets(log: (line: string) => void = console.log): Promise<AssetManifest> {
  if (isCurrent()) return JSON.parse(readFileSync(manifestFile, 'utf8')) as AssetManifest;
  log('Building the tool pages\' scripts and styles (lti-server/public/assets)…');
  return buildClientAssets();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildClientAssets().then((manifest) => console.log(`Built ${Object.values(manifest).join(', ')} into ${path.relative(process.cwd(), assetsDir)}`), (error: Error) => {
    console.error(`The client assets could not be built: ${error.message}`);
    process.exit(1);
  });
}
