// The background's side of the quiz-guard content script: every page the quiz tab loads connects and is told which
// page rules to run; pages of other tabs are told there is nothing to do. Ending lockdown tells each page to let go.
import { browser, type Browser } from 'wxt/browser';
import type { ExtensionEventType } from '../../models/events.ts';
import type { StreamName } from '../../models/streams.ts';
import type { ProctorState } from '../../models/contracts.ts';
import { reportFailure } from '../attempt/failures.ts';
import {
  lockdownActiveKey, NoReceiverError, quizGuardPortName, sendToTab, typedPort, type LostStream, type QuizGuardFromPage, type QuizGuardToPage,
} from '../messaging/protocol.ts';

export type QuizPageLockdown = {
  quizTabId: number;
  pageRules: string[];
  labels: string[];
  lostStreams: LostStream[];
  report: (type: ExtensionEventType, details: Record<string, string | number | boolean>) => void;
  restartStream: (stream: StreamName) => void;
  /** The page shows the quiz's password prompt; `reply` answers that page (the password, or a notice). */
  passwordPrompt: (rejected: boolean, reply: (message: QuizGuardToPage) => void) => void;
  /** A page of the quiz tab says it is an attempt page. */
  attemptPage: () => void;
  /** The quiz's LMS adapter, by name. */
  adapter?: string;
  /** What the session's proctor asks of the page now (none outside a proctored session). */
  proctor?: ProctorState;
  acknowledge: (messageId: number) => void;
  end: () => void;
};

type GuardPort = ReturnType<typeof typedPort<QuizGuardFromPage, QuizGuardToPage>>;

export function serveQuizPages(current: () => QuizPageLockdown | undefined) {
  const ports = new Set<GuardPort>();
  return {
    /** Called when the worker starts, so a page connecting wakes it and is answered. */
    listen() {
      browser.runtime.onConnect.addListener((raw: Browser.runtime.Port) => {
        if (raw.name !== quizGuardPortName) return;
        const port = typedPort<QuizGuardFromPage, QuizGuardToPage>(raw);
        const tabId = raw.sender?.tab?.id;
        const lockdown = current();
        if (!lockdown || tabId !== lockdown.quizTabId) {
          port.post({ type: 'release' });
          raw.disconnect();
          return;
        }
        ports.add(port);
        raw.onDisconnect.addListener(() => ports.delete(port));
        port.onMessage((m) => {
          const now = current();
          if (!now || now.quizTabId !== tabId) return;
          if (m.type === 'event') now.report(m.event, m.details);
          if (m.type === 'restart-stream') now.restartStream(m.stream);
          if (m.type === 'password-prompt') now.passwordPrompt(m.rejected, (reply) => port.post(reply));
          if (m.type === 'attempt-page') now.attemptPage();
          if (m.type === 'acknowledge') now.acknowledge(m.messageId);
          if (m.type === 'end') now.end();
        });
        port.post({ type: 'lockdown', pageRules: lockdown.pageRules, labels: lockdown.labels, lostStreams: lockdown.lostStreams, adapter: lockdown.adapter });
        if (lockdown.proctor) port.post({ type: 'proctor', state: lockdown.proctor });
      });
    },
    async begin(quizTabId: number) {
      await browser.storage.local.set({ [lockdownActiveKey]: true });
      // The quiz page loaded before lockdown began: ask it to connect now (a page still loading connects by itself).
      await sendToTab(quizTabId, 'connectGuard').catch((error: unknown) => {
        if (!(error instanceof NoReceiverError)) reportFailure('asking the quiz page to connect', error);
      });
    },
    /** Tells the quiz page what the proctor asks of it now. */
    proctor(state: ProctorState) {
      for (const port of ports) port.post({ type: 'proctor', state });
    },
    /** Tells the quiz page which streams have stopped (an empty list: all are recording again). */
    streams(lostStreams: LostStream[]) {
      for (const port of ports) port.post({ type: 'streams', lostStreams });
    },
    async release() {
      for (const port of ports) {
        port.post({ type: 'release' });
        port.port.disconnect();
      }
      ports.clear();
      await browser.storage.local.remove(lockdownActiveKey);
    },
  };
}
