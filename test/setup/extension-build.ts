// Vitest global set-up for the browser tier: the built extension is there and current.
import { ensureExtensionBuilt } from '../support/extension-build.ts';

export default function setup() {
  ensureExtensionBuilt();
}
