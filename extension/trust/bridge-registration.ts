// The page bridge runs only on trusted origins: it is registered at run time for exactly the origins in force (never
// in the manifest), so a page anywhere else finds no trace of Invigil: no ping, no version, no camera.
import { browser } from 'wxt/browser';
import { currentTrust, matchPatterns } from './approved-origins.ts';

const bridgeId = 'invigil-bridge';
const bridgeFile = '/content-scripts/bridge.js';

async function applyTrust() {
  const { origins } = await currentTrust();
  const [existing] = await browser.scripting.getRegisteredContentScripts({ ids: [bridgeId] });
  if (!origins.length) {
    if (existing) await browser.scripting.unregisterContentScripts({ ids: [bridgeId] });
    return;
  }
  const script = { id: bridgeId, js: [bridgeFile], matches: matchPatterns(origins), allFrames: true, runAt: 'document_start' as const, persistAcrossSessions: false };
  if (existing) await browser.scripting.updateContentScripts([script]);
  else await browser.scripting.registerContentScripts([script]);
}

let previous: Promise<unknown> = Promise.resolve();

/**
 * Makes the bridge's registration match the origins in force; run at every worker start and change. One at a time:
 * two at once would both find nothing registered and both register. A failure is reported to its own caller.
 */
export function syncBridge(): Promise<void> {
  const run = previous.then(applyTrust, applyTrust);
  previous = run.then(() => undefined, (error: unknown) => error);
  return run;
}

/** Puts the bridge into the one frame that asked for approval, so the page need not reload. */
export async function injectBridge(tabId: number, frameId: number) {
  await browser.scripting.executeScript({ target: { tabId, frameIds: [frameId] }, files: [bridgeFile] });
}
