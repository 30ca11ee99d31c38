// Runs in every page, but acts only in the quiz tab of a running attempt: it starts the page lockdown rules and the
// overlay there, forwards what they report to the background, and lifts them when the attempt ends. In the quiz
// tab's frames (New Quizzes' legacy iframe holds the quiz) it only watches for the access-code prompt.
import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { failed } from '../attempt/failures.ts';
import { showOverlay } from '../lockdown/overlay.ts';
import { startPageLockdown } from '../lockdown/page-manager.ts';
import '../lockdown/page-rules/index.ts';
import { adapterFor, adapterNamed } from '../lms/adapters.ts';
import type { ProctorState } from '../../models/contracts.ts';
import { watchPasswordPrompt } from '../lms/password-prompt.ts';
import {
  lockdownActiveKey, quizGuardPortName, serve, typedPort, type LostStream, type QuizGuardFromPage, type QuizGuardToPage,
} from '../messaging/protocol.ts';

export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  allFrames: true,
  runAt: 'document_start',
  main() {
    let port: ReturnType<typeof typedPort<QuizGuardToPage, QuizGuardFromPage>> | undefined;
    type Overlay = ReturnType<typeof showOverlay>;
    let guard: { stop(): void; overlay?: Overlay; gate?: ReturnType<typeof watchPasswordPrompt> } | undefined;
    let gateNotice = '';
    let lostStreams: LostStream[] = [];
    let proctor: ProctorState | undefined;
    // Reports made while the background restarts wait here.
    const unsent: QuizGuardFromPage[] = [];

    const send = (message: QuizGuardFromPage) => {
      if (port) port.post(message);
      else unsent.push(message);
    };
    const release = () => {
      guard?.gate?.stop();
      guard?.stop();
      guard?.overlay?.remove();
      guard = undefined;
    };
    const onMessage = (m: QuizGuardToPage) => {
      if (m.type === 'release') return release();
      if (m.type === 'password') return guard?.gate?.type(m.password);
      if (m.type === 'gate') {
        gateNotice = m.notice;
        return guard?.overlay?.gate(gateNotice);
      }
      if (m.type === 'proctor') {
        proctor = m.state;
        return guard?.overlay?.proctor(proctor);
      }
      lostStreams = m.lostStreams;
      guard?.overlay?.streams(lostStreams);
      const gateWatcher = () => watchPasswordPrompt(m.type === 'lockdown' && m.adapter ? adapterNamed(m.adapter) : adapterFor(location.href), {
        prompt: (rejected) => send({ type: 'password-prompt', rejected }),
        typed: () => guard?.overlay?.gate('Invigil entered the quiz password. Starting the quiz…'),
        attemptPage: () => send({ type: 'attempt-page' }),
      });
      // A frame of the quiz tab: the prompt watcher only (no rules, no bar inside someone's iframe).
      if (m.type === 'lockdown' && !guard && window !== window.top) guard = { stop: () => undefined, gate: gateWatcher() };
      if (m.type === 'lockdown' && !guard) {
        const lockdown = startPageLockdown(m.pageRules, { report: (event, details) => send({ type: 'event', event, details }) });
        const onDocument = () => {
          const overlay = showOverlay({
            labels: m.labels, onEnd: () => send({ type: 'end' }), onRestart: (stream) => send({ type: 'restart-stream', stream }),
            onAcknowledge: (messageId) => send({ type: 'acknowledge', messageId }),
          });
          overlay.streams(lostStreams);
          overlay.gate(gateNotice);
          if (proctor) overlay.proctor(proctor);
          return overlay;
        };
        guard = {
          stop: lockdown.stop, overlay: document.body ? onDocument() : undefined,
          gate: gateWatcher(),
        };
        if (!document.body) {
          document.addEventListener('DOMContentLoaded', () => { if (guard) guard.overlay = onDocument(); }, { once: true });
        }
      }
      for (let next = unsent.shift(); port && next; next = unsent.shift()) port.post(next);
    };
    const connect = () => {
      try {
        port = typedPort<QuizGuardToPage, QuizGuardFromPage>(browser.runtime.connect({ name: quizGuardPortName }));
      } catch {
        // The extension was disabled or removed (connect throws): nothing of the lockdown may stay.
        return release();
      }
      port.onMessage(onMessage);
      port.port.onDisconnect.addListener(() => {
        port = undefined;
        // A restarted background answers again; an ended attempt answers "release".
        if (guard) setTimeout(connect, 1000);
      });
    };

    // The lockdown's end reaches every page through storage too, whatever became of its port (a page that connected
    // while the attempt was ending, a message lost to the disconnect): no bar outlives the attempt.
    browser.storage.onChanged.addListener((changes, area) => {
      if (area === 'local' && lockdownActiveKey in changes && !changes[lockdownActiveKey].newValue) release();
    });
    void browser.storage.local.get(lockdownActiveKey).then((stored) => { if (stored[lockdownActiveKey]) connect(); }, failed('reading whether lockdown runs'));
    // Lockdown starting after this page loaded (the quiz tab opens before the rules start).
    serve('quiz-page', {
      connectGuard: () => {
        if (!port) connect();
        return undefined;
      },
    });
  },
});
