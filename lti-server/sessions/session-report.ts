// A session's report: participation (invited, joined, completed), completion rate, average time, the score
// distribution (from the LMS where it shares scores), flags by type, messages and extra time; the same figures for
// the page, the CSV and the PDF.
import { asc, count, eq, inArray } from 'drizzle-orm';
import { flagLabel } from '../../models/flags.ts';
import { moodleCourseModule } from '../../models/lms-quiz.ts';
import { attempts, flags, proctorMessages, sessionParticipants, type proctoredSessions, type quizzes } from '../../models/schema.ts';
import { participantStatusLabels, seatedStatuses } from '../../models/sessions.ts';
import type { Database } from '../database.ts';
import type { LmsConnectionStore } from '../gate/lms-connections.ts';

type Session = typeof proctoredSessions.$inferSelect;
type Quiz = typeof quizzes.$inferSelect;

export type ReportRow = {
  name: string; email: string | null; lmsUserId: string | null; status: string; joinedAt: Date | null; startedAt: Date | null; completedAt: Date | null;
  minutes: number | null; flags: number; messages: number; acknowledged: number; extraMinutes: number; score: number | null; idConfirmedAt: Date | null;
};
export type SessionReport = {
  rows: ReportRow[];
  invited: number; joined: number; started: number; completed: number;
  /** Completed ÷ started (null when nobody started). */
  completionRate: number | null;
  averageMinutes: number | null;
  flagsByType: { type: string; label: string; count: number }[];
  messagesSent: number; messagesAcknowledged: number; extraMinutes: number;
  /** Minutes after the start against completions so far. */
  completions: { minute: number; completed: number }[];
  scores: { values: number[]; note: string };
};

/** Scores where the LMS shares them: Moodle's web services give each attempt's marks (sumgrades) once graded. */
async function lmsScores(connections: LmsConnectionStore, quiz: Quiz, userIds: string[]): Promise<{ byUser: Map<string, number>; note: string }> {
  const byUser = new Map<string, number>();
  const cmid = moodleCourseModule(quiz.quizUrl);
  if (!cmid || !quiz.contextId) return { byUser, note: 'This LMS does not share scores with Invigil (scores come from Moodle\'s web services).' };
  const ws = await connections.moodle(quiz.issuer);
  if (!ws) return { byUser, note: 'No scores: Moodle\'s web services are not connected to Invigil.' };
  try {
    const quizId = await ws.quizInstance(quiz.contextId, cmid);
    if (!quizId) return { byUser, note: `No scores: no Moodle quiz with course module ${cmid}.` };
    for (const userId of userIds) {
      const graded = (await ws.userAttempts(quizId, userId)).filter((a) => a.state === 'finished' && typeof a.sumgrades === 'number');
      const latest = graded.sort((a, b) => b.timefinish - a.timefinish)[0];
      if (latest) byUser.set(userId, latest.sumgrades!);
    }
    return { byUser, note: byUser.size ? `Scores (marks) from Moodle for ${byUser.size} of ${userIds.length} students.` : 'No graded attempt in Moodle yet.' };
  } catch (error) {
    return { byUser, note: `No scores: Moodle refused (${(error as Error).message}).` };
  }
}

