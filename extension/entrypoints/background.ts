// The background: the attempt's state machine (attempt/machine.ts) with the steps that start, resume and end an
// attempt — the server, the recorder page, the quiz tab, lockdown rules and heartbeats — and the messages that
// drive it (messaging/protocol.ts) from the tool page's bridge, the recorder, the popup and the quiz page.
import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { flagKinds } from '../../models/flags.ts';
import { lockdownRuleLabels, pageRuleNames } from '../../models/lockdown.ts';
import { bandwidthProbeBytes, type RecordingRung } from '../../models/recording.ts';
import { streamLabels, type StreamName } from '../../models/streams.ts';
import type { ProctorState } from '../../models/contracts.ts';
import { ApiError, createAttemptApi, startAttempt, withRetry, type AttemptApi } from '../attempt/api.ts';
import { createEventQueue, type EventQueue } from '../attempt/event-queue.ts';
import { failed, recordFailuresWith, reportFailure } from '../attempt/failures.ts';
import { createAttemptMachine } from '../attempt/machine.ts';
import { closeRecorder, openRecorder, tellRecorder } from '../attempt/recorder-page.ts';
import { clearAttempt, loadAttempt, saveAttempt, takeSegmentNumber, updateAttempt, type ActiveAttempt } from '../attempt/state.ts';
import { sendHeartbeat, startTamperEvidence } from '../attempt/tamper-evidence.ts';
import { adapterFor } from '../lms/adapters.ts';
import { releaseLeftovers, startLockdown, workerStarted, type Lockdown } from '../lockdown/manager.ts';
import { serveQuizPages } from '../lockdown/quiz-pages.ts';
import '../lockdown/rules/index.ts';
import { serve, type LostStream, type QuizGuardToPage } from '../messaging/protocol.ts';
import { originOf } from '../../models/origins.ts';
import { approveOrigin, currentTrust, isTrusted, onTrustChanged, revokeOrigin } from '../trust/approved-origins.ts';
import { requestApproval } from '../trust/approval-requests.ts';
import { injectBridge, syncBridge } from '../trust/bridge-registration.ts';
import { requireExtensionPage, requireTrustedPage } from '../trust/senders.ts';

/** A running attempt: what the steps below brought up. */
type Run = {
  attempt: ActiveAttempt; api: AttemptApi; events: EventQueue; lockdown: Lockdown; lostStreams: Map<StreamName, LostStream>;
  /** Settles once the attempt's signal aborted and every lock (quiz pages, rules' leftovers) was lifted. */
  released: Promise<void>;
  /** The quiz tab has been on an attempt page of the LMS (so a later landing on the front page may mean "submitted"). */
  attemptSeen: boolean;
  /** The last page the quiz tab committed in this run. */
  lastQuizPage?: URL;
  signal: AbortSignal;
  /** The quiz gate in this run: how often the password was typed, and whether its outcome was told to the server. */
  gate: { typings: number; outcomeReported: boolean; rejectedReported: boolean };
  /** Brought back after the browser or the worker restarted (the LMS may remember the password it was given). */
  resumed: boolean;
  /** The session proctor's last word (pause, messages), and messages acknowledged but not yet gone from it. */
  proctor?: ProctorState;
  acknowledged: Set<number>;
};

const quizPages = serveQuizPages(() => {
  const run = machine.current;
  if (!run || machine.phase !== 'running') return undefined;
  return {
    quizTabId: run.attempt.quizTabId!,
    pageRules: run.lockdown.chosen.filter((r) => pageRuleNames.includes(r)),
    labels: run.lockdown.chosen.map((r) => lockdownRuleLabels[r]),
    lostStreams: [...run.lostStreams.values()],
    report: run.events.report,
    restartStream: (stream: StreamName) => void restartStream(run, stream).catch(failed('restarting a stream')),
    passwordPrompt: (rejected, reply) => void answerPasswordPrompt(run, rejected, reply).catch(failed('entering the quiz password')),
    attemptPage: () => {
      run.attemptSeen = true;
      attemptOpened(run, undefined);
    },
    adapter: adapterFor(run.attempt.quizUrl)?.name,
    proctor: run.proctor && shownProctorState(run, run.proctor),
    acknowledge: (messageId: number) => acknowledgeMessage(run, messageId),
    end: () => void machine.finish('ended from the quiz page').catch(failed('finishing from the quiz page')),
  };
});

