// The toolbar popup: what is being recorded, a way to end the attempt, and the sites allowed to start exams.
import { failed } from '../../attempt/failures.ts';
import { send } from '../../messaging/protocol.ts';

const summary = document.getElementById('summary')!;
const finish = document.getElementById('finish') as HTMLButtonElement;
const trusted = document.getElementById('trusted')!;
const trustNote = document.getElementById('trust-note')!;

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

async function showTrust() {
  const trust = await send('background', 'trust');
  trustNote.textContent = trust.source === 'policy'
    ? 'Your institution manages this list.'
    : trust.origins.length ? 'You allowed these sites. Taking one back stops it starting or resuming exams; an exam running now goes on until you finish it.' : 'None yet: a site asks when it first starts an exam.';
  trusted.replaceChildren(...trust.origins.map((origin) => {
    const item = document.createElement('li');
    const name = document.createElement('span');
    name.textContent = origin;
    item.append(name);
    if (trust.source === 'student') {
      const revoke = document.createElement('button');
      revoke.type = 'button';
      revoke.className = 'quiet';
      revoke.textContent = 'Revoke';
      revoke.setAttribute('aria-label', `Revoke ${origin}`);
      revoke.dataset.origin = origin;
      revoke.addEventListener('click', () => void send('background', 'revokeOrigin', { origin }).then(showTrust).catch(failed('revoking a site')));
      item.append(revoke);
    }
    return item;
  }));
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
void showTrust().catch(failed('showing the allowed sites'));
