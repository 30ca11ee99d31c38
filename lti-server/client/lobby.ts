// The lobby: asks every few seconds whether the proctor started the session, and moves on to the quiz's start when
// they have. The status line is a live region, so a screen reader hears the change.
import { byId, pageData } from './page-data.ts';

type LobbyConfig = { statusUrl: string; takeUrl: string };
type LobbyStatus = { started: boolean; status: string; label: string; ended: boolean };

const config = pageData<LobbyConfig>('invigil-lobby');
const line = byId('lobby-status');
const badge = byId('participant-status');

async function poll() {
  try {
    const response = await fetch(config.statusUrl, { headers: { accept: 'application/json' }, cache: 'no-store' });
    if (!response.ok) throw new Error(String(response.status));
    const state = (await response.json()) as LobbyStatus;
    badge.textContent = state.label;
    if (state.ended) {
      line.textContent = 'The session has ended.';
      return;
    }
    if (state.started) {
      line.textContent = 'Your proctor started the session. In Session: opening the quiz start…';
      window.location.assign(config.takeUrl);
      return;
    }
    line.textContent = 'Waiting for your proctor to start the session.';
  } catch {
    line.textContent = 'Waiting for your proctor to start the session. (The connection dropped for a moment; still trying.)';
  }
  setTimeout(() => void poll(), 3000);
}
void poll();
