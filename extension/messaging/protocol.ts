// The extension's one message protocol: for each destination, message name → payload → reply. Every sender and
// every handler is typed from these maps; the only cast from `unknown` is in `serve`, after the envelope is checked.
import { browser, type Browser } from 'wxt/browser';
import type { ExtensionEventType } from '../../models/events.ts';
import type { StreamName } from '../../models/streams.ts';
import type { ProctorState } from '../../models/contracts.ts';
import type { SetupCheck } from '../detection/setup-check.ts';
import type { ActiveAttempt } from '../attempt/state.ts';
import type { Trust } from '../trust/approved-origins.ts';

export type RecorderStatus = {
  recording: StreamName[];
  pendingChunks: number;
  uploadedChunks: number;
  /** What the recorder emitted for this attempt, by stream, from the ledger (survives crashes). */
  emitted: Partial<Record<StreamName, { chunks: number; bytes: number }>>;
  samples: number;
  /** Recent per-frame detection times (ms) and detection's share of one core (CPU time, frame grabs included). */
  detection: { detectMs: number[]; fullFrameMs: number[]; cpuShare: number };
  flagsRaised: number;
  lastError?: string;
};

export type AttemptSummary = { id: string; quizUrl: string; rules: string[]; phase: 'starting' | 'running' | 'finishing' };
export type BackgroundStatus = { attempt: AttemptSummary | null; recorder?: RecorderStatus };

/** Answered by the background (service worker in Chrome, event page in Firefox). */
export type BackgroundProtocol = {
  /** The bridge relays a tool page's start: the page's origin is checked against `apiBase`. */
  startAttempt: { payload: { apiBase: string; startToken: string }; reply: { attemptId: string } };
  checkSetup: { payload: undefined; reply: SetupCheck };
  /** From the approval-request script of a page Invigil does not trust yet (the student clicked). */
  requestApproval: { payload: undefined; reply: undefined };
  /** From the approval window: the student allowed the origin; the bridge goes into the frame that asked. */
  approveOrigin: { payload: { origin: string; tabId?: number; frameId?: number }; reply: undefined };
  revokeOrigin: { payload: { origin: string }; reply: undefined };
  trust: { payload: undefined; reply: Trust };
  status: { payload: undefined; reply: BackgroundStatus };
  finish: { payload: undefined; reply: { finished: boolean } };
  /** The recorder keeps the worker awake while it records. */
  keepalive: { payload: undefined; reply: { alive: true } };
  recorderError: { payload: { message: string }; reply: undefined };
  streamEnded: { payload: { stream: StreamName; at: number }; reply: undefined };
};

/** Answered by the recorder page (offscreen document in Chrome, pinned tab in Firefox). */
export type RecorderProtocol = {
  start: { payload: { attempt: ActiveAttempt; segment: number }; reply: undefined };
  stop: { payload: undefined; reply: undefined };
  status: { payload: undefined; reply: RecorderStatus };
  check: { payload: undefined; reply: SetupCheck };
  restartStream: { payload: { stream: StreamName; segment: number }; reply: undefined };
};

/** Answered by the quiz-guard content script of a tab. */
export type QuizPageProtocol = {
  connectGuard: { payload: undefined; reply: undefined };
};

type Protocols = { background: BackgroundProtocol; recorder: RecorderProtocol; 'quiz-page': QuizPageProtocol };
export type Destination = keyof Protocols;
type AnyProtocol = Record<string, { payload: unknown; reply: unknown }>;

type Envelope = { invigil: 1; to: Destination; name: string; payload: unknown };
type Answer = { ok: true; value: unknown } | { ok: false; error: string };

const isEnvelope = (m: unknown): m is Envelope =>
  typeof m === 'object' && m !== null && (m as Envelope).invigil === 1 && typeof (m as Envelope).name === 'string';

/** The handler refused (threw): its message. */
export class MessageError extends Error {}
/** Nobody listens at that destination (yet): a page still loading, or closed. */
export class NoReceiverError extends Error {}

/** Payload-less messages take no second argument. */
type Args<M> = M extends { payload: infer X } ? ([X] extends [undefined] ? [] : [payload: X]) : never;
type Reply<M> = M extends { reply: infer R } ? R : never;

/** The browser's own "nobody is listening" becomes a NoReceiverError; anything else passes through. */
const noReceiver = (error: unknown) => {
  throw error instanceof Error && /Receiving end does not exist|Could not establish connection/i.test(error.message) ? new NoReceiverError(error.message) : error;
};