export async function sessionReport(db: Database, connections: LmsConnectionStore, session: Session, quiz: Quiz): Promise<SessionReport> {
  const list = await db.select({ p: sessionParticipants, attempt: attempts }).from(sessionParticipants)
    .leftJoin(attempts, eq(sessionParticipants.attemptId, attempts.id)).where(eq(sessionParticipants.sessionId, session.id)).orderBy(asc(sessionParticipants.id));
  const attemptIds = list.map((r) => r.p.attemptId).filter((id): id is string => id !== null);
  const flagRows = attemptIds.length ? await db.select({ attemptId: flags.attemptId, type: flags.type }).from(flags).where(inArray(flags.attemptId, attemptIds)) : [];
  const ids = list.map((r) => r.p.id);
  const sent = ids.length ? await db.select({ participantId: proctorMessages.participantId, n: count(), acknowledged: count(proctorMessages.acknowledgedAt) }).from(proctorMessages)
    .where(inArray(proctorMessages.participantId, ids)).groupBy(proctorMessages.participantId) : [];
  const userIds = list.map((r) => r.attempt?.userId ?? r.p.userId).filter((id): id is string => Boolean(id));
  const scores = await lmsScores(connections, quiz, userIds);

  const rows: ReportRow[] = list.map(({ p, attempt }) => {
    const userId = attempt?.userId ?? p.userId;
    const end = p.completedAt ?? attempt?.finishedAt ?? null;
    return {
      name: p.name ?? p.email ?? userId ?? `#${p.id}`, email: p.email, lmsUserId: p.lmsUserId ?? p.userId, status: participantStatusLabels[p.status],
      joinedAt: p.joinedAt, startedAt: p.startedAt, completedAt: p.completedAt,
      minutes: p.startedAt && end ? Math.round((end.getTime() - p.startedAt.getTime()) / 6000) / 10 : null,
      flags: flagRows.filter((f) => f.attemptId === p.attemptId && p.attemptId !== null).length,
      messages: sent.find((m) => m.participantId === p.id)?.n ?? 0, acknowledged: sent.find((m) => m.participantId === p.id)?.acknowledged ?? 0,
      extraMinutes: p.extraMinutes, score: userId ? scores.byUser.get(userId) ?? null : null, idConfirmedAt: p.idConfirmedAt,
    };
  });
  const started = list.filter((r) => r.p.startedAt).length;
  const completed = list.filter((r) => r.p.status === 'complete').length;
  const times = rows.filter((r) => r.completedAt && r.minutes !== null).map((r) => r.minutes!);
  const byType = new Map<string, number>();
  for (const f of flagRows) byType.set(f.type, (byType.get(f.type) ?? 0) + 1);
  const origin = session.startedAt ?? session.startsAt;
  const done = list.filter((r) => r.p.completedAt).map((r) => Math.max(0, Math.ceil((r.p.completedAt!.getTime() - origin.getTime()) / 60_000))).sort((a, b) => a - b);
  return {
    rows,
    invited: list.length,
    joined: list.filter((r) => seatedStatuses.includes(r.p.status)).length,
    started, completed,
    completionRate: started ? completed / started : null,
    averageMinutes: times.length ? Math.round((times.reduce((a, b) => a + b, 0) / times.length) * 10) / 10 : null,
    flagsByType: [...byType].map(([type, n]) => ({ type, label: flagLabel(type), count: n })).sort((a, b) => b.count - a.count),
    messagesSent: sent.reduce((a, m) => a + m.n, 0), messagesAcknowledged: sent.reduce((a, m) => a + m.acknowledged, 0),
    extraMinutes: rows.reduce((a, r) => a + r.extraMinutes, 0),
    completions: done.map((minute, i) => ({ minute, completed: i + 1 })),
    scores: { values: rows.map((r) => r.score).filter((s): s is number => s !== null), note: scores.note },
  };
}

/** Equal-width bins for a histogram of scores (one bin per mark up to 10 marks, else 10 bins). */
export function scoreBins(values: number[]): { from: number; to: number; count: number }[] {
  if (!values.length) return [];
  const top = Math.max(1, Math.ceil(Math.max(...values)));
  const bins = Math.min(10, top);
  const width = top / bins;
  return Array.from({ length: bins }, (_, i) => {
    const from = i * width;
    const to = (i + 1) * width;
    return { from, to, count: values.filter((v) => (i === bins - 1 ? v >= from && v <= to : v >= from && v < to)).length };
  });
}

export type QuizReport = SessionReport & { sessions: { session: Session; report: SessionReport }[]; rowSessions: string[] };

/** Every session of a quiz together: the same figures over all of them, and one line per session. */
export async function quizReport(db: Database, connections: LmsConnectionStore, quiz: Quiz, sessions: Session[]): Promise<QuizReport> {
  const each = [];
  for (const session of sessions) each.push({ session, report: await sessionReport(db, connections, session, quiz) });
  const all = each.flatMap((e) => e.report.rows);
  const started = each.reduce((n, e) => n + e.report.started, 0);
  const completed = each.reduce((n, e) => n + e.report.completed, 0);
  const times = all.filter((r) => r.completedAt && r.minutes !== null).map((r) => r.minutes!);
  const byType = new Map<string, { type: string; label: string; count: number }>();
  for (const f of each.flatMap((e) => e.report.flagsByType)) {
    const seen = byType.get(f.type) ?? { ...f, count: 0 };
    seen.count += f.count;
    byType.set(f.type, seen);
  }
  const minutes = each.flatMap((e) => e.report.completions.map((c, i, list) => ({ minute: c.minute, count: c.completed - (i ? list[i - 1].completed : 0) })))
    .sort((a, b) => a.minute - b.minute);
  let sum = 0;
  return {
    sessions: each,
    rows: all,
    rowSessions: each.flatMap((e) => e.report.rows.map(() => e.session.name)),
    invited: each.reduce((n, e) => n + e.report.invited, 0),
    joined: each.reduce((n, e) => n + e.report.joined, 0),
    started, completed,
    completionRate: started ? completed / started : null,
    averageMinutes: times.length ? Math.round((times.reduce((a, b) => a + b, 0) / times.length) * 10) / 10 : null,
    flagsByType: [...byType.values()].sort((a, b) => b.count - a.count),
    messagesSent: each.reduce((n, e) => n + e.report.messagesSent, 0),
    messagesAcknowledged: each.reduce((n, e) => n + e.report.messagesAcknowledged, 0),
    extraMinutes: each.reduce((n, e) => n + e.report.extraMinutes, 0),
    completions: minutes.map((m) => ({ minute: m.minute, completed: (sum += m.count) })),
    scores: { values: each.flatMap((e) => e.report.scores.values), note: each[0]?.report.scores.note ?? 'No session yet.' },
  };
}
