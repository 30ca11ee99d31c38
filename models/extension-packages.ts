// What `npm run package` writes beside the packages (packages.json) and the tool server reads to serve them.

/** The Firefox add-on id (wxt.config.ts): policies and managed storage name the extension by it. */
export const firefoxAddonId = 'invigil@invigil.dev';

export type PackagesManifest = {
  version: string;
  /** The Chrome extension id the CRX's key gives (what IT puts in ExtensionInstallForcelist). */
  chromeId: string;
  files: { crx: string; chromeZip: string; xpi: string };
  builtAt: string;
};
