// The background's side of the quiz-guard content script: every page the quiz tab loads connects and is told which
// page rules to run; pages of other tabs are told there is nothing to do. Ending lockdown tells each page to let go.
import { browser, type Browser } from 'wxt/browser';
import type { StreamName } from '../../models/contracts.ts';
import type { ExtensionEventType } from '../../models/events.ts';
import { lockdownActiveKey, quizGuardPortName, type LostStream, type QuizGuardFromPage, type QuizGuardToPage } from '../attempt/messages.ts';

export type QuizPageLockdown = {
  quizTabId: number;
  pageRules: string[];
  labels: string[];
  lostStreams: LostStream[];
  report: (type: ExtensionEventType, details: Record<string, string | number | boolean>) => void;
  restartStream: (stream: StreamName) => void;
  end: () => void;
};

export function serveQuizPages(current: () => QuizPageLockdown | undefined) {
  const ports = new Set<Browser.runtime.Port>();
  const post = (port: Browser.runtime.Port, message: QuizGuardToPage) => port.postMessage(message);
  // Registered when the worker starts, so a page connecting wakes it and is answered.
  browser.runtime.onConnect.addListener((port: Browser.runtime.Port) => {
    if (port.name !== quizGuardPortName) return;
    const tabId = port.sender?.tab?.id;
    const lockdown = current();
    if (!lockdown || tabId !== lockdown.quizTabId) {
      post(port, { type: 'release' });
      port.disconnect();
      return;
    }
    ports.add(port);
    port.onDisconnect.addListener(() => ports.delete(port));
    port.onMessage.addListener((message: unknown) => {
      const m = message as QuizGuardFromPage;
      const now = current();
      if (!now || now.quizTabId !== tabId) return;
      if (m.type === 'event') now.report(m.event, m.details);
      if (m.type === 'restart-stream') now.restartStream(m.stream);
      if (m.type === 'end') now.end();
    });
    post(port, { type: 'lockdown', pageRules: lockdown.pageRules, labels: lockdown.labels, lostStreams: lockdown.lostStreams });
  });
  return {
    async begin(quizTabId: number) {
      await browser.storage.local.set({ [lockdownActiveKey]: true });
      // The quiz page loaded before lockdown began: ask it to connect now.
      await browser.tabs.sendMessage(quizTabId, { type: 'quiz-guard-connect' }).catch(() => {});
    },
    /** Tells the quiz page which streams have stopped (an empty list: all are recording again). */
    streams(lostStreams: LostStream[]) {
      for (const port of ports) post(port, { type: 'streams', lostStreams });
    },
    async release() {
      for (const port of ports) {
        post(port, { type: 'release' });
        port.disconnect();
      }
      ports.clear();
      await browser.storage.local.remove(lockdownActiveKey);
    },
  };
}
