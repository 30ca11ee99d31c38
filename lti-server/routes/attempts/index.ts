// A student starts an attempt on the tool page; the extension redeems the start token, keeps it alive, finishes it.
import { timingSafeEqual } from 'node:crypto';
import express, { Router } from 'express';
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import { heartbeatMessage, type HeartbeatInput } from '../../../models/contracts.ts';
import { attempts } from '../../../models/schema.ts';
import type { LtiActor } from '../../http/actors.ts';
import { authenticateAttempt, authenticateLaunch, sessionQuery } from '../../http/authenticate.ts';
import { authorize } from '../../http/authorize.ts';
import { conflict, unauthorized } from '../../http/errors.ts';
import { rateLimit } from '../../http/rate-limit.ts';
import { hashStartToken, heartbeatSignature } from '../../http/tokens.ts';
import { extensionRemoved, heartbeatRefused, heartbeatsResumed } from '../../integrity/tamper-evidence.ts';
import { input, validate } from '../../http/validate.ts';
import { attemptPolicy, type AttemptWithQuiz } from '../../policies/attempt.ts';
import { quizPolicy } from '../../policies/quiz.ts';
import { presentAttemptState, presentStartedAttempt } from '../../presenters/attempt.ts';
import { disabledFlagsFor } from '../accommodations/load.ts';
import type { RouteContext } from '../context.ts';
import { loadQuiz } from '../quizzes/load.ts';
import { findAttempt, loadAttempt } from './load.ts';
import { createAttemptBody, heartbeatBody, removalQuery, startAttemptBody } from './schema.ts';
import { extensionRemovedPage, takeQuizPage } from './views.ts';

export function attemptPages({ db, tokens, config }: RouteContext) {
  const router = Router();
  const limit = rateLimit({ windowMs: 60_000, max: 60 });
  const authenticate = authenticateLaunch(db, tokens);
  const authorizeTake = authorize({ policy: quizPolicy, action: 'take', load: loadQuiz(db), what: 'That quiz' });

  router.get('/quizzes/:quizId/take', limit, authenticate, authorizeTake, (_req, res) => {
    const quiz = res.locals.record;
    res.type('html').send(takeQuizPage(quiz, { createUrl: `/app/quizzes/${quiz.id}/attempts?${sessionQuery(res)}`, apiBase: `${config.publicUrl}/ext` }));
  });

  // Acknowledging the policy creates the attempt (with the time) and a single-use start token for the extension.
  router.post('/quizzes/:quizId/attempts', limit, authenticate, express.json({ limit: '4kb' }), validate(createAttemptBody), authorizeTake, async (_req, res) => {
    const actor = res.locals.actor as LtiActor;
    const start = tokens.newStartToken();
    const [attempt] = await db.insert(attempts).values({
      quizId: res.locals.record.id,
      userId: actor.userId,
      userName: actor.userName,
      policyAcknowledgedAt: new Date(),
      startTokenHash: start.hash,
      startTokenExpiresAt: start.expiresAt,
    }).returning();
    res.status(201).json({ attemptId: attempt.id, startToken: start.token, expiresAt: start.expiresAt.getTime() });
  });
  return router;
}

