// The toolbar popup: what is being recorded, and a way to end the attempt.
import { browser } from 'wxt/browser';
import type { RecorderStatus } from '../../attempt/messages.ts';

const summary = document.getElementById('summary')!;
const finish = document.getElementById('finish') as HTMLButtonElement;

type Status = { attempt: { id: string; quizUrl: string; rules: string[] } | null; recorder?: RecorderStatus };

async function refresh() {
  const s = (await browser.runtime.sendMessage({ target: 'background', type: 'status' })) as Status;
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

finish.addEventListener('click', async () => {
  finish.disabled = true;
  summary.textContent = 'Finishing: uploading the rest of the recording…';
  await browser.runtime.sendMessage({ target: 'background', type: 'finish' });
  await refresh();
});

void refresh();
