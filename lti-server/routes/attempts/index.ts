// A student starts an attempt on the tool page; the extension redeems the start token, keeps it alive, finishes it.
import { timingSafeEqual } from 'node:crypto';
import express, { Router } from 'express';
import { and, count, eq, gt, isNotNull, ne } from 'drizzle-orm';
import { readQuizSettings } from '../quizzes/settings.ts';
import { closeGate } from '../../gate/quiz-gates.ts';
import { postProctoringScore } from '../../gate/proctoring-grade.ts';
import { signHeartbeat } from '../../../models/heartbeat.ts';
import { attempts } from '../../../models/schema.ts';
import { attemptLimit } from '../../../models/contracts.ts';
import { anonymous, attemptBearer, launchSession, sessionQuery } from '../../http/authenticate.ts';
import { conflict, HttpError, unauthorized } from '../../http/errors.ts';
import { hashSecret } from '../../http/tokens.ts';
import { handOffSession } from '../../http/sessions.ts';
import { extensionRemoved, heartbeatRefused, heartbeatsResumed } from '../../integrity/tamper-evidence.ts';
import { route } from '../../http/route.ts';
import { attemptPolicy, stillRecording } from '../../policies/attempt.ts';
import { quizPolicy } from '../../policies/quiz.ts';
import { presentAttemptState, presentStartedAttempt } from '../../presenters/attempt.ts';
import { disabledFlagsFor } from '../accommodations/load.ts';
import type { RouteContext } from '../context.ts';
import { loadQuiz } from '../quizzes/load.ts';
import { attemptNamed, attemptTokenPolicy, findAttempt, loadAttempt, storeHeartbeat } from './load.ts';
import { acknowledgeParams, createAttemptBody, heartbeatBody, removalQuery, startAttemptBody } from './schema.ts';
import { acknowledge, proctorStateFor } from '../../sessions/proctor-controls.ts';
import { extensionRemovedPage, takeQuizPage } from './views.ts';
import { participantCompleted, participantStarted, replaceAttempt, studentIdentity, studentSessionState } from '../../sessions/session-entry.ts';
import { codeEntryPage, lobbyPage } from '../sessions/views.ts';
import { launchOf } from '../sessions/load.ts';

