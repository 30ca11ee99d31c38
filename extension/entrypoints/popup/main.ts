// The toolbar popup: what is being recorded, and a way to end the attempt.
import { failed } from '../../attempt/failures.ts';
import { send } from '../../messaging/protocol.ts';

const summary = document.getElementById('summary')!;
const finish = document.getElementById('finish') as HTMLButtonElement;

async function refresh() {
  const s = await send('background', 'status');
  if (!s.attempt) {
    summary.textContent = 'No proctored attempt is running.';
    finish.hidden = true;
    return;
  }
  const r = s.recorder;
  summary.textContent = `Proctoring is on (${s.attempt.rules.join(', ') || 'no lockdown rules'}). `
    + (r ? `Recording ${r.recording.join(' and ') || 'nothing'}; ${r.uploadedChunks} chunks uploaded, ${r.pendingChunks} waiting.` : '');
  finish.hidden = false;
}

finish.addEventListener('click', () => {
  finish.disabled = true;
  summary.textContent = 'Finishing: uploading the rest of the recording…';
  void send('background', 'finish').then(refresh).catch((error: unknown) => {
    summary.textContent = `Could not finish: ${error instanceof Error ? error.message : String(error)}`;
    finish.disabled = false;
  });
});

void refresh().catch(failed('showing the attempt in the popup'));
