// The attempt's state machine: start (from the tool page's bridge), lockdown rules, the recorder page, and finish
// (on quiz submission or the popup's Finish button).
import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { bridgeSource, type BridgeMessage } from '../../models/bridge.ts';
import { ApiError, createAttemptApi, startAttempt, type AttemptApi } from '../attempt/api.ts';
import { createEventQueue, type EventQueue } from '../attempt/event-queue.ts';
import type { BackgroundCommand, LostStream, RecorderCommand, RecorderStatus } from '../attempt/messages.ts';
import type { StreamName } from '../../models/contracts.ts';
import { bandwidthProbeBytes, type RecordingRung } from '../../models/recording.ts';
import { clearAttempt, loadAttempt, saveAttempt, takeSegmentNumber, updateAttempt, type ActiveAttempt } from '../attempt/state.ts';
import { sendHeartbeat, startTamperEvidence } from '../attempt/tamper-evidence.ts';
import { withRetry } from '../attempt/api.ts';
import { releaseLeftovers, startLockdown, workerStarted, type Lockdown } from '../lockdown/manager.ts';
import { serveQuizPages } from '../lockdown/quiz-pages.ts';
import '../lockdown/rules/index.ts';
import { lockdownRuleLabels, pageRuleNames } from '../../models/lockdown.ts';
import { adapterFor } from '../lms/adapters.ts';
import type { SetupCheck } from '../detection/setup-check.ts';
import { flagKinds } from '../../models/flags.ts';

const recorderPath = '/recorder.html';

async function openRecorder() {
  if (browser.offscreen) {
    const existing = await browser.runtime.getContexts?.({ contextTypes: ['OFFSCREEN_DOCUMENT' as never] });
    if (existing?.length) return;
    await browser.offscreen.createDocument({
      url: recorderPath,
      reasons: ['USER_MEDIA', 'DISPLAY_MEDIA'] as never,
      justification: 'Records the webcam and screen during a proctored quiz attempt and checks webcam frames on the device.',
    });
  } else {
    // Firefox has no offscreen documents: the recorder runs in a pinned tab.
    const [tab] = await browser.tabs.query({ url: browser.runtime.getURL(recorderPath) });
    if (!tab) await browser.tabs.create({ url: browser.runtime.getURL(recorderPath), pinned: true, active: false });
  }
}

async function closeRecorder() {
  if (browser.offscreen) {
    await browser.offscreen.closeDocument().catch(() => {});
  } else {
    const tabs = await browser.tabs.query({ url: browser.runtime.getURL(recorderPath) });
    await browser.tabs.remove(tabs.map((t) => t.id!)).catch(() => {});
  }
}

/** Sends to the recorder page, waiting for it to load and answer. */
async function tellRecorder<T>(command: RecorderCommand, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const answer = await browser.runtime.sendMessage(command);
      if (answer !== undefined) return answer as T;
    } catch {
      // Not loaded yet.
    }
    if (Date.now() > deadline) throw new Error('The recorder did not answer.');
    await new Promise((r) => setTimeout(r, 200));
  }
}

type Running = { attempt: ActiveAttempt; events: EventQueue; lockdown: Lockdown; tamper: AbortController; lostStreams: Map<StreamName, LostStream>; api: AttemptApi };
let running: Running | undefined;
let finishing: Promise<void> | undefined;

let quizPages: ReturnType<typeof serveQuizPages>;
const quizPageLockdown = () => running && {
  quizTabId: running.attempt.quizTabId!,
  pageRules: running.lockdown.chosen.filter((r) => pageRuleNames.includes(r)),
  labels: running.lockdown.chosen.map((r) => lockdownRuleLabels[r]),
  lostStreams: [...running.lostStreams.values()],
  report: running.events.report,
  restartStream: (stream: StreamName) => void restartStream(stream),
  end: () => void finish('ended from the quiz page'),
};

async function begin(attempt: ActiveAttempt) {
  const api = createAttemptApi(attempt);
  const events = createEventQueue(api);
  const lockdown = await startLockdown({
    quizTabId: attempt.quizTabId!, quizUrl: attempt.quizUrl, settings: attempt.settings, report: events.report,
    flag: (flag) => void withRetry(() => api.flags([flag]), { maxDelayMs: 10_000 }).catch(() => {}),
  });
  const tamper = new AbortController();
  running = { attempt, events, lockdown, tamper, lostStreams: new Map(), api };
  startTamperEvidence(tamper.signal, attempt, api, () => void endLocally('the server says the attempt is no longer running'));
  await quizPages.begin(attempt.quizTabId!);
  const rules = activeRules(running);
  events.report('lockdown_started', { rules: rules.join(','), summary: `Lockdown started: ${rules.join(', ') || 'no rules'}.` });
}

const streamNames: Record<StreamName, string> = { webcam: 'webcam', screen: 'screen share' };