export function attemptPages({ db, tokens, config, limiter, queue }: RouteContext) {
  const router = Router();
  // Per student: a campus NAT puts hundreds of them behind one address.
  const student = (method: 'get' | 'post', path: string) => route(router, method, path).authenticate(launchSession(db))
    .limit(limiter, { name: 'student-pages', max: 60, windowMs: 60_000 });

  student('get', '/quizzes/:quizId/take').load(loadQuiz(db), 'That quiz').authorize(quizPolicy, 'take')
    .handle(async ({ res, actor, record: quiz, session }) => {
      // A quiz with an open proctored session is entered through it: the code first, then the lobby.
      const state = await studentSessionState(db, quiz, studentIdentity(actor, await launchOf(db, actor)));
      const q = sessionQuery(session);
      if (state.kind === 'code') return void res.type('html').send(codeEntryPage(quiz, { action: `/app/quizzes/${quiz.id}/session-entry?${q}`, csrf: session.csrfToken }));
      if (state.kind === 'waiting') {
        return void res.type('html').send(lobbyPage(quiz, state.session, { statusUrl: `/app/sessions/${state.session.id}/lobby-status?${q}`, takeUrl: `/app/quizzes/${quiz.id}/take?${q}` }));
      }
      res.type('html').send(takeQuizPage(quiz, {
        inSession: state.kind === 'started' ? state.session.name : undefined,
        createUrl: `/app/quizzes/${quiz.id}/attempts?${sessionQuery(session)}`, windowUrl: `/app/quizzes/${quiz.id}/take/window?${sessionQuery(session)}`,
        csrf: session.csrfToken, apiBase: `${config.publicUrl}/ext`, recordUrl: `/app/my-record?${sessionQuery(session)}`,
      }));
    });

  // The start page, framed by the LMS, moves to a window of its own: the address carries the session's new code.
  student('post', '/quizzes/:quizId/take/window').load(loadQuiz(db), 'That quiz').authorize(quizPolicy, 'take')
    .handle(async ({ res, record: quiz, session }) => {
      const code = await handOffSession(db, session);
      res.setHeader('Cache-Control', 'no-store');
      res.json({ url: `${config.publicUrl}/app/quizzes/${quiz.id}/take?c=${session.scope}&code=${encodeURIComponent(code)}` });
    });

  // Acknowledging the policy creates the attempt (with the time) and a single-use start token for the extension.
  student('post', '/quizzes/:quizId/attempts').use(express.json({ limit: '4kb' })).validate(createAttemptBody)
    .load(loadQuiz(db), 'That quiz').authorize(quizPolicy, 'take')
    .handle(async ({ res, actor, record: quiz }) => {
    // Attempts that started count; a start page opened and left does not.
    const launch = await launchOf(db, actor);
    const custom = (launch.token.platformContext as { custom?: { allowed_attempts?: unknown } } | undefined)?.custom;
    const student = studentIdentity(actor, launch);
    const sessionState = await studentSessionState(db, quiz, student);
    if (sessionState.kind === 'code') throw conflict('This quiz is taken in a proctored session: enter its enrollment code first.');
    if (sessionState.kind === 'waiting') throw conflict('Your proctor has not started the session yet: wait in the lobby.');
    // A student going on on another device, as their proctor allowed: the same attempt in the LMS, not another one.
    const { replaced } = sessionState.kind === 'started' ? await replaceAttempt(db, sessionState.participant) : { replaced: undefined };
    if (replaced) await queue.finalizeAttempt(replaced);
    const maxAttempts = attemptLimit(readQuizSettings(quiz.settings).maxAttempts, custom?.allowed_attempts);
    const [{ started }] = await db.select({ started: count() }).from(attempts)
      .where(and(eq(attempts.quizId, quiz.id), eq(attempts.userId, actor.userId), isNotNull(attempts.startedAt)));
    if (started - (replaced ? 1 : 0) >= maxAttempts) {
      throw new HttpError(409, 'attempts_used', `You have used all ${maxAttempts} proctored attempt${maxAttempts === 1 ? '' : 's'} this quiz allows. If you need another, ask your instructor.`);
    }
    const start = tokens.newStartToken();
    const [attempt] = await db.insert(attempts).values({
      quizId: quiz.id,
      userId: actor.userId,
      userName: actor.userName,
      // Canvas's own user id: how its quiz submissions name the student (gate/unproctored-attempts.ts).
      lmsUserId: student.lmsUserId,
      policyAcknowledgedAt: new Date(),
      startTokenHash: start.hash,
      startTokenExpiresAt: start.expiresAt,
    }).returning();
    if (sessionState.kind === 'started') await participantStarted(db, sessionState.participant.id, attempt.id);
    res.status(201).json({ attemptId: attempt.id, startToken: start.token, expiresAt: start.expiresAt.getTime() });
  });
  return router;
}

