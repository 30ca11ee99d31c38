// The shapes attempts leave the server in.
import type { FlagType, StartAttemptResponse } from '../../models/contracts.ts';
import type { AttemptWithQuiz } from '../policies/attempt.ts';
import { attemptTokenSeconds } from '../http/tokens.ts';
import { readQuizSettings } from '../routes/quizzes/settings.ts';

/** How often a student in a live session sends the dashboard a small picture (within every bandwidth rung: ~20 kbit/s at most). */
export const liveSnapshotSeconds = 10;

export function presentStartedAttempt(attempt: AttemptWithQuiz, attemptToken: string, disabledFlags: FlagType[], removalUrl: string): StartAttemptResponse {
  return {
    attemptToken,
    attempt: {
      id: attempt.id,
      quizUrl: attempt.quiz.quizUrl,
      settings: readQuizSettings(attempt.quiz.settings),
      removalUrl,
      disabledFlags,
      expiresAt: Date.now() + attemptTokenSeconds * 1000,
      // Only in a proctored session does a picture leave the device while the attempt runs.
      ...(attempt.participantId ? { liveSnapshotSeconds } : {}),
    },
  };
}

export function presentAttemptState(attempt: { id: string; status: string; heartbeatCount: number; finishedAt: Date | null }) {
  return { id: attempt.id, status: attempt.status, heartbeatCount: attempt.heartbeatCount, finishedAt: attempt.finishedAt?.toISOString() ?? null };
}