export function attemptApi({ db, tokens, queue, config }: RouteContext) {
  const router = Router();
  const authenticate = authenticateAttempt(tokens);
  const perAttempt = (req: express.Request) => `${req.params.attemptId}`;

  router.post('/attempts/start', rateLimit({ windowMs: 60_000, max: 30 }), validate(startAttemptBody), async (_req, res) => {
    const { startToken } = input<{ startToken: string }>(res);
    // Redeeming clears the hash in the same statement, so a token starts at most one extension.
    const removal = tokens.newRemovalKey();
    const [redeemed] = await db.update(attempts)
      .set({ startTokenHash: null, startTokenExpiresAt: null, status: 'in_progress', startedAt: new Date(), lastHeartbeatAt: new Date(), removalKeyHash: removal.hash })
      .where(and(eq(attempts.startTokenHash, hashStartToken(startToken)), gt(attempts.startTokenExpiresAt, new Date()), eq(attempts.status, 'ready')))
      .returning({ id: attempts.id });
    if (!redeemed) throw unauthorized('The start token is invalid, expired or already used. Start again from the quiz page.');
    const attempt = (await findAttempt(db, redeemed.id))!;
    const removalUrl = `${config.publicUrl}/ext/attempts/${attempt.id}/removed?key=${removal.key}`;
    res.status(201).json(presentStartedAttempt(attempt, await tokens.attempt.sign(attempt.id), await disabledFlagsFor(db, attempt.quizId, attempt.userId), removalUrl));
  });

  const authorizeRecord = authorize({ policy: attemptPolicy, action: 'record', load: loadAttempt(db), what: 'That attempt' });
  router.post('/attempts/:attemptId/heartbeat', rateLimit({ windowMs: 60_000, max: 120, key: perAttempt }), authenticate, validate(heartbeatBody), authorizeRecord, async (_req, res) => {
    const attempt = res.locals.record as AttemptWithQuiz;
    const beat = input<HeartbeatInput>(res);
    const expected = Buffer.from(heartbeatSignature(String(res.locals.attemptToken), heartbeatMessage(attempt.id, beat)));
    if (!timingSafeEqual(expected, Buffer.from(beat.signature))) throw unauthorized('The heartbeat is not signed with this attempt\'s token.');
    const now = new Date();
    // Only a growing counter is accepted, in the same statement that stores it, so a replay can never pass.
    const [updated] = await db.update(attempts)
      .set({ lastHeartbeatAt: now, heartbeatCount: sql`${attempts.heartbeatCount} + 1`, heartbeatCounter: beat.counter })
      .where(and(eq(attempts.id, attempt.id), lt(attempts.heartbeatCounter, beat.counter))).returning();
    if (!updated) {
      await heartbeatRefused(db, attempt.id, beat.counter, attempt.heartbeatCounter, now);
      throw conflict(`Heartbeat ${beat.counter} is not newer than heartbeat ${attempt.heartbeatCounter}.`);
    }
    const silentSince = attempt.lastHeartbeatAt ?? attempt.startedAt;
    if (silentSince && now.getTime() - silentSince.getTime() > config.heartbeatTimeoutMs) await heartbeatsResumed(db, attempt.id, silentSince, now);
    res.json(presentAttemptState(updated));
  });

  // Chrome opens this address when the extension is uninstalled (runtime.setUninstallURL): no token survives that,
  // so the attempt's removal key, issued at start, proves which attempt it was.
  router.get('/attempts/:attemptId/removed', rateLimit({ windowMs: 60_000, max: 10, key: perAttempt }), validate(removalQuery, 'query'), async (req, res) => {
    const attempt = await findAttempt(db, String(req.params.attemptId));
    const { key } = input<{ key: string }>(res);
    if (attempt?.removalKeyHash && attempt.removalKeyHash === hashStartToken(key) && attempt.status === 'in_progress') {
      await extensionRemoved(db, attempt.id);
    }
    res.type('html').send(extensionRemovedPage());
  });

  const authorizeFinish = authorize({ policy: attemptPolicy, action: 'finish', load: loadAttempt(db), what: 'That attempt' });
  router.post('/attempts/:attemptId/finish', rateLimit({ windowMs: 60_000, max: 30, key: perAttempt }), authenticate, authorizeFinish, async (_req, res) => {
    const attempt = res.locals.record as AttemptWithQuiz;
    const [updated] = attempt.status === 'finished'
      ? [attempt]
      : await db.update(attempts).set({ status: 'finished', finishedAt: new Date() }).where(eq(attempts.id, attempt.id)).returning();
    await queue.finalizeAttempt(attempt.id);
    res.json(presentAttemptState(updated));
  });
  return router;
}
