// Leaving the quiz tab (another tab, or another window or application taking focus) is recorded with how long the
// student was away.
import { browser } from 'wxt/browser';
import { describeDuration } from '../describe.ts';
import { registerRule } from '../manager.ts';
import { failed } from '../../attempt/failures.ts';

registerRule({
  name: 'tab-switch',
  init(signal, { quizTabId, report }) {
    let away: { since: number; to: string } | undefined;
    const leave = (to: string) => {
      if (away) return;
      away = { since: Date.now(), to };
      report('tab_switch', { to, summary: `Left the quiz for ${to}.` });
    };
    const back = () => {
      if (!away) return;
      const awayMs = Date.now() - away.since;
      report('tab_return', { awayMs, summary: `Back in the quiz after ${describeDuration(awayMs)} in ${away.to}.` });
      away = undefined;
    };
    const onActivated = (info: { tabId: number }) => (info.tabId === quizTabId ? back() : leave('another tab'));
    const focusChanged = async (windowId: number) => {
      if (windowId === browser.windows.WINDOW_ID_NONE) return leave('another application');
      const [tab] = await browser.tabs.query({ active: true, windowId });
      if (tab?.id === quizTabId) back();
      else leave('another window');
    };
    const onFocus = (windowId: number) => void focusChanged(windowId).catch(failed('telling which window has the focus'));
    browser.tabs.onActivated.addListener(onActivated);
    browser.windows.onFocusChanged.addListener(onFocus);
    signal.addEventListener('abort', () => {
      browser.tabs.onActivated.removeListener(onActivated);
      browser.windows.onFocusChanged.removeListener(onFocus);
    });
  },
});
