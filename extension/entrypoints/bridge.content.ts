// Lets a trusted tool page talk to the extension with window.postMessage: it answers pings and relays "check" and
// "start" to the background, which checks the page's origin again. Registered at run time, only on the origins in
// force (trust/bridge-registration.ts); it also checks the exact origin itself, since match patterns ignore ports.
import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { bridgeMessageFrom, bridgeSource, type BridgeMessage } from '../../models/bridge.ts';
import { send } from '../messaging/protocol.ts';
import { isTrusted } from '../trust/approved-origins.ts';

const errorReply = (error: unknown): BridgeMessage => ({ source: bridgeSource, type: 'error', message: error instanceof Error ? error.message : String(error) });
/** Injected into a frame just approved and also registered for it: one bridge per frame. */
const installed = Symbol.for('invigil-bridge');

export default defineContentScript({
  registration: 'runtime',
  matches: [],
  allFrames: true,
  runAt: 'document_start',
  async main() {
    const marked = globalThis as { [installed]?: true };
    if (marked[installed] || !(await isTrusted(window.location.origin))) return;
    marked[installed] = true;
    const reply = (message: BridgeMessage) => window.postMessage(message, window.location.origin);
    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      const m = bridgeMessageFrom(event);
      if (m?.type === 'ping') reply({ source: bridgeSource, type: 'pong', version: browser.runtime.getManifest().version });
      if (m?.type === 'check') {
        // The camera turns on only for a student's click, never for a script on its own.
        if (!navigator.userActivation?.isActive) return reply(errorReply(new Error('The camera check starts from a click on the page.')));
        void send('background', 'checkSetup').then((check) => reply({ source: bridgeSource, type: 'check-result', ...check }), (error) => reply(errorReply(error)));
      }
      if (m?.type === 'start') {
        void send('background', 'startAttempt', { apiBase: String(m.apiBase), startToken: String(m.startToken) })
          .then(({ attemptId }) => reply({ source: bridgeSource, type: 'started', attemptId }), (error) => reply(errorReply(error)));
      }
      return undefined;
    });
  },
});
