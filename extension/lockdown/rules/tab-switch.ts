// Leaving the quiz tab (another tab, or another window taking focus) is recorded with how long the student was away.
import { browser } from 'wxt/browser';
import { registerRule } from '../manager.ts';

registerRule({
  name: 'tab-switch',
  appliesTo: () => true,
  init(signal, { quizTabId, report }) {
    let awaySince: number | undefined;
    const leave = (details: Record<string, string | number>) => {
      if (awaySince !== undefined) return;
      awaySince = Date.now();
      report('tab_switch', details);
    };
    const back = () => {
      if (awaySince === undefined) return;
      report('tab_return', { awayMs: Date.now() - awaySince });
      awaySince = undefined;
    };
    const onActivated = (info: { tabId: number }) => (info.tabId === quizTabId ? back() : leave({ toTab: info.tabId }));
    const onFocus = async (windowId: number) => {
      if (windowId === browser.windows.WINDOW_ID_NONE) return leave({ to: 'another application' });
      const [tab] = await browser.tabs.query({ active: true, windowId });
      if (tab?.id === quizTabId) back();
      else leave({ toWindow: windowId });
    };
    browser.tabs.onActivated.addListener(onActivated);
    browser.windows.onFocusChanged.addListener(onFocus);
    signal.addEventListener('abort', () => {
      browser.tabs.onActivated.removeListener(onActivated);
      browser.windows.onFocusChanged.removeListener(onFocus);
    });
  },
});
