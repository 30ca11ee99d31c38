// Messages between the background, the recorder page and the popup. The recorder (an offscreen document in
// Chrome) can use only the runtime API, so everything it needs from storage comes in these messages.
import type { StreamName } from '../../models/contracts.ts';
import type { ExtensionEventType } from '../../models/events.ts';
import type { ActiveAttempt } from './state.ts';

export type RecorderCommand =
  | { target: 'recorder'; type: 'start'; attempt: ActiveAttempt; segment: number }
  | { target: 'recorder'; type: 'stop' }
  | { target: 'recorder'; type: 'status' }
  | { target: 'recorder'; type: 'check' }
  | { target: 'recorder'; type: 'restart-stream'; stream: StreamName; segment: number };

export type RecorderStatus = {
  recording: string[];
  pendingChunks: number;
  uploadedChunks: number;
  /** What the recorder emitted for this attempt, by stream, from the ledger (survives crashes). */
  emitted: Record<string, { chunks: number; bytes: number }>;
  samples: number;
  /** Recent per-frame detection times (ms) and detection's share of one core. */
  detection: { detectMs: number[]; fullFrameMs: number[]; cpuShare: number };
  flagsRaised: number;
  lastError?: string;
};

export type BackgroundCommand =
  | { target: 'background'; type: 'finish' }
  | { target: 'background'; type: 'status' }
  | { target: 'background'; type: 'keepalive' }
  | { target: 'background'; type: 'recorder-error'; message: string }
  | { target: 'background'; type: 'stream-ended'; stream: StreamName; at: number };

/** The quiz-guard content script's port to the background, opened by every page of the quiz tab. */
export const quizGuardPortName = 'invigil-quiz-guard';
/** Set in storage while lockdown runs, so pages in other tabs need not wake the background to ask. */
export const lockdownActiveKey = 'lockdownActive';
export type QuizGuardToPage =
  | { type: 'lockdown'; pageRules: string[]; labels: string[]; lostStreams: LostStream[] }
  | { type: 'streams'; lostStreams: LostStream[] }
  | { type: 'release' };
export type QuizGuardFromPage =
  | { type: 'event'; event: ExtensionEventType; details: Record<string, string | number | boolean> }
  | { type: 'restart-stream'; stream: StreamName }
  | { type: 'end' };
/** A stream that stopped mid-attempt, as the quiz page shows it; `pause` hides the quiz until it is restarted. */
export type LostStream = { stream: StreamName; since: number; pause: boolean; error?: string };

/** The devtools page connects with this name plus the inspected tab's id. */
export const devtoolsPortPrefix = 'invigil-devtools:';
