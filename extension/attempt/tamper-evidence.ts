// Evidence the server can check that the extension kept running: heartbeats every few seconds whose counter only
// grows (kept in storage, so a restarted worker goes on counting) and whose HMAC is keyed by the attempt token; and
// an uninstall address that tells the server if the extension is removed mid-attempt.
import { browser } from 'wxt/browser';
import { signHeartbeat } from '../../models/heartbeat.ts';
import type { ProctorState } from '../../models/contracts.ts';
import { ApiError, type AttemptApi } from './api.ts';
import type { ActiveAttempt } from './state.ts';
import { failed } from './failures.ts';

export const heartbeatMs = 5000;
const counterKey = 'heartbeatCounter';

async function nextCounter(attemptId: string) {
  const stored = (await browser.storage.local.get(counterKey))[counterKey] as { attemptId: string; counter: number } | undefined;
  const counter = stored?.attemptId === attemptId ? stored.counter + 1 : 1;
  await browser.storage.local.set({ [counterKey]: { attemptId, counter } });
  return counter;
}

/**
 * Sends one signed heartbeat. Resolves false when the server says the attempt is no longer running; a proctored
 * session's answer (what the proctor asks of the quiz page) goes to `onProctor`.
 */
export async function sendHeartbeat(attempt: ActiveAttempt, api: AttemptApi, onProctor?: (state: ProctorState) => void) {
  const beat = { counter: await nextCounter(attempt.attemptId), sentAt: Date.now() };
  try {
    const answer = await api.heartbeat({ ...beat, signature: await signHeartbeat(attempt.attemptToken, attempt.attemptId, beat) });
    if (answer.proctor) onProctor?.(answer.proctor);
    return true;
  } catch (error) {
    // 401 (token expired) and 403 (attempt finished or not ours) mean there is no attempt left to guard.
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return false;
    return true; // offline or a server hiccup: the next beat tries again
  }
}

export function startTamperEvidence(signal: AbortSignal, attempt: ActiveAttempt, api: AttemptApi, onAttemptGone: () => void, onProctor?: (state: ProctorState) => void) {
  void browser.runtime.setUninstallURL(attempt.removalUrl).catch(failed('setting the removal address'));
  const beat = async () => {
    if (!(await sendHeartbeat(attempt, api, onProctor)) && !signal.aborted) onAttemptGone();
  };
  const timer = setInterval(() => void beat().catch(failed('sending a heartbeat')), heartbeatMs);
  signal.addEventListener('abort', () => {
    clearInterval(timer);
    void browser.runtime.setUninstallURL('').catch(failed('clearing the removal address'));
  });
}
