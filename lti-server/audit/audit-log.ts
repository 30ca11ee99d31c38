// The course's audit log: who saw or changed what, when. Entries are only ever added.
import { and, desc, eq, gt } from 'drizzle-orm';
import { auditEntries } from '../../models/schema.ts';
import type { AuditAction } from '../../models/review.ts';
import type { Database } from '../database.ts';
import type { LtiActor } from '../http/actors.ts';

type Target = { quizId?: string | null; attemptId?: string | null; details?: Record<string, unknown> };

export async function recordAudit(db: Pick<Database, 'insert'>, actor: LtiActor, action: AuditAction, target: Target = {}) {
  await db.insert(auditEntries).values({
    issuer: actor.issuer, clientId: actor.clientId, deploymentId: actor.deploymentId, contextId: actor.contextId,
    quizId: target.quizId ?? null, attemptId: target.attemptId ?? null, actorId: actor.userId, actorName: actor.userName,
    action, details: target.details ?? {},
  });
}

/** A reviewer who keeps the review open renews its links every few minutes: one "viewed" entry per half hour. */
const viewQuietMs = 30 * 60_000;

export async function recordViewing(db: Database, actor: LtiActor, attempt: { id: string; quizId: string }, streams: string[]) {
  const [recent] = await db.select({ id: auditEntries.id }).from(auditEntries)
    .where(and(eq(auditEntries.attemptId, attempt.id), eq(auditEntries.actorId, actor.userId), eq(auditEntries.action, 'recording_viewed'), gt(auditEntries.at, new Date(Date.now() - viewQuietMs))))
    .orderBy(desc(auditEntries.id)).limit(1);
  if (!recent) await recordAudit(db, actor, 'recording_viewed', { quizId: attempt.quizId, attemptId: attempt.id, details: { streams } });
}
