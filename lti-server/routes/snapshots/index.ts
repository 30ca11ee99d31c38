// Live dashboards' pictures: in a proctored session the extension sends a small webcam JPEG every few seconds; the
// latest one per student is kept (replaced, never a history) and shown to the session's proctors and auditor.
import { Router, type Request, type Response } from 'express';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { snapshotBody } from '../../../models/contracts.ts';
import { liveSnapshots, sessionParticipants } from '../../../models/schema.ts';
import type { Database } from '../../database.ts';
import { badRequest, conflict, notFound } from '../../http/errors.ts';
import { launchSession } from '../../http/authenticate.ts';
import { route } from '../../http/route.ts';
import { publishLive } from '../../live/session-feed.ts';
import { attemptPolicy } from '../../policies/attempt.ts';
import { sessionPolicy } from '../../policies/session.ts';
import { extensionRoute } from '../attempts/extension-route.ts';
import { loadRecentAttempt } from '../attempts/load.ts';
import type { RouteContext } from '../context.ts';
import { isJpeg } from '../../media/jpeg.ts';
import { loadSession } from '../sessions/load.ts';

const participantParams = z.object({ participantId: z.coerce.number().int().min(1) });

export function snapshotApi({ db, tokens, limiter }: RouteContext) {
  const router = Router();
  extensionRoute(router, { tokens, limiter }, '/attempts/:attemptId/snapshot', 30)
    .validate(snapshotBody).load(loadRecentAttempt(db), 'That attempt').authorize(attemptPolicy, 'record')
    .handle(async ({ res, record: attempt, input }) => {
      if (!attempt.participantId) throw conflict('This attempt is not in a proctored session: no picture leaves the device.');
      const jpeg = Buffer.from(input.jpeg, 'base64');
      if (!isJpeg(jpeg)) throw badRequest('The picture must be a JPEG image.');
      const takenAt = new Date(Math.min(input.takenAt, Date.now()));
      await db.insert(liveSnapshots).values({ participantId: attempt.participantId, jpeg, takenAt })
        .onConflictDoUpdate({ target: liveSnapshots.participantId, set: { jpeg, takenAt } });
      const [participant] = await db.select({ sessionId: sessionParticipants.sessionId }).from(sessionParticipants).where(eq(sessionParticipants.id, attempt.participantId));
      if (participant) await publishLive(db, { kind: 'participant', sessionId: participant.sessionId, participantId: attempt.participantId });
      res.json({ kept: true });
    });
  return router;
}

/** Answers with a participant's latest picture, if the participant is in the session. */
export async function sendSnapshot(db: Database, req: Request, res: Response, sessionId: string) {
  const parsed = participantParams.safeParse(req.params);
  if (!parsed.success) throw notFound('That picture');
  const [row] = await db.select({ jpeg: liveSnapshots.jpeg }).from(liveSnapshots)
    .innerJoin(sessionParticipants, eq(liveSnapshots.participantId, sessionParticipants.id))
    .where(and(eq(liveSnapshots.participantId, parsed.data.participantId), eq(sessionParticipants.sessionId, sessionId)));
  if (!row) throw notFound('That picture');
  res.setHeader('Cache-Control', 'private, no-store');
  res.type('image/jpeg').send(row.jpeg);
}

export function snapshotPages({ db, limiter }: RouteContext) {
  const router = Router();
  route(router, 'get', '/sessions/:sessionId/participants/:participantId/snapshot.jpg').authenticate(launchSession(db))
    .limit(limiter, { name: 'snapshots', max: 3000, windowMs: 60_000 })
    .load(loadSession(db), 'That session').authorize(sessionPolicy, 'proctor', 'Sessions are run by the course\'s instructors.')
    .handle(({ req, res, record }) => sendSnapshot(db, req, res, record.id));
  return router;
}
