// A page Invigil does not trust asked, on the student's click, to be allowed: the background opens the approval
// window for the origin the browser reports. One window per origin at a time; none at all under IT's policy.
import { browser, type Browser } from 'wxt/browser';
import { currentTrust } from './approved-origins.ts';
import { injectBridge } from './bridge-registration.ts';
import { pageOrigin } from './senders.ts';

const openWindows = new Map<string, number>();

export async function requestApproval(sender: Browser.runtime.MessageSender): Promise<undefined> {
  const origin = pageOrigin(sender);
  const tabId = sender.tab?.id;
  if (!origin || tabId === undefined) return undefined;
  const trust = await currentTrust();
  // Under a policy, IT decides: the student is never asked.
  if (trust.source === 'policy') return undefined;
  // Already allowed (the page loaded before the bridge was registered): bring the bridge in.
  if (trust.origins.includes(origin)) {
    await injectBridge(tabId, sender.frameId ?? 0);
    return undefined;
  }
  const open = openWindows.get(origin);
  if (open !== undefined) {
    await browser.windows.update(open, { focused: true });
    return undefined;
  }
  const query = new URLSearchParams({ origin, tab: String(tabId), frame: String(sender.frameId ?? 0) });
  const opened = await browser.windows.create({ url: browser.runtime.getURL(`/approve.html?${query}`), type: 'popup', width: 520, height: 420, focused: true });
  const id = opened?.id;
  if (id === undefined) return undefined;
  openWindows.set(origin, id);
  const closed = (windowId: number) => {
    if (windowId !== id) return;
    openWindows.delete(origin);
    browser.windows.onRemoved.removeListener(closed);
  };
  browser.windows.onRemoved.addListener(closed);
  return undefined;
}
