// Lets a tool page talk to the extension with window.postMessage: it answers pings and relays "check" and "start"
// to the background, which checks that the page's origin is the server it names.
import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { bridgeSource, type BridgeMessage } from '../../models/bridge.ts';
import { send } from '../messaging/protocol.ts';

const errorReply = (error: unknown): BridgeMessage => ({ source: bridgeSource, type: 'error', message: error instanceof Error ? error.message : String(error) });

export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  runAt: 'document_start',
  main() {
    const reply = (message: BridgeMessage) => window.postMessage(message, window.location.origin);
    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (event.source !== window || event.origin !== window.location.origin) return;
      const m = event.data as Partial<BridgeMessage> | undefined;
      if (m?.source !== bridgeSource) return;
      if (m.type === 'ping') reply({ source: bridgeSource, type: 'pong', version: browser.runtime.getManifest().version });
      if (m.type === 'check') {
        void send('background', 'checkSetup').then((check) => reply({ source: bridgeSource, type: 'check-result', ...check }), (error) => reply(errorReply(error)));
      }
      if (m.type === 'start') {
        void send('background', 'startAttempt', { apiBase: String(m.apiBase), startToken: String(m.startToken) })
          .then(({ attemptId }) => reply({ source: bridgeSource, type: 'started', attemptId }), (error) => reply(errorReply(error)));
      }
    });
  },
});
