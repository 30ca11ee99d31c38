// The quiz tab only loads the quiz's own site and the allowed addresses. declarativeNetRequest blocks anything else
// before it loads; webNavigation says what was tried, and the tab goes back to the quiz.
import { browser } from 'wxt/browser';
import { isAllowedUrl } from '../../../models/lockdown.ts';
import { registerRule } from '../manager.ts';
import { failed } from '../../attempt/failures.ts';

/** Session rule ids this rule owns: 1 blocks, the rest allow. */
const firstRuleId = 4100;
const maxRules = 32;
const ownRuleIds = Array.from({ length: maxRules }, (_, i) => firstRuleId + i);

async function removeRules() {
  await browser.declarativeNetRequest.updateSessionRules({ removeRuleIds: ownRuleIds });
}

registerRule({
  name: 'navigation',
  async init(signal, { quizTabId, quizUrl, settings, report }) {
    const allowed = [new URL(quizUrl).origin + '/', ...settings.lockdown.allowedUrls];
    const mainFrame = { tabIds: [quizTabId], resourceTypes: ['main_frame' as const] };
    await browser.declarativeNetRequest.updateSessionRules({
      removeRuleIds: ownRuleIds,
      addRules: [
        { id: firstRuleId, priority: 1, action: { type: 'block' as const }, condition: mainFrame },
        ...allowed.slice(0, maxRules - 1).map((prefix, i) => ({
          id: firstRuleId + 1 + i, priority: 2, action: { type: 'allow' as const }, condition: { ...mainFrame, urlFilter: `|${prefix}` },
        })),
      ],
    });
    let lastAllowed = quizUrl;
    const onBeforeNavigate = (details: { tabId: number; frameId: number; url: string }) => {
      if (details.tabId !== quizTabId || details.frameId !== 0) return;
      if (isAllowedUrl(details.url, quizUrl, settings.lockdown.allowedUrls)) return;
      report('navigation_blocked', { url: details.url, summary: `The quiz tab was kept from loading ${details.url}` });
    };
    const onCommitted = (details: { tabId: number; frameId: number; url: string }) => {
      if (details.tabId === quizTabId && details.frameId === 0 && isAllowedUrl(details.url, quizUrl, settings.lockdown.allowedUrls)) lastAllowed = details.url;
    };
    const onError = (details: { tabId: number; frameId: number; error: string }) => {
      // The blocked page leaves an error page in the tab: take the student back to the quiz.
      if (details.tabId !== quizTabId || details.frameId !== 0 || !/BLOCKED_BY_CLIENT|NS_ERROR_ABORT|blocked/i.test(details.error)) return;
      void browser.tabs.update(quizTabId, { url: lastAllowed }).catch(failed('taking the quiz tab back to the quiz'));
    };
    browser.webNavigation.onBeforeNavigate.addListener(onBeforeNavigate);
    browser.webNavigation.onCommitted.addListener(onCommitted);
    browser.webNavigation.onErrorOccurred.addListener(onError);
    signal.addEventListener('abort', () => {
      browser.webNavigation.onBeforeNavigate.removeListener(onBeforeNavigate);
      browser.webNavigation.onCommitted.removeListener(onCommitted);
      browser.webNavigation.onErrorOccurred.removeListener(onError);
      void removeRules().catch(failed('removing the navigation blocking rules'));
    });
  },
  // Session rules outlive a restarted service worker (not the browser).
  release: removeRules,
});
