// A profile's delivery rule (NCCER: the session's recordings and log to the auditor within 24 hours of its end). When
// every recording of an ended session is done (ready or failed), each auditor is emailed their link, whose page lists
// the recordings with fresh download links and the session's log; that is the delivery. A session whose delivery is
// due and not done tells its proctors once; one past its deadline is void, with the reason — as the programme treats
// a session it never received.
import { and, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import { policyProfiles } from '../../models/session-profiles.ts';
import { attempts, launches, proctoredSessions, quizzes, recordings, sessionAuditors, sessionLog, sessionParticipants } from '../../models/schema.ts';
import type { Database } from '../database.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { publishLive } from '../live/session-feed.ts';

type Session = typeof proctoredSessions.$inferSelect;

/** How long before the deadline the proctors are warned that the delivery is not done. */
const warnBeforeMs = 4 * 3_600_000;

/** Whether every attempt of the session has finished recording (each stream ready or failed). */
async function recordingsDone(db: Database, session: Session) {
  const list = await db.select({ attemptId: sessionParticipants.attemptId, status: attempts.status }).from(sessionParticipants)
    .innerJoin(attempts, eq(sessionParticipants.attemptId, attempts.id)).where(eq(sessionParticipants.sessionId, session.id));
  if (list.some((a) => a.status === 'in_progress' || a.status === 'ready')) return false;
  const ids = list.map((a) => a.attemptId!);
  if (!ids.length) return true;
  const rows = await db.select({ status: recordings.status }).from(recordings).where(inArray(recordings.attemptId, ids));
  return rows.every((r) => r.status !== 'processing');
}

/** The proctors' addresses, from their recent launches (where the LMS shares one). */
async function proctorEmails(db: Database, session: Session, issuer: string) {
  const ids = session.proctors.map((p) => p.userId);
  if (!ids.length) return [];
  const rows = await db.selectDistinct({ email: launches.email }).from(launches)
    .where(and(inArray(launches.userId, ids), eq(launches.issuer, issuer), isNotNull(launches.email)));
  return rows.map((r) => r.email!);
}

/** Delivers what can be delivered, warns and voids what is late. Safe to run on several servers at once. */
export async function deliverSessions(db: Database, now = new Date()) {
  const ended = await db.select().from(proctoredSessions).innerJoin(quizzes, eq(proctoredSessions.quizId, quizzes.id))
    .where(and(isNotNull(proctoredSessions.endedAt), isNull(proctoredSessions.deliveredAt), isNull(proctoredSessions.voidedAt)));
  let delivered = 0;
  for (const { proctored_sessions: session, quizzes: quiz } of ended) {
    const hours = policyProfiles[session.profileKey]?.deliveryHours;
    if (hours === undefined) continue;
    const due = new Date(session.endedAt!.getTime() + hours * 3_600_000);
    if (await recordingsDone(db, session)) {
      const auditors = await db.select().from(sessionAuditors).where(eq(sessionAuditors.sessionId, session.id));
      // Claimed in the statement that marks it, so two servers never send it twice.
      const claimed = await db.transaction(async (tx) => {
        const [mine] = await tx.update(proctoredSessions).set({ deliveredAt: now }).where(and(eq(proctoredSessions.id, session.id), isNull(proctoredSessions.deliveredAt))).returning();
        if (!mine) return false;
        await enqueueMail(tx, auditors.map((a) => ({
          to: a.email, kind: 'session_delivery', subject: `Recordings of the proctored session: ${quiz.title}, ${session.name}`,
          text: `The proctored session "${session.name}" of ${quiz.title} ended ${session.endedAt!.toISOString().slice(0, 16).replace('T', ' ')} UTC.\n\n`
            + 'Its recordings and log are on your auditor page, through the link in your invitation email; each download link there is made fresh when you open the page.\n\n'
            + `The page stays open to you until ${a.expiresAt.toISOString().slice(0, 10)}.\n`,
        })));
        await tx.insert(sessionLog).values({ sessionId: session.id, actorId: 'invigil', actorName: 'Invigil', action: 'delivered', details: { auditors: auditors.length } });
        return true;
      });
      if (claimed) delivered++;
      continue;
    }
    if (now >= due) {
      const reason = `The recordings and log were not delivered to the auditor within ${hours} hours of the session's end (${policyProfiles[session.profileKey].name}).`;
      const [voided] = await db.update(proctoredSessions).set({ voidedAt: now, voidReason: reason }).where(and(eq(proctoredSessions.id, session.id), isNull(proctoredSessions.voidedAt))).returning();
      if (voided) {
        await db.insert(sessionLog).values({ sessionId: session.id, actorId: 'invigil', actorName: 'Invigil', action: 'voided', details: { reason } });
        await publishLive(db, { kind: 'session', sessionId: session.id });
      }
      continue;
    }
    if (now.getTime() >= due.getTime() - warnBeforeMs && !session.deliveryLateAlertedAt) {
      const [warned] = await db.update(proctoredSessions).set({ deliveryLateAlertedAt: now }).where(and(eq(proctoredSessions.id, session.id), isNull(proctoredSessions.deliveryLateAlertedAt))).returning();
      if (warned) {
        await db.insert(sessionLog).values({ sessionId: session.id, actorId: 'invigil', actorName: 'Invigil', action: 'delivery_late', details: { dueAt: due.toISOString() } });
        await enqueueMail(db, (await proctorEmails(db, session, quiz.issuer)).map((to) => ({
          to, kind: 'session_delivery_late', subject: `Late: the recordings of ${session.name} are not ready for delivery`,
          text: `The recordings of the proctored session "${session.name}" must reach the auditor by ${due.toISOString().slice(0, 16).replace('T', ' ')} UTC, and some are still processing. Invigil keeps trying; if it cannot, the session will be void.`,
        })));
      }
    }
  }
  return { delivered };
}