/** Background rules that started, and the page rules the quiz page runs. */
const activeRules = (run: Run) => [...run.lockdown.active, ...run.lockdown.chosen.filter((name) => pageRuleNames.includes(name))];

const reportFlag = (api: AttemptApi, flag: Parameters<AttemptApi['flags']>[0][number]) =>
  void withRetry(() => api.flags([flag]), { maxDelayMs: 10_000 }).catch(failed(`reporting a ${flag.type} flag`));

/** Lockdown, heartbeats and the quiz page's guard for an attempt whose recorder runs; all stop when `signal` aborts. */
async function lockDown(attempt: ActiveAttempt, signal: AbortSignal, resumed = false): Promise<Run> {
  const api = createAttemptApi(attempt);
  const events = createEventQueue(api);
  const stopRecordingFailures = recordFailuresWith((where, message) => events.report('extension_error', { where, message, summary: `The extension could not finish ${where}: ${message}` }));
  const lockdown = await startLockdown({
    quizTabId: attempt.quizTabId!, quizUrl: attempt.quizUrl, toolOrigin: new URL(attempt.apiBase).origin, settings: attempt.settings, report: events.report,
    flag: (flag) => reportFlag(api, flag),
  });
  const released = new Promise<void>((resolve) => signal.addEventListener('abort', () => {
    lockdown.stop();
    stopRecordingFailures();
    resolve(quizPages.release().then(releaseLeftovers).catch(failed('releasing the lockdown')));
  }, { once: true }));
  const run: Run = {
    attempt, api, events, lockdown, lostStreams: new Map(), released, attemptSeen: false, signal, resumed,
    gate: { typings: 0, outcomeReported: false, rejectedReported: false }, acknowledged: new Set(),
  };
  startTamperEvidence(signal, attempt, api, () => void machine.endLocally('the server says the attempt is no longer running').catch(failed('ending the attempt locally')),
    (state) => proctorSaid(run, state));
  if (signal.aborted) throw new Error('The attempt ended while it was starting.');
  return run;
}

/** The state the quiz page shows: messages the student acknowledged stay hidden while the server catches up. */
const shownProctorState = (run: Run, state: ProctorState): ProctorState => ({ ...state, messages: state.messages.filter((m) => !run.acknowledged.has(m.id)) });

/** A heartbeat's answer in a proctored session: the page is told what changed; an attempt the proctor ended ends. */
function proctorSaid(run: Run, state: ProctorState) {
  if (state.endedByProctor) {
    void machine.finish('ended by the session proctor').catch(failed('finishing the attempt the proctor ended'));
    return;
  }
  const ids = new Set(state.messages.map((m) => m.id));
  for (const id of run.acknowledged) if (!ids.has(id)) run.acknowledged.delete(id);
  const shown = shownProctorState(run, state);
  const changed = JSON.stringify(shown) !== JSON.stringify(run.proctor && shownProctorState(run, run.proctor));
  run.proctor = state;
  if (changed) quizPages.proctor(shown);
}

function acknowledgeMessage(run: Run, messageId: number) {
  run.acknowledged.add(messageId);
  if (run.proctor) quizPages.proctor(shownProctorState(run, run.proctor));
  void withRetry(() => run.api.acknowledge(messageId), { signal: run.signal, maxDelayMs: 10_000 }).catch(failed('acknowledging the proctor\'s message'));
}

/** Waits for the server to hand out the quiz password: it does once this attempt's recording reached it. */
async function gatePassword(api: AttemptApi, signal: AbortSignal) {
  for (let attempt = 0; !signal.aborted; attempt++) {
    try {
      return (await api.gatePassword()).password;
    } catch (error) {
      // 409: no recording has arrived yet. Anything else permanent will not change by asking again.
      if (error instanceof ApiError && error.permanent && error.status !== 409) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 1000 + 500 * attempt)));
    }
  }
  throw new Error('The attempt ended before the quiz password was given.');
}

/** Most times one run types the password (a prompt that keeps coming back means something else is wrong). */
const mostTypings = 3;

