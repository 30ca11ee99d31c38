// Everything one attempt's review shows, read once: recordings with their timelines and stills, flags with their
// decisions and explanation requests, outcomes, events, the audit entries and the student's prior outcomes.
// The review page, its JSON, the PDF report and the student's record all read it.
import { and, asc, count, desc, eq, inArray, lt, max, ne } from 'drizzle-orm';
import {
  attemptEvents, attemptOutcomes, attempts, auditEntries, chunks, explanationRequests, flagDecisions, flags, quizzes, recordings,
} from '../../../models/schema.ts';
import { latest } from '../../../models/review.ts';
import type { Database } from '../../database.ts';
import type { AttemptWithQuiz } from '../../policies/attempt.ts';
import { attemptState, presentAttemptRow, presentEvent, presentFlag, presentRecording } from '../../presenters/review.ts';
import { presignSeconds, type Bucket } from '../../storage/bucket.ts';

type Decision = typeof flagDecisions.$inferSelect;

export async function loadAttemptReview(db: Database, bucket: Bucket, attempt: AttemptWithQuiz) {
  const [recordingRows, flagRows, eventRows, decisionRows, outcomeRows, requestRows, auditRows, uploaded] = await Promise.all([
    // Webcam first: flags come from it.
    db.select().from(recordings).where(eq(recordings.attemptId, attempt.id)).orderBy(desc(recordings.stream)),
    db.select().from(flags).where(eq(flags.attemptId, attempt.id)).orderBy(asc(flags.startedAt)),
    db.select().from(attemptEvents).where(eq(attemptEvents.attemptId, attempt.id)).orderBy(asc(attemptEvents.occurredAt)).limit(1000),
    db.select().from(flagDecisions).where(eq(flagDecisions.attemptId, attempt.id)).orderBy(asc(flagDecisions.id)),
    db.select().from(attemptOutcomes).where(eq(attemptOutcomes.attemptId, attempt.id)).orderBy(asc(attemptOutcomes.id)),
    db.select().from(explanationRequests).where(eq(explanationRequests.attemptId, attempt.id)).orderBy(asc(explanationRequests.requestedAt)),
    db.select().from(auditEntries).where(eq(auditEntries.attemptId, attempt.id)).orderBy(asc(auditEntries.id)).limit(2000),
    db.select({ n: count(), last: max(chunks.createdAt) }).from(chunks).where(and(eq(chunks.attemptId, attempt.id), eq(chunks.uploaded, true), eq(chunks.stream, 'webcam'))),
  ]);
  const sign = (key: string) => bucket.presignGet(key, presignSeconds);
  const decisionsOf = (flagId: number) => decisionRows.filter((d) => d.flagId === flagId);
  const presentedFlags = await Promise.all(flagRows.map(async (f) => {
    const decisions = decisionsOf(f.id);
    return {
      ...presentFlag(f, recordingRows, f.evidenceKey ? await sign(f.evidenceKey) : null),
      decisions: decisions.map(presentDecision),
      decision: decisions.length ? presentDecision(latest(decisions)!) : null,
      requests: requestRows.filter((r) => r.flagId === f.id).map(presentRequest),
    };
  }));
  return {
    attempt: presentAttemptRow(attempt, flagRows.length),
    quiz: { id: attempt.quiz.id, title: attempt.quiz.title },
    state: attemptState(attempt, Number(uploaded[0]?.n ?? 0), uploaded[0]?.last ?? null),
    recordings: await Promise.all(recordingRows.map(async (r) => presentRecording(
      r, r.status === 'ready' && r.objectKey ? await sign(r.objectKey) : null,
      r.status === 'ready' ? await Promise.all((r.thumbnails ?? []).map(async (t) => ({ atMs: t.atMs, url: await sign(t.key) }))) : [],
    ))),
    flags: presentedFlags,
    events: eventRows.map(presentEvent),
    outcomes: outcomeRows.map((o) => ({ id: o.id, outcome: o.outcome, label: o.label, occurrence: o.countsAsOccurrence, note: o.note, by: o.decidedByName ?? o.decidedBy, at: o.decidedAt.toISOString() })),
    /** Requests about the attempt as a whole (not one flag). */
    requests: requestRows.filter((r) => r.flagId === null).map(presentRequest),
    audit: auditRows.map((a) => ({ id: a.id, action: a.action, by: a.actorName ?? a.actorId, at: a.at.toISOString(), details: a.details })),
  };
}

export type AttemptReview = Awaited<ReturnType<typeof loadAttemptReview>>;

function presentDecision(d: Decision) {
  return { id: d.id, decision: d.decision, reason: d.reason, note: d.note, by: d.decidedByName ?? d.decidedBy, at: d.decidedAt.toISOString() };
}

export function presentRequest(r: typeof explanationRequests.$inferSelect) {
  return { id: r.id, flagId: r.flagId, message: r.message, dueAt: r.dueAt.toISOString(), by: r.requestedByName ?? r.requestedBy, at: r.requestedAt.toISOString(), answer: r.answer, answeredAt: r.answeredAt?.toISOString() ?? null };
}

/**
 * The student's earlier attempts in the same course with an outcome that counts as an occurrence (the latest
 * outcome of each): "second occurrence" at a glance.
 */
export async function earlierOccurrences(db: Database, attempt: AttemptWithQuiz) {
  const earlier = await db.select({ attemptId: attempts.id, outcome: attemptOutcomes }).from(attempts)
    .innerJoin(quizzes, eq(attempts.quizId, quizzes.id))
    .innerJoin(attemptOutcomes, eq(attemptOutcomes.attemptId, attempts.id))
    .where(and(eq(quizzes.issuer, attempt.quiz.issuer), eq(quizzes.clientId, attempt.quiz.clientId), eq(quizzes.deploymentId, attempt.quiz.deploymentId),
      eq(quizzes.contextId, attempt.quiz.contextId ?? ''), eq(attempts.userId, attempt.userId), ne(attempts.id, attempt.id),
      lt(attempts.createdAt, attempt.createdAt)));
  const byAttempt = new Map<string, typeof attemptOutcomes.$inferSelect[]>();
  for (const row of earlier) byAttempt.set(row.attemptId, [...(byAttempt.get(row.attemptId) ?? []), row.outcome]);
  return [...byAttempt.values()].map((list) => latest(list)!).filter((o) => o.countsAsOccurrence).map((o) => ({ attemptId: o.attemptId, label: o.label }));
}

/** Flags' latest decisions for many attempts at once (the queue). */
export async function latestDecisions(db: Database, attemptIds: string[]) {
  if (!attemptIds.length) return new Map<number, Decision>();
  const rows = await db.select().from(flagDecisions).where(inArray(flagDecisions.attemptId, attemptIds)).orderBy(asc(flagDecisions.id));
  return new Map(rows.map((d) => [d.flagId, d])); // later rows overwrite earlier ones
}
