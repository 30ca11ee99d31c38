// Developer tools opened on the quiz tab are recorded, with how long they stayed open. The extension's devtools
// page connects whenever developer tools open on any tab; the connection is watched from start-up, so tools opened
// before lockdown began are seen too.
import { browser, type Browser } from 'wxt/browser';
import { devtoolsPortPrefix } from '../../messaging/protocol.ts';
import { describeDuration } from '../describe.ts';
import { registerRule } from '../manager.ts';

const openSince = new Map<number, number>();
const watchers = new Set<(tabId: number, open: boolean) => void>();

registerRule({
  name: 'devtools',
  init(signal, { quizTabId, report }) {
    const opened = () => report('devtools_opened', { summary: 'Developer tools were opened on the quiz tab.' });
    const watch = (tabId: number, open: boolean) => {
      if (tabId !== quizTabId) return;
      if (open) return opened();
      const openMs = Date.now() - (openSince.get(tabId) ?? Date.now());
      report('devtools_closed', { openMs, summary: `Developer tools on the quiz tab were closed after ${describeDuration(openMs)}.` });
    };
    if (openSince.has(quizTabId)) opened();
    watchers.add(watch);
    signal.addEventListener('abort', () => watchers.delete(watch));
  },
  workerStarted() {
    browser.runtime.onConnect.addListener((port: Browser.runtime.Port) => {
      if (!port.name.startsWith(devtoolsPortPrefix)) return;
      const tabId = Number(port.name.slice(devtoolsPortPrefix.length));
      openSince.set(tabId, Date.now());
      watchers.forEach((w) => w(tabId, true));
      port.onDisconnect.addListener(() => {
        watchers.forEach((w) => w(tabId, false));
        openSince.delete(tabId);
      });
    });
  },
});