/** A stream ended by itself: the student is told at once (the quiz may pause), and the stop is flagged. */
function streamEnded(stream: StreamName, at: number) {
  if (!running || running.lostStreams.has(stream)) return;
  const pause = running.attempt.settings.pauseOnStreamLoss;
  running.lostStreams.set(stream, { stream, since: at, pause });
  running.events.report('stream_ended', { stream, summary: `The ${streamNames[stream]} stopped (camera unplugged, permission withdrawn or sharing stopped)${pause ? '; the quiz was hidden until it restarted' : ''}.` });
  reportStreamFlag(stream, at, at);
  quizPages.streams([...running.lostStreams.values()]);
}

function reportStreamFlag(stream: StreamName, startedAt: number, endedAt: number) {
  const api = running?.api;
  if (!api) return;
  void withRetry(() => api.flags([{
    id: `stream-lost-${stream}-${startedAt}`, type: 'stream_lost', severity: flagKinds.stream_lost.severity, startedAt, endedAt,
    explanation: { model: 'browser media track', thresholds: {}, scores: [], samples: 1, samplesHeld: 1, summary: `The ${streamNames[stream]} stopped recording.` },
  }]), { maxDelayMs: 10_000 }).catch(() => {});
}

/** The student asked to restart a stopped stream: it records again in a new segment. */
async function restartStream(stream: StreamName) {
  const lost = running?.lostStreams.get(stream);
  if (!running || !lost) return;
  const answer = await tellRecorder<{ ok: boolean; error?: string }>({ target: 'recorder', type: 'restart-stream', stream, segment: await takeSegmentNumber() }, 60_000)
    .catch((error: Error) => ({ ok: false, error: error.message }));
  if (!running) return;
  if (!answer.ok) {
    running.lostStreams.set(stream, { ...lost, error: answer.error ?? 'it could not be opened' });
  } else {
    running.lostStreams.delete(stream);
    const now = Date.now();
    running.events.report('stream_restarted', { stream, summary: `The ${streamNames[stream]} recorded again after ${Math.round((now - lost.since) / 1000)} s.` });
    reportStreamFlag(stream, lost.since, now);
  }
  quizPages.streams([...running.lostStreams.values()]);
}

/** Background rules that started, and the page rules the quiz page runs. */
function activeRules(r: Running) {
  return [...r.lockdown.active, ...r.lockdown.chosen.filter((name) => pageRuleNames.includes(name))];
}

/** Lifts every lock and forgets the attempt, without telling the server (it already knows, or cannot be told). */
async function release() {
  running?.lockdown.stop();
  running?.tamper.abort();
  await quizPages.release();
  await releaseLeftovers();
}

async function start(apiBase: string, startToken: string) {
  if (running) throw new Error('An attempt is already running in this browser. Finish it first.');
  const started = await startAttempt(apiBase, startToken);
  const attempt: ActiveAttempt = {
    apiBase, attemptId: started.attempt.id, attemptToken: started.attemptToken, expiresAt: started.attempt.expiresAt,
    quizUrl: started.attempt.quizUrl, settings: started.attempt.settings, disabledFlags: started.attempt.disabledFlags, startedAt: Date.now(), nextSegment: 0,
    removalUrl: started.attempt.removalUrl,
    recordingRung: await checkBandwidth(createAttemptApi({ apiBase, attemptId: started.attempt.id, attemptToken: started.attemptToken })),
  };
  await saveAttempt(attempt);
  await openRecorder();
  const recorder = await tellRecorder<{ ok: boolean; error?: string }>({ target: 'recorder', type: 'start', attempt, segment: await takeSegmentNumber() });
  if (!recorder.ok) {
    // Without recording there is no proctored attempt: say why, and leave nothing running.
    await createAttemptApi(attempt).events([{ id: `${attempt.attemptId}-recorder`, type: 'recorder_failed', at: Date.now(), details: { message: recorder.error ?? '' } }]).catch(() => {});
    await clearAttempt();
    await closeRecorder();
    throw new Error(`Recording could not start: ${recorder.error}`);
  }
  const quizTab = await browser.tabs.create({ url: attempt.quizUrl, active: true });
  // Merged into what is stored: the recorder start above already moved the segment counter on.
  const withTab = await updateAttempt({ quizTabId: quizTab.id });
  await begin(withTab);
  return withTab;
}

/** The bandwidth ladder's check: a failed check records reduced video rather than risk a backlog. */
async function checkBandwidth(api: AttemptApi): Promise<RecordingRung> {
  try {
    return (await api.bandwidth(bandwidthProbeBytes)).rung;
  } catch (error) {
    console.warn('[invigil] bandwidth check failed:', (error as Error).message);
    return 'reduced';
  }
}

/** The pre-exam camera check runs in the recorder page, which owns the camera. */
async function checkSetup() {
  await openRecorder();
  const answer = await tellRecorder<{ ok: boolean; check?: SetupCheck; error?: string }>({ target: 'recorder', type: 'check' }, 60_000);
  if (!answer.ok || !answer.check) throw new Error(answer.error ?? 'The camera check failed.');
  if (!running) await closeRecorder();
  return answer.check;
}

