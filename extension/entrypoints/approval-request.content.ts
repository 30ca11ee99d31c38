// On every page, listens for one thing only: a page asking, on the student's click, that Invigil be allowed on its
// origin. It never answers (a page cannot learn that Invigil is installed from it); the background opens the
// extension's own approval window, which names the origin the browser reports, not one the page claims.
import { defineContentScript } from 'wxt/utils/define-content-script';
import { bridgeMessageFrom } from '../../models/bridge.ts';
import { failed } from '../attempt/failures.ts';
import { send } from '../messaging/protocol.ts';

export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  allFrames: true,
  runAt: 'document_start',
  main() {
    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (bridgeMessageFrom(event)?.type !== 'request-approval' || !navigator.userActivation?.isActive) return;
      void send('background', 'requestApproval').catch(failed('asking the student to approve a site'));
    });
  },
});
