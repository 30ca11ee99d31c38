// The auditor's read-only view of one session, by the link they were emailed: the session, who is in it and how
// they stand, and its log. The link is a bearer secret (stored hashed) that expires; every visit is logged.
import { Router, type Request } from 'express';
import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { attempts, recordings, sessionAuditors, sessionLog, sessionParticipants } from '../../../models/schema.ts';
import type { Database } from '../../database.ts';
import type { AuditorActor } from '../../http/actors.ts';
import { unauthorized } from '../../http/errors.ts';
import { route } from '../../http/route.ts';
import { hashSecret } from '../../http/tokens.ts';
import { sessionPolicy } from '../../policies/session.ts';
import { liveStatus } from '../../sessions/session-entry.ts';
import type { RouteContext } from '../context.ts';
import { loadSession } from '../sessions/load.ts';
import { auditorPage } from './views.ts';
import { dashboardRows, liveState } from '../../live/dashboard-rows.ts';
import { openEventStream } from '../../live/event-stream.ts';
import { dashboardPage } from '../sessions/views.ts';
import { sendSnapshot } from '../snapshots/index.ts';

const tokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/) });

function auditorLink(db: Database) {
  return async (req: Request): Promise<{ actor: AuditorActor }> => {
    const parsed = tokenParams.safeParse(req.params);
    if (!parsed.success) throw unauthorized('This auditor link is not valid.');
    const [auditor] = await db.select().from(sessionAuditors)
      .where(and(eq(sessionAuditors.tokenHash, hashSecret(parsed.data.token)), gt(sessionAuditors.expiresAt, new Date())));
    if (!auditor) throw unauthorized('This auditor link is not valid or has expired. Ask the proctor for a new invitation.');
    req.params.sessionId = auditor.sessionId;
    return { actor: { kind: 'auditor', auditorId: auditor.id, sessionId: auditor.sessionId } };
  };
}

export function auditorPages({ db, limiter, config, feed, bucket }: RouteContext) {
  const router = Router();
  const auditor = (path: string) => route(router, 'get', path).authenticate(auditorLink(db)).limit(limiter, { name: 'auditor', max: 120, windowMs: 60_000 })
    .load(loadSession(db), 'That session').authorize(sessionPolicy, 'observe');

  auditor('/audit/:token').handle(async ({ req, res, actor, record }) => {
      const [auditor] = await db.select().from(sessionAuditors).where(eq(sessionAuditors.id, actor.auditorId));
      await db.insert(sessionLog).values({ sessionId: record.id, actorId: `auditor:${auditor.id}`, actorName: auditor.name ?? auditor.email, action: 'auditor_viewed' });
      const rows = await db.select({ p: sessionParticipants, lastHeartbeatAt: attempts.lastHeartbeatAt }).from(sessionParticipants)
        .leftJoin(attempts, eq(sessionParticipants.attemptId, attempts.id)).where(eq(sessionParticipants.sessionId, record.id)).orderBy(asc(sessionParticipants.id));
      const now = new Date();
      const log = await db.select().from(sessionLog).where(eq(sessionLog.sessionId, record.id)).orderBy(asc(sessionLog.id)).limit(2000);
      // The recordings, each with a download link made now (valid for an hour: the page makes new ones when opened).
      const attemptIds = rows.map((r) => r.p.attemptId).filter((id): id is string => id !== null);
      const ready = attemptIds.length ? await db.select().from(recordings).where(and(inArray(recordings.attemptId, attemptIds), eq(recordings.status, 'ready'))) : [];
      const files = await Promise.all(ready.filter((r) => r.objectKey).map(async (r) => ({
        name: rows.find((x) => x.p.attemptId === r.attemptId)?.p.name ?? r.attemptId, stream: r.stream, url: await bucket.presignGet(r.objectKey!, 3600),
      })));
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Referrer-Policy', 'no-referrer');
      res.type('html').send(auditorPage(record, auditor, rows.map(({ p, lastHeartbeatAt }) => ({ ...p, live: liveStatus(p, lastHeartbeatAt, now, config.heartbeatTimeoutMs) })), log, String(req.params.token), files));
    });
  auditor('/audit/:token/dashboard').handle(async ({ req, res, record }) => {
    res.setHeader('Referrer-Policy', 'no-referrer');
    const rows = await dashboardRows(db, record, record.quiz, config.heartbeatTimeoutMs);
    const base = `/app/audit/${String(req.params.token)}`;
    res.type('html').send(dashboardPage(record, record.quiz, rows, { streamUrl: `${base}/live`, backUrl: base, readOnly: true, snapshotUrl: `${base}/participants/{id}/snapshot.jpg?at={at}` }));
  });

  auditor('/audit/:token/participants/:participantId/snapshot.jpg').handle(({ req, res, record }) => sendSnapshot(db, req, res, record.id));

  auditor('/audit/:token/live').handle(async ({ req, res, record }) => {
    openEventStream(req, res, feed, record.id, await liveState(db, record, config.heartbeatTimeoutMs));
  });
  return router;
}