async function finish(reason: string) {
  finishing ??= (async () => {
    const current = running;
    if (!current) return;
    current.events.report('attempt_finishing', { reason, summary: `The attempt ended: ${reason}.` });
    await release();
    try {
      await tellRecorder({ target: 'recorder', type: 'stop' }, 10 * 60_000);
    } catch (error) {
      current.events.report('recorder_stop_failed', { message: String((error as Error).message) });
    }
    await current.events.stop();
    await createAttemptApi(current.attempt).finish();
    running = undefined;
    await clearAttempt();
    await closeRecorder();
  })().finally(() => { finishing = undefined; });
  return finishing;
}

/** The server ended the attempt (or it expired): unlock the browser and stop recording what nobody will accept. */
async function endLocally(reason: string) {
  if (!running) return;
  console.warn(`[invigil] ${reason}: releasing the lockdown.`);
  await release();
  await tellRecorder({ target: 'recorder', type: 'stop' }, 60_000).catch(() => {});
  await running?.events.stop().catch(() => {});
  running = undefined;
  await clearAttempt();
  await closeRecorder();
}

export default defineBackground(() => {
  // Listeners that must see connections from the worker's first moment.
  quizPages = serveQuizPages(quizPageLockdown);
  workerStarted();
  browser.runtime.onMessage.addListener((message: unknown, sender) => {
    const m = message as (BridgeMessage & { target?: undefined }) | BackgroundCommand;
    if ('source' in m && m.source === bridgeSource && m.type === 'start') {
      // A tool page may only point the extension at its own server.
      const pageOrigin = sender.tab?.url ? new URL(sender.tab.url).origin : sender.origin;
      if (!pageOrigin || new URL(m.apiBase).origin !== pageOrigin) {
        return Promise.resolve({ source: bridgeSource, type: 'error', message: 'This page may not start an attempt on another server.' });
      }
      return start(m.apiBase, m.startToken).then(
        (attempt) => ({ source: bridgeSource, type: 'started', attemptId: attempt.attemptId }),
        (error) => console.error('[invigil] start failed:', error) ?? ({ source: bridgeSource, type: 'error', message: error instanceof ApiError || error instanceof Error ? error.message : String(error) }),
      );
    }
    if ('source' in m && m.source === bridgeSource && m.type === 'check') {
      return checkSetup().then(
        (check) => ({ source: bridgeSource, type: 'check-result', ...check }),
        (error: Error) => ({ source: bridgeSource, type: 'error', message: error.message }),
      );
    }
    if ('target' in m && m.target === 'background') {
      if (m.type === 'finish') return finish('finished from the extension').then(() => ({ finished: true }));
      if (m.type === 'status') {
        return (running ? tellRecorder<RecorderStatus>({ target: 'recorder', type: 'status' }, 2000).catch(() => undefined) : Promise.resolve(undefined))
          .then((recorder) => ({ attempt: running?.attempt ? { id: running.attempt.attemptId, quizUrl: running.attempt.quizUrl, rules: activeRules(running) } : null, recorder }));
      }
      if (m.type === 'recorder-error') running?.events.report('recorder_error', { message: m.message });
      if (m.type === 'stream-ended') streamEnded(m.stream, m.at);
      if (m.type === 'keepalive') return Promise.resolve({ alive: true });
    }
    return undefined;
  });

  // The quiz's LMS tells us when the attempt was submitted.
  browser.tabs.onUpdated.addListener((tabId, change) => {
    if (!running || tabId !== running.attempt.quizTabId || !change.url) return;
    const adapter = adapterFor(running.attempt.quizUrl);
    if (adapter?.isSubmitted(new URL(change.url))) void finish(`quiz submitted (${adapter.name})`);
  });
  browser.tabs.onRemoved.addListener((tabId) => {
    if (running && tabId === running.attempt.quizTabId) running.events.report('quiz_tab_closed');
  });

  // A restarted service worker resumes the attempt it was running, if the server says it still runs; without one,
  // whatever a crashed attempt left locked is unlocked.
  void loadAttempt().then(async (attempt) => {
    if (running) return;
    if (!attempt || attempt.quizTabId === undefined || !(await sendHeartbeat(attempt, createAttemptApi(attempt)))) {
      if (attempt) await clearAttempt();
      await quizPages.release();
      await releaseLeftovers();
      return;
    }
    await openRecorder();
    // A recorder that kept running keeps its segment; one that was lost starts a new segment.
    const recorder = await tellRecorder<RecorderStatus>({ target: 'recorder', type: 'status' });
    if (!recorder.recording.length) await tellRecorder({ target: 'recorder', type: 'start', attempt, segment: await takeSegmentNumber() });
    await begin(attempt);
  });
});
