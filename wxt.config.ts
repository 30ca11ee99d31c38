import { createRequire } from 'node:module';
import path from 'node:path';
import { defineConfig } from 'wxt';
import { firefoxAddonId } from './models/extension-packages.ts';

const require = createRequire(import.meta.url);
// @vladmandic/human hides package.json behind "exports"; its main entry sits in dist/, beside models/.
const humanModels = path.join(path.dirname(require.resolve('@vladmandic/human')), '..', 'models');
const tfjsWasm = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));

/** Model and wasm files copied from node_modules at build time: never committed, never fetched at run time. */
const bundled = [
  ...['centernet.json', 'centernet.bin', 'blazeface.json', 'blazeface.bin'].map((f) => ({ absoluteSrc: path.join(humanModels, f), relativeDest: `models/${f}` })),
  ...['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'].map((f) => ({ absoluteSrc: path.join(tfjsWasm, f), relativeDest: `wasm/${f}` })),
];

export default defineConfig({
  srcDir: 'extension',
  // `wxt/browser` becomes webextension-polyfill's promise-based `browser` in both Chrome and Firefox.
  modules: ['@wxt-dev/webextension-polyfill'],
  outDir: '.output',
  // MV3 in both browsers (WXT would build MV2 for Firefox).
  manifestVersion: 3,
  manifest: ({ browser }) => ({
    name: 'Invigil',
    description: 'Proctoring for LMS quizzes: records webcam and screen, checks the room on your device, keeps you in the quiz.',
    // Lockdown: webNavigation and declarativeNetRequest keep the quiz tab on the quiz, management lists (and may turn
    // off) other extensions, system.display counts displays (Chrome only).
    // scripting registers the page bridge on trusted origins only (trust/bridge-registration.ts).
    permissions: ['storage', 'unlimitedStorage', 'tabs', 'webNavigation', 'webRequest', 'declarativeNetRequest', 'management', 'scripting',
      ...(browser === 'firefox' ? [] : ['offscreen', 'system.display'])],
    // The bucket's host is only known at run time; uploads from extension pages need host access instead of bucket CORS.
    host_permissions: ['<all_urls>'],
    content_security_policy: { extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'" },
    // IT's list of trusted tool origins (Chrome policy `3rdparty.extensions.<id>`); Firefox reads managed storage
    // from a managed-storage manifest and takes no schema.
    ...(browser === 'firefox' ? {} : { storage: { managed_schema: 'managed-schema.json' } }),
    ...(browser === 'firefox'
      ? { browser_specific_settings: {
        // 140 (the ESR) is the first to read data_collection_permissions; Android needs 142.
        gecko: { id: firefoxAddonId, strict_min_version: '140.0', data_collection_permissions: { required: ['none'] } },
        gecko_android: { strict_min_version: '142.0' },
      } }
      : {}),
  }),
  hooks: {
    'build:publicAssets': (wxt, files) => {
      files.push(...bundled);
      if (wxt.config.browser !== 'firefox') files.push({ absoluteSrc: path.resolve('extension/trust/managed-schema.json'), relativeDest: 'managed-schema.json' });
    },
  },
});
