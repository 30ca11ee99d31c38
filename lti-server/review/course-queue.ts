// The course's review queue: every proctored attempt of every proctored quiz in the course, with its risk score
// (models/review.ts: severity × duration of the flags not dismissed), its latest outcome and its flags' decisions.
// The queue page, the student's history and the course CSV read it.
import { and, asc, eq, inArray } from 'drizzle-orm';
import { attemptOutcomes, attempts, flagDecisions, flags, quizzes } from '../../models/schema.ts';
import { flagLabel } from '../../models/flags.ts';
import { latest, riskScore } from '../../models/review.ts';
import type { Database } from '../database.ts';
import type { Course } from '../policies/course.ts';
import { latestDecisions } from '../routes/reviews/load.ts';

export type QueueFilters = { reviewed?: 'yes' | 'no'; flagType?: string; quizId?: string; student?: string };

export async function courseAttempts(db: Database, course: Course) {
  const quizList = await db.select().from(quizzes).where(and(eq(quizzes.issuer, course.issuer), eq(quizzes.clientId, course.clientId),
    eq(quizzes.deploymentId, course.deploymentId), eq(quizzes.contextId, course.contextId ?? '')));
  if (!quizList.length) return { quizzes: quizList, rows: [] };
  const attemptList = await db.select().from(attempts).where(inArray(attempts.quizId, quizList.map((q) => q.id))).orderBy(asc(attempts.createdAt));
  const ids = attemptList.map((a) => a.id);
  const [flagRows, outcomeRows, decisions] = ids.length ? await Promise.all([
    db.select().from(flags).where(inArray(flags.attemptId, ids)).orderBy(asc(flags.startedAt)),
    db.select().from(attemptOutcomes).where(inArray(attemptOutcomes.attemptId, ids)).orderBy(asc(attemptOutcomes.id)),
    latestDecisions(db, ids),
  ]) : [[], [], new Map<number, typeof flagDecisions.$inferSelect>()];
  const occurrences = new Map<string, number>();
  const rows = attemptList.map((attempt) => {
    const mine = flagRows.filter((f) => f.attemptId === attempt.id).map((f) => ({ ...f, label: flagLabel(f.type), decision: decisions.get(f.id) }));
    const outcome = latest(outcomeRows.filter((o) => o.attemptId === attempt.id));
    // Attempts are in creation order: the count so far is this student's earlier occurrences.
    const earlier = occurrences.get(attempt.userId) ?? 0;
    if (outcome?.countsAsOccurrence) occurrences.set(attempt.userId, earlier + 1);
    return {
      attempt,
      quiz: quizList.find((q) => q.id === attempt.quizId)!,
      flags: mine,
      outcome,
      earlierOccurrences: earlier,
      risk: riskScore(mine.map((f) => ({ severity: f.severity, startedAt: f.startedAt, endedAt: f.endedAt, dismissed: f.decision?.decision === 'dismissed' }))),
    };
  });
  return { quizzes: quizList, rows };
}

export type QueueRow = Awaited<ReturnType<typeof courseAttempts>>['rows'][number];

export function filterQueue(rows: QueueRow[], f: QueueFilters) {
  const student = f.student?.trim().toLowerCase();
  return rows.filter((r) => (f.reviewed === 'no' ? !r.outcome : f.reviewed === 'yes' ? Boolean(r.outcome) : true)
    && (!f.flagType || r.flags.some((x) => x.type === f.flagType))
    && (!f.quizId || r.quiz.id === f.quizId)
    && (!student || (r.attempt.userName ?? '').toLowerCase().includes(student) || r.attempt.userId.toLowerCase() === student))
    // Highest risk first; equal risk, the most recent first.
    .sort((a, b) => b.risk - a.risk || b.attempt.createdAt.getTime() - a.attempt.createdAt.getTime());
}
