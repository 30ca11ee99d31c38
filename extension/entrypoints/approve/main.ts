// The approval window: the student allows (or not) one origin, named by the browser, to drive Invigil.
import { send } from '../../messaging/protocol.ts';

const params = new URLSearchParams(window.location.search);
const origin = params.get('origin') ?? '';
const tabId = Number(params.get('tab'));
const frameId = Number(params.get('frame'));
const result = document.getElementById('result')!;
document.getElementById('origin')!.textContent = origin;
document.title = `Allow ${origin}? – Invigil`;

document.getElementById('allow')!.addEventListener('click', () => {
  result.textContent = 'Allowing…';
  send('background', 'approveOrigin', { origin, tabId: Number.isInteger(tabId) ? tabId : undefined, frameId: Number.isInteger(frameId) ? frameId : undefined })
    .then(() => window.close(), (error: unknown) => {
      result.className = 'error';
      result.textContent = `Could not allow ${origin}: ${error instanceof Error ? error.message : String(error)}`;
    });
});
document.getElementById('deny')!.addEventListener('click', () => window.close());
