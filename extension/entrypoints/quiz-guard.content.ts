// Runs in every page, but acts only in the quiz tab of a running attempt: it starts the page lockdown rules and the
// overlay there, forwards what they report to the background, and lifts them when the attempt ends.
import { browser, type Browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { lockdownActiveKey, quizGuardPortName, type LostStream, type QuizGuardFromPage, type QuizGuardToPage } from '../attempt/messages.ts';
import { showOverlay } from '../lockdown/overlay.ts';
import { startPageLockdown } from '../lockdown/page-manager.ts';
import '../lockdown/page-rules/index.ts';

export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  runAt: 'document_start',
  main() {
    let port: Browser.runtime.Port | undefined;
    type Overlay = ReturnType<typeof showOverlay>;
    let guard: { stop(): void; overlay?: Overlay } | undefined;
    let lostStreams: LostStream[] = [];
    // Reports made while the background restarts wait here.
    const unsent: QuizGuardFromPage[] = [];

    const send = (message: QuizGuardFromPage) => {
      if (port) port.postMessage(message);
      else unsent.push(message);
    };
    const release = () => {
      guard?.stop();
      guard?.overlay?.remove();
      guard = undefined;
    };
    const onMessage = (message: unknown) => {
      const m = message as QuizGuardToPage;
      if (m.type === 'release') return release();
      if (m.type === 'lockdown' || m.type === 'streams') {
        lostStreams = m.lostStreams;
        guard?.overlay?.streams(lostStreams);
      }
      if (m.type === 'lockdown' && !guard) {
        const lockdown = startPageLockdown(m.pageRules, { report: (event, details) => send({ type: 'event', event, details }) });
        const onDocument = () => {
          const overlay = showOverlay({ labels: m.labels, onEnd: () => send({ type: 'end' }), onRestart: (stream) => send({ type: 'restart-stream', stream }) });
          overlay.streams(lostStreams);
          return overlay;
        };
        guard = { stop: lockdown.stop, overlay: document.body ? onDocument() : undefined };
        if (!document.body) {
          document.addEventListener('DOMContentLoaded', () => { if (guard) guard.overlay = onDocument(); }, { once: true });
        }
      }
      while (port && unsent.length) port.postMessage(unsent.shift());
    };
    const connect = () => {
      try {
        port = browser.runtime.connect({ name: quizGuardPortName });
      } catch {
        // The extension was disabled or removed: nothing of the lockdown may stay.
        return release();
      }
      port.onMessage.addListener(onMessage);
      port.onDisconnect.addListener(() => {
        port = undefined;
        // A restarted background answers again; an ended attempt answers "release".
        if (guard) setTimeout(connect, 1000);
      });
    };

    void browser.storage.local.get(lockdownActiveKey).then((stored) => { if (stored[lockdownActiveKey]) connect(); }, () => {});
    // Lockdown starting after this page loaded (the quiz tab opens before the rules start).
    browser.runtime.onMessage.addListener((message: unknown) => {
      if ((message as { type?: string })?.type === 'quiz-guard-connect' && !port) connect();
      return undefined;
    });
  },
});
