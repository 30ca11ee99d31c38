// Lets a tool page talk to the extension with window.postMessage: it answers pings and relays "start".
import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { bridgeSource, type BridgeMessage } from '../../models/bridge.ts';

export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  runAt: 'document_start',
  main() {
    const reply = (message: BridgeMessage) => window.postMessage(message, window.location.origin);
    window.addEventListener('message', async (event) => {
      if (event.source !== window || event.origin !== window.location.origin) return;
      const m = event.data as BridgeMessage | undefined;
      if (m?.source !== bridgeSource) return;
      if (m.type === 'ping') reply({ source: bridgeSource, type: 'pong', version: browser.runtime.getManifest().version });
      if (m.type === 'check') {
        const answer = await browser.runtime.sendMessage({ source: bridgeSource, type: 'check' })
          .catch((error: Error) => ({ source: bridgeSource, type: 'error', message: error.message }));
        reply(answer as BridgeMessage);
      }
      if (m.type === 'start') {
        const answer = await browser.runtime.sendMessage({ source: bridgeSource, type: 'start', apiBase: String(m.apiBase), startToken: String(m.startToken) })
          .catch((error: Error) => ({ source: bridgeSource, type: 'error', message: error.message }));
        reply(answer as BridgeMessage);
      }
    });
  },
});