export function attemptApi({ db, tokens, queue, config, limiter, connections, lti }: RouteContext) {
  const router = Router();
  const authenticate = attemptBearer(tokens);

  // The start token is the only credential: per address, generous enough for a whole exam room behind one NAT.
  route(router, 'post', '/attempts/start').authenticate(anonymous).limit(limiter, { name: 'start', max: 1500, windowMs: 60_000 }).validate(startAttemptBody)
    .handle(async ({ res, input: { startToken } }) => {
    // Redeeming clears the hash in the same statement, so a token starts at most one extension.
    const removal = tokens.newRemovalKey();
    const [redeemed] = await db.update(attempts)
      .set({ startTokenHash: null, startTokenExpiresAt: null, status: 'in_progress', startedAt: new Date(), lastHeartbeatAt: new Date(), removalKeyHash: removal.hash })
      .where(and(eq(attempts.startTokenHash, hashSecret(startToken)), gt(attempts.startTokenExpiresAt, new Date()), eq(attempts.status, 'ready')))
      .returning({ id: attempts.id });
    if (!redeemed) throw unauthorized('The start token is invalid, expired or already used. Start again from the quiz page.');
    const attempt = (await findAttempt(db, redeemed.id))!;
    const removalUrl = `${config.publicUrl}/ext/attempts/${attempt.id}/removed?key=${removal.key}`;
    res.status(201).json(presentStartedAttempt(attempt, await tokens.attempt.sign(attempt.id), await disabledFlagsFor(db, attempt.quizId, attempt.userId), removalUrl));
  });

  // The hot path (every running attempt, every 5 s): the token names the attempt, so the beat is checked and stored
  // in one statement; only a refused beat reads the attempt, to say why.
  route(router, 'post', '/attempts/:attemptId/heartbeat').authenticate(authenticate).limit(limiter, { name: 'heartbeat', max: 120, windowMs: 60_000 })
    .validate(heartbeatBody).load(attemptNamed, 'That attempt').authorize(attemptTokenPolicy, 'beat')
    .handle(async ({ res, record: { id }, input: beat, attemptToken }) => {
    const expected = Buffer.from(await signHeartbeat(attemptToken, id, beat));
    if (!timingSafeEqual(expected, Buffer.from(beat.signature))) throw unauthorized('The heartbeat is not signed with this attempt\'s token.');
    const now = new Date();
    // Only a growing counter is accepted, in the same statement that stores it, so a replay can never pass; a heartbeat
    // after the idle finalise means the extension is back, and the attempt runs again.
    const updated = await storeHeartbeat(db, id, beat.counter, now);
    if (!updated) {
      const attempt = await findAttempt(db, id);
      if (!attempt) throw new HttpError(404, 'not_found', 'That attempt was not found.');
      if (!attemptPolicy.record({ kind: 'extension', attemptId: id }, attempt)) throw new HttpError(403, 'forbidden', 'You are not allowed to do this.');
      await heartbeatRefused(db, id, beat.counter, attempt.heartbeatCounter, now);
      throw conflict(`Heartbeat ${beat.counter} is not newer than heartbeat ${attempt.heartbeatCounter}.`);
    }
    const silentSince = updated.previousHeartbeatAt ?? updated.startedAt;
    if (silentSince && now.getTime() - silentSince.getTime() > config.heartbeatTimeoutMs) await heartbeatsResumed(db, id, silentSince, now);
    // In a proctored session the answer carries what the proctor asks of the quiz page.
    res.json({ ...presentAttemptState(updated), ...(updated.participantId ? { proctor: await proctorStateFor(db, updated.participantId) } : {}) });
  });

  route(router, 'post', '/attempts/:attemptId/proctor-messages/:messageId/acknowledge').authenticate(authenticate).limit(limiter, { name: 'acknowledge', max: 60, windowMs: 60_000 })
    .validate(acknowledgeParams, 'params').load(loadAttempt(db), 'That attempt').authorize(attemptPolicy, 'record')
    .handle(async ({ res, record: attempt, input }) => {
      if (!attempt.participantId) throw conflict('This attempt is not in a proctored session.');
      res.json({ acknowledged: await acknowledge(db, attempt.participantId, input.messageId) });
    });

  // Chrome opens this address when the extension is uninstalled (runtime.setUninstallURL): no token survives that,
  // so the attempt's removal key, issued at start, proves which attempt it was.
  route(router, 'get', '/attempts/:attemptId/removed').authenticate(anonymous).limit(limiter, { name: 'removed', max: 300, windowMs: 60_000 })
    .validate(removalQuery, 'query')
    .handle(async ({ req, res, input: { key } }) => {
    const attempt = await findAttempt(db, String(req.params.attemptId));
    if (attempt?.removalKeyHash && attempt.removalKeyHash === hashSecret(key) && stillRecording(attempt)) {
      await extensionRemoved(db, attempt.id);
    }
    res.type('html').send(extensionRemovedPage());
  });

  route(router, 'post', '/attempts/:attemptId/finish').authenticate(authenticate).limit(limiter, { name: 'finish', max: 30, windowMs: 60_000 })
    .load(loadAttempt(db), 'That attempt').authorize(attemptPolicy, 'finish')
    .handle(async ({ res, record: attempt }) => {
    // Only the call that finishes the attempt queues its finalisation: a retried or repeated finish queues nothing.
    const [finished] = await db.update(attempts).set({ status: 'finished', finishedAt: new Date() })
      .where(and(eq(attempts.id, attempt.id), ne(attempts.status, 'finished'))).returning();
    if (finished) {
      await participantCompleted(db, attempt.id);
      await queue.finalizeAttempt(attempt.id);
      // The student's own quiz password goes with the attempt (never delaying the answer on a slow LMS).
      void closeGate(db, connections, finished, attempt.quiz).catch((error: unknown) => console.error('[invigil] closing the gate:', error));
      void postProctoringScore(db, lti, finished, attempt.quiz).catch((error: unknown) => console.error('[invigil] posting the proctoring grade:', error));
    }
    res.json(presentAttemptState(finished ?? attempt));
  });
  return router;
}
