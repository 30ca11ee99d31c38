// New tabs and windows are closed, unless they open an allowed address (then they stay, and are logged). A tab that
// opens blank is judged by the first address it loads.
import { browser, type Browser } from 'wxt/browser';
import { isAllowedUrl } from '../../../models/lockdown.ts';
import { registerRule } from '../manager.ts';
import { failed } from '../../attempt/failures.ts';
import { originOf } from '../../../models/origins.ts';

const isBlank = (url: string | undefined) => !url || url === 'about:blank';

registerRule({
  name: 'new-tabs',
  init(signal, { quizTabId, quizUrl, toolOrigin, settings, report }) {
    const ownPages = browser.runtime.getURL('/');
    /** Tabs opened during the attempt, judged again whenever they load another address. */
    const opened = new Set<number>();

    const judge = async (tabId: number, url: string | undefined) => {
      if (isBlank(url) || url!.startsWith(ownPages)) return;
      // Invigil's own pages stay: a student relaunching from the LMS comes back through them (and they show no answers).
      if (isAllowedUrl(url!, quizUrl, settings.lockdown.allowedUrls) || originOf(url) === toolOrigin) {
        report('tab_allowed', { url: url!, summary: `Opened an allowed address in a new tab: ${url}` });
        return;
      }
      opened.delete(tabId);
      // The student may have closed it first: then there is nothing left to close.
      await browser.tabs.remove(tabId).catch(failed('closing a new tab'));
      report('tab_blocked', { url: url!, summary: `A new tab was closed: ${url}` });
    };
    const onCreated = (tab: Browser.tabs.Tab) => {
      if (tab.id === undefined || tab.id === quizTabId) return;
      opened.add(tab.id);
      // Chrome's new tab page and links show up as pendingUrl before they commit.
      void judge(tab.id, (tab as { pendingUrl?: string }).pendingUrl ?? tab.url);
    };
    const onUpdated = (tabId: number, change: { url?: string }) => {
      if (opened.has(tabId) && change.url) void judge(tabId, change.url);
    };
    const onRemoved = (tabId: number) => opened.delete(tabId);
    browser.tabs.onCreated.addListener(onCreated);
    browser.tabs.onUpdated.addListener(onUpdated);
    browser.tabs.onRemoved.addListener(onRemoved);
    signal.addEventListener('abort', () => {
      browser.tabs.onCreated.removeListener(onCreated);
      browser.tabs.onUpdated.removeListener(onUpdated);
      browser.tabs.onRemoved.removeListener(onRemoved);
    });
  },
});