function unwrap(answer: unknown, to: string, name: string) {
  if (answer === undefined) throw new NoReceiverError(`Nothing in the ${to} answered "${name}".`);
  const a = answer as Answer;
  if (!a.ok) throw new MessageError(a.error);
  return a.value;
}

/** Sends to the background or the recorder page and resolves with its reply; a handler's error rejects. */
export async function send<D extends Exclude<Destination, 'quiz-page'>, K extends keyof Protocols[D] & string>(
  to: D, name: K, ...[payload]: Args<Protocols[D][K]>
): Promise<Reply<Protocols[D][K]>> {
  const envelope: Envelope = { invigil: 1, to, name, payload };
  return unwrap(await browser.runtime.sendMessage(envelope).catch(noReceiver), to, name) as Reply<Protocols[D][K]>;
}

/** Sends to the content script of one tab. */
export async function sendToTab<K extends keyof QuizPageProtocol>(tabId: number, name: K): Promise<QuizPageProtocol[K]['reply']> {
  const envelope: Envelope = { invigil: 1, to: 'quiz-page', name, payload: undefined };
  return unwrap(await browser.tabs.sendMessage(tabId, envelope).catch(noReceiver), 'quiz page', name) as QuizPageProtocol[K]['reply'];
}

type Handlers<P extends AnyProtocol> = {
  [K in keyof P]: (payload: P[K]['payload'], sender: Browser.runtime.MessageSender) => P[K]['reply'] | Promise<P[K]['reply']>;
};

/**
 * Answers the messages of one destination. Messages for other destinations are left to their own listeners (the
 * background and an extension page share one runtime). Returns a function that stops answering.
 */
export function serve<D extends Destination>(at: D, handlers: Handlers<Protocols[D]>) {
  const listener = (message: unknown, sender: Browser.runtime.MessageSender): Promise<Answer> | undefined => {
    if (!isEnvelope(message) || message.to !== at || !Object.hasOwn(handlers, message.name)) return undefined;
    const handler = handlers[message.name as keyof Protocols[D]] as (payload: unknown, sender: Browser.runtime.MessageSender) => unknown;
    return Promise.resolve()
      .then(() => handler(message.payload, sender))
      .then((value): Answer => ({ ok: true, value }), (error: unknown): Answer => ({ ok: false, error: error instanceof Error ? error.message : String(error) }));
  };
  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- webextension-polyfill answers with the promise a listener returns
  browser.runtime.onMessage.addListener(listener);
  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- the same listener, removed
  return () => browser.runtime.onMessage.removeListener(listener);
}

// The quiz guard's long-lived port: what each side may post.
export const quizGuardPortName = 'invigil-quiz-guard';
/** A stream that stopped mid-attempt, as the quiz page shows it; `pause` hides the quiz until it is restarted. */
export type LostStream = { stream: StreamName; since: number; pause: boolean; error?: string };
export type QuizGuardToPage =
  /** `adapter`: the LMS adapter of the quiz (extension/lms/), by name, for frames whose own address is another host's. */
  | { type: 'lockdown'; pageRules: string[]; labels: string[]; lostStreams: LostStream[]; adapter?: string }
  | { type: 'streams'; lostStreams: LostStream[] }
  /** The quiz password, for the prompt the page reported; or why there is none to type. */
  | { type: 'password'; password: string }
  | { type: 'gate'; notice: string }
  /** A proctored session's proctor: the quiz paused with their words, messages to acknowledge. */
  | { type: 'proctor'; state: ProctorState }
  | { type: 'release' };
export type QuizGuardFromPage =
  | { type: 'event'; event: ExtensionEventType; details: Record<string, string | number | boolean> }
  | { type: 'restart-stream'; stream: StreamName }
  /** The quiz shows its password prompt (`rejected`: with "The password entered was incorrect"). */
  | { type: 'password-prompt'; rejected: boolean }
  /** The document is an attempt page, where its address cannot say so (Canvas Classic's /take). */
  | { type: 'attempt-page' }
  /** The student acknowledged the proctor's message. */
  | { type: 'acknowledge'; messageId: number }
  | { type: 'end' };

/** A port whose messages are typed each way. */
export function typedPort<In, Out>(port: Browser.runtime.Port) {
  return {
    port,
    post: (message: Out) => port.postMessage(message),
    onMessage: (handler: (message: In) => void) => port.onMessage.addListener((message: unknown) => handler(message as In)),
  };
}

/** Set in storage while lockdown runs, so pages in other tabs need not wake the background to ask. */
export const lockdownActiveKey = 'lockdownActive';
/** The devtools page connects with this name plus the inspected tab's id. */
export const devtoolsPortPrefix = 'invigil-devtools:';