/** The quiz asks for its password: type the gate's, or say why not (never retrying a password the quiz refused). */
async function answerPasswordPrompt(run: Run, rejected: boolean, reply: (message: QuizGuardToPage) => void) {
  if (rejected && run.gate.typings > 0) {
    reply({ type: 'gate', notice: 'The quiz did not accept the password Invigil entered. Your instructor has been told. Ask them to check the quiz password shown in Invigil, then open the quiz again from Invigil.' });
    if (!run.gate.rejectedReported) {
      run.gate.rejectedReported = true;
      void withRetry(() => run.api.gateResult({ result: 'rejected' }), { signal: run.signal, maxDelayMs: 10_000 }).catch(failed('reporting the refused quiz password'));
    }
    return;
  }
  if (run.gate.typings >= mostTypings) return;
  reply({ type: 'gate', notice: 'Invigil enters the quiz password as soon as your recording reaches the server…' });
  const password = await gatePassword(run.api, run.signal);
  run.gate.typings += 1;
  reply({ type: 'password', password });
}

/** The quiz tab reached an attempt page: the gate let the student in (or there was none), once per run. */
function attemptOpened(run: Run, lmsAttemptId: string | undefined) {
  if (run.gate.outcomeReported) return;
  // A resumed run may find the LMS still remembering the password from before the crash: that is no missing gate.
  if (!run.gate.typings && run.resumed) return;
  run.gate.outcomeReported = true;
  const result = run.gate.typings ? 'accepted' as const : 'not_asked' as const;
  void withRetry(() => run.api.gateResult({ result, lmsAttemptId }), { signal: run.signal, maxDelayMs: 10_000 }).catch(failed('reporting the quiz gate'));
}

/** The bandwidth ladder's check: a failed check records reduced video rather than risk a backlog. */
async function checkBandwidth(api: AttemptApi): Promise<RecordingRung> {
  try {
    return (await api.bandwidth(bandwidthProbeBytes)).rung;
  } catch (error) {
    reportFailure('the bandwidth check (recording reduced video)', error);
    return 'reduced';
  }
}

const machine = createAttemptMachine<{ apiBase: string; startToken: string }, Run>({
  async start({ apiBase, startToken }, signal) {
    const started = await startAttempt(apiBase, startToken);
    const credentials = { apiBase, attemptId: started.attempt.id, attemptToken: started.attemptToken };
    const attempt: ActiveAttempt = {
      ...credentials, expiresAt: started.attempt.expiresAt, quizUrl: started.attempt.quizUrl, settings: started.attempt.settings,
      disabledFlags: started.attempt.disabledFlags, startedAt: Date.now(), nextSegment: 0, removalUrl: started.attempt.removalUrl,
      liveSnapshotSeconds: started.attempt.liveSnapshotSeconds,
      recordingRung: await checkBandwidth(createAttemptApi(credentials)),
    };
    await saveAttempt(attempt);
    try {
      await openRecorder();
      await tellRecorder('start', { attempt, segment: await takeSegmentNumber() });
    } catch (error) {
      // Without recording there is no proctored attempt: say why, and leave nothing running.
      await createAttemptApi(attempt).events([{ id: `${attempt.attemptId}-recorder`, type: 'recorder_failed', at: Date.now(), details: { message: (error as Error).message } }])
        .catch(failed('reporting that recording could not start'));
      await clearAttempt();
      await closeRecorder().catch(failed('closing the recorder'));
      throw new Error(`Recording could not start: ${(error as Error).message}`);
    }
    const quizTab = await browser.tabs.create({ url: attempt.quizUrl, active: true });
    // Merged into what is stored: the recorder start above already moved the segment counter on.
    return lockDown(await updateAttempt({ quizTabId: quizTab.id }), signal);
  },

  // A restarted service worker resumes the attempt it was running, if its server is still trusted and says it still
  // runs; without one, whatever a crashed attempt left locked is unlocked. A server no longer trusted is not contacted.
  async resume(signal) {
    const attempt = await loadAttempt();
    if (!attempt || attempt.quizTabId === undefined || !(await isTrusted(originOf(attempt.apiBase)))
      || !(await sendHeartbeat(attempt, createAttemptApi(attempt)))) {
      if (attempt) await clearAttempt();
      await quizPages.release();
      await releaseLeftovers();
      return undefined;
    }
    await openRecorder();
    // A recorder that kept running keeps its segment; one that was lost starts a new segment.
    const recorder = await tellRecorder('status', undefined);
    if (!recorder.recording.length) await tellRecorder('start', { attempt, segment: await takeSegmentNumber() });
    // After a browser restart the quiz tab is gone: the lockdown follows a new one, where the student continues the
    // attempt (the LMS asks for the password again, and the extension types it).
    const quizTabId = await browser.tabs.get(attempt.quizTabId).then((tab) => tab.id, () => undefined)
      ?? (await browser.tabs.create({ url: attempt.quizUrl, active: true })).id;
    return lockDown(quizTabId === attempt.quizTabId ? attempt : await updateAttempt({ quizTabId }), signal, true);
  },

  // The quiz page is asked to connect only now: it is answered by the running attempt.
  async running(run) {
    await quizPages.begin(run.attempt.quizTabId!).catch(failed('starting the quiz page\'s lockdown'));
    const rules = activeRules(run);
    run.events.report('lockdown_started', { rules: rules.join(','), summary: `Lockdown started: ${rules.join(', ') || 'no rules'}.` });
  },

  async end(run, reason, { tellServer }) {
    if (tellServer) run.events.report('attempt_finishing', { reason, summary: `The attempt ended: ${reason}.` });
    else console.warn(`[invigil] ${reason}: releasing the lockdown.`);
    // The locks go first: nothing of the lockdown may outlive the attempt while the recording drains.
    await run.released;
    try {
      await tellRecorder('stop', undefined, tellServer ? 10 * 60_000 : 60_000);
    } catch (error) {
      run.events.report('recorder_stop_failed', { message: (error as Error).message });
    }
    await run.events.stop().catch(failed('sending the last events'));
    if (tellServer) await run.api.finish();
    await clearAttempt();
    await closeRecorder().catch(failed('closing the recorder'));
  },
});

