// The instance's live feed, with how its notes become dashboard events: a student's row, an alert for a new flag
// (with the row, so its count moves), the session's header.
import { eq } from 'drizzle-orm';
import { proctoredSessions, quizzes } from '../../models/schema.ts';
import type { Database, Listen } from '../database.ts';
import { dashboardFlag, dashboardRows, dashboardSession, liveState } from './dashboard-rows.ts';
import { createSessionFeed, type LiveNote } from './session-feed.ts';

export function liveDashboards(db: Database, listen: Listen, heartbeatTimeoutMs: number) {
  const sessionOf = async (sessionId: string) => {
    const [row] = await db.select().from(proctoredSessions).innerJoin(quizzes, eq(proctoredSessions.quizId, quizzes.id)).where(eq(proctoredSessions.id, sessionId));
    return row && { session: row.proctored_sessions, quiz: row.quizzes };
  };
  return createSessionFeed(listen, {
    async note(note: LiveNote) {
      const found = await sessionOf(note.sessionId);
      if (!found) return [];
      if (note.kind === 'session') return [{ event: 'session', data: dashboardSession(found.session) }];
      const rows = (await dashboardRows(db, found.session, found.quiz, heartbeatTimeoutMs, note.participantId)).map((row) => ({ event: 'participant', data: row }));
      if (note.kind === 'participant') return rows;
      const flag = await dashboardFlag(db, note.flagId, note.participantId);
      return [...rows, ...(flag ? [{ event: 'flag', data: flag }] : [])];
    },
    async resync(sessionId: string) {
      const found = await sessionOf(sessionId);
      return found ? liveState(db, { ...found.session, quiz: found.quiz }, heartbeatTimeoutMs) : [];
    },
  });
}
