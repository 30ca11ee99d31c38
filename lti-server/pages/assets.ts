// The hashed client assets pages link to (lti-server/client, built by client/build.ts), set once at start.
import type { AssetManifest, ClientEntry } from '../client/build.ts';
import { html, type SafeHtml } from './html.ts';

/** Where the assets are served: hashed names, so they are cached for good. */
export const assetsPath = '/app/assets';
let manifest: AssetManifest | undefined;

export function useAssets(built: AssetManifest) {
  manifest = built;
}

export function assetUrl(entry: ClientEntry) {
  if (!manifest) throw new Error('The client assets were not loaded (useAssets) before a page was rendered.');
  return `${assetsPath}/${manifest[entry]}`;
}

/** A page's module script. */
export const moduleScript = (entry: ClientEntry): SafeHtml => html`<script type="module" src="${assetUrl(entry)}"></script>`;
