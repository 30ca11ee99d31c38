// The quiz gate, for the extension: the password to type once recording runs, and what the quiz page made of it.
import { Router } from 'express';
import { and, eq, gt, inArray } from 'drizzle-orm';
import { gateResultBody, type GatePassword } from '../../../models/contracts.ts';
import { chunks } from '../../../models/schema.ts';
import type { StreamName } from '../../../models/streams.ts';
import type { Database } from '../../database.ts';
import { issuePassword, recordGateResult } from '../../gate/quiz-gates.ts';
import { HttpError } from '../../http/errors.ts';
import { attemptPolicy, type AttemptWithQuiz } from '../../policies/attempt.ts';
import { extensionRoute } from '../attempts/extension-route.ts';
import { loadAttempt } from '../attempts/load.ts';
import type { RouteContext } from '../context.ts';
import { readQuizSettings } from '../quizzes/settings.ts';

/** How recent the chunks must be that show the recording runs (the recorder sends one every few seconds). */
const recordingWindowMs = 2 * 60_000;

/** Every stream the quiz records has delivered a chunk lately: the password is handed out only then. */
async function recordingRuns(db: Database, attempt: AttemptWithQuiz) {
  const settings = readQuizSettings(attempt.quiz.settings);
  const wanted: StreamName[] = [...(settings.recordWebcam ? ['webcam' as const] : []), ...(settings.recordScreen ? ['screen' as const] : [])];
  if (!wanted.length) return true;
  const arrived = await db.selectDistinct({ stream: chunks.stream }).from(chunks).where(and(
    eq(chunks.attemptId, attempt.id), eq(chunks.uploaded, true), inArray(chunks.stream, wanted), gt(chunks.createdAt, new Date(Date.now() - recordingWindowMs)),
  ));
  return arrived.length === wanted.length;
}

export function gateApi({ db, tokens, limiter, connections }: RouteContext) {
  const router = Router();

  extensionRoute(router, { tokens, limiter }, '/attempts/:attemptId/gate/password', 60)
    .load(loadAttempt(db), 'That attempt').authorize(attemptPolicy, 'record')
    .handle(async ({ res, record: attempt }) => {
      if (!(await recordingRuns(db, attempt))) {
        throw new HttpError(409, 'recording_not_running', 'The quiz password is given once the recording reaches the server. Waiting for the first recording to arrive.');
      }
      const body: GatePassword = await issuePassword(db, connections, attempt, attempt.quiz);
      res.setHeader('Cache-Control', 'no-store');
      res.json(body);
    });

  extensionRoute(router, { tokens, limiter }, '/attempts/:attemptId/gate/result', 60)
    .validate(gateResultBody).load(loadAttempt(db), 'That attempt').authorize(attemptPolicy, 'record')
    .handle(async ({ res, record: attempt, input }) => {
      await recordGateResult(db, attempt, attempt.quiz, input.result, input.lmsAttemptId);
      res.json({ recorded: true });
    });
  return router;
}