/** A stream ended by itself: the student is told at once (the quiz may pause), and the stop is flagged. */
function streamEnded(run: Run, stream: StreamName, at: number) {
  if (run.lostStreams.has(stream)) return;
  const pause = run.attempt.settings.pauseOnStreamLoss;
  run.lostStreams.set(stream, { stream, since: at, pause });
  run.events.report('stream_ended', { stream, summary: `The ${streamLabels[stream].inSentence} stopped (camera unplugged, permission withdrawn or sharing stopped)${pause ? '; the quiz was hidden until it restarted' : ''}.` });
  reportStreamFlag(run, stream, at, at);
  quizPages.streams([...run.lostStreams.values()]);
}

function reportStreamFlag(run: Run, stream: StreamName, startedAt: number, endedAt: number) {
  reportFlag(run.api, {
    id: `stream-lost-${stream}-${startedAt}`, type: 'stream_lost', severity: flagKinds.stream_lost.severity, startedAt, endedAt,
    explanation: { model: 'browser media track', thresholds: {}, scores: [], samples: 1, samplesHeld: 1, summary: `The ${streamLabels[stream].inSentence} stopped recording.` },
  });
}

/** The student asked to restart a stopped stream: it records again in a new segment. */
async function restartStream(run: Run, stream: StreamName) {
  const lost = run.lostStreams.get(stream);
  if (!lost) return;
  try {
    await tellRecorder('restartStream', { stream, segment: await takeSegmentNumber() }, 60_000);
  } catch (error) {
    run.lostStreams.set(stream, { ...lost, error: (error as Error).message || 'it could not be opened' });
    quizPages.streams([...run.lostStreams.values()]);
    return;
  }
  run.lostStreams.delete(stream);
  const now = Date.now();
  run.events.report('stream_restarted', { stream, summary: `The ${streamLabels[stream].inSentence} recorded again after ${Math.round((now - lost.since) / 1000)} s.` });
  reportStreamFlag(run, stream, lost.since, now);
  quizPages.streams([...run.lostStreams.values()]);
}

/** The pre-exam camera check runs in the recorder page, which owns the camera. */
async function checkSetup() {
  await openRecorder();
  const check = await tellRecorder('check', undefined, 60_000);
  if (machine.phase === 'idle') await closeRecorder();
  return check;
}

