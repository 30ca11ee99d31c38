// The running attempt, kept in extension storage so a restarted service worker or recorder page picks it up.
import { browser } from 'wxt/browser';
import type { FlagType, QuizSettings } from '../../models/contracts.ts';
import type { RecordingRung } from '../../models/recording.ts';

export type ActiveAttempt = {
  apiBase: string;
  attemptId: string;
  attemptToken: string;
  expiresAt: number;
  quizUrl: string;
  quizTabId?: number;
  settings: QuizSettings;
  /** Flag types turned off for this student (an accommodation). */
  disabledFlags: FlagType[];
  startedAt: number;
  /** What the bandwidth check chose: what the recorder records. */
  recordingRung: RecordingRung;
  /** Opened by the browser if the extension is removed mid-attempt. */
  removalUrl: string;
  /** In a proctored session: how often a small webcam picture goes to the live dashboard (absent: never). */
  liveSnapshotSeconds?: number;
  /** Each recorder start opens a new segment; bumped before use so a crash never reuses a number. */
  nextSegment: number;
};

const key = 'activeAttempt';

export async function loadAttempt(): Promise<ActiveAttempt | undefined> {
  const stored = (await browser.storage.local.get(key))[key] as ActiveAttempt | undefined;
  return stored && stored.expiresAt > Date.now() ? stored : undefined;
}

export async function saveAttempt(attempt: ActiveAttempt) {
  await browser.storage.local.set({ [key]: attempt });
}

/** Changes some fields of the stored attempt, keeping the rest (the segment counter above all) as stored. */
export async function updateAttempt(patch: Partial<ActiveAttempt>) {
  const stored = await loadAttempt();
  if (!stored) throw new Error('No attempt is running');
  const updated = { ...stored, ...patch };
  await saveAttempt(updated);
  return updated;
}

export async function clearAttempt() {
  await browser.storage.local.remove(key);
}

export async function takeSegmentNumber(): Promise<number> {
  const attempt = await loadAttempt();
  if (!attempt) throw new Error('No attempt is running');
  await saveAttempt({ ...attempt, nextSegment: attempt.nextSegment + 1 });
  return attempt.nextSegment;
}