export default defineBackground(() => {
  // Listeners that must see connections from the worker's first moment.
  quizPages.listen();
  workerStarted();
  serve('background', {
    startAttempt: async ({ apiBase, startToken }, sender) => {
      // Only a trusted tool page, and only on its own server.
      const origin = await requireTrustedPage(sender);
      if (originOf(apiBase) !== origin) throw new Error('This page may not start an attempt on another server.');
      try {
        const run = await machine.start({ apiBase, startToken });
        return { attemptId: run.attempt.attemptId };
      } catch (error) {
        console.error('[invigil] start failed:', error);
        throw error;
      }
    },
    checkSetup: async (_, sender) => {
      await requireTrustedPage(sender);
      return checkSetup();
    },
    requestApproval: (_, sender) => requestApproval(sender),
    approveOrigin: async ({ origin, tabId, frameId }, sender) => {
      requireExtensionPage(sender);
      if (originOf(origin) !== origin) throw new Error(`"${origin}" is not a web origin.`);
      if ((await currentTrust()).source === 'policy') throw new Error('Your institution manages the sites Invigil trusts.');
      await approveOrigin(origin);
      await syncBridge();
      if (tabId !== undefined) await injectBridge(tabId, frameId ?? 0);
      return undefined;
    },
    revokeOrigin: async ({ origin }, sender) => {
      requireExtensionPage(sender);
      await revokeOrigin(origin);
      await syncBridge();
      return undefined;
    },
    trust: async (_, sender) => {
      requireExtensionPage(sender);
      return currentTrust();
    },
    status: async (_, sender) => {
      requireExtensionPage(sender);
      const run = machine.current;
      if (!run) return { attempt: null };
      const recorder = await tellRecorder('status', undefined, 2000).catch(failed('asking the recorder for its status'));
      const phase = machine.phase === 'idle' ? 'running' : machine.phase;
      return { attempt: { id: run.attempt.attemptId, quizUrl: run.attempt.quizUrl, rules: activeRules(run), phase }, recorder };
    },
    finish: async (_, sender) => {
      requireExtensionPage(sender);
      await machine.finish('finished from the extension');
      return { finished: true };
    },
    keepalive: (_, sender) => {
      requireExtensionPage(sender);
      return { alive: true as const };
    },
    recorderError: ({ message }, sender) => {
      requireExtensionPage(sender);
      machine.current?.events.report('recorder_error', { message });
      return undefined;
    },
    streamEnded: ({ stream, at }, sender) => {
      requireExtensionPage(sender);
      const run = machine.current;
      if (run && machine.phase === 'running') streamEnded(run, stream, at);
      return undefined;
    },
  });

  // The quiz's LMS tells us when the attempt was submitted: each page the quiz tab commits, with how it got there.
  browser.webNavigation.onCommitted.addListener((details) => {
    const run = machine.current;
    if (!run || machine.phase !== 'running' || details.tabId !== run.attempt.quizTabId || details.frameId !== 0) return;
    const adapter = adapterFor(run.attempt.quizUrl);
    if (!adapter) return;
    const url = new URL(details.url);
    if (adapter.isAttemptPage(url)) {
      run.attemptSeen = true;
      attemptOpened(run, adapter.lmsAttemptId(url));
    }
    const afterFormRedirect = details.transitionType === 'form_submit' && (details.transitionQualifiers ?? []).includes('server_redirect');
    const previousUrl = run.lastQuizPage;
    run.lastQuizPage = url;
    if (adapter.isSubmitted({ url, afterFormRedirect, attemptSeen: run.attemptSeen, previousUrl })) {
      void machine.finish(`quiz submitted (${adapter.name})`).catch(failed('finishing a submitted quiz'));
    }
  });
  // Apps whose pages say nothing in their addresses (New Quizzes): their API traffic in the quiz tab does.
  browser.webRequest.onCompleted.addListener((details) => {
    const run = machine.current;
    if (!run || machine.phase !== 'running' || details.tabId !== run.attempt.quizTabId) return;
    const adapter = adapterFor(run.attempt.quizUrl);
    const step = adapter?.quizRequest?.({ method: details.method, url: new URL(details.url), status: details.statusCode });
    if (!step) return;
    run.attemptSeen = true;
    attemptOpened(run, undefined);
    if (step === 'submitted') void machine.finish(`quiz submitted (${adapter!.name})`).catch(failed('finishing a submitted quiz'));
  }, { urls: ['https://*/*'], types: ['xmlhttprequest'] });
  browser.tabs.onRemoved.addListener((tabId) => {
    const run = machine.current;
    if (run && tabId === run.attempt.quizTabId) run.events.report('quiz_tab_closed');
  });

  // The bridge follows the origins in force: at every worker start, and whenever the policy or approvals change.
  void syncBridge().catch(failed('registering the page bridge'));
  onTrustChanged(() => void syncBridge().catch(failed('registering the page bridge')));
  void machine.resume().catch(failed('resuming the attempt after a restart'));
});
