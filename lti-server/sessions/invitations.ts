// Email invitations to a session: the code, the time, the link to the quiz, and a calendar entry (.ics, RFC 5545),
// through the mail outbox so none is lost while the SMTP server is down.
import { and, eq, isNotNull, isNull } from 'drizzle-orm';
import { sessionParticipants, type proctoredSessions, type quizzes } from '../../models/schema.ts';
import type { Database } from '../database.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { sessionEndsAt } from './session-entry.ts';

type Session = typeof proctoredSessions.$inferSelect;
type Quiz = typeof quizzes.$inferSelect;

const icsTime = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
/** TEXT values escape backslashes, semicolons, commas and line breaks. */
const icsText = (value: string) => value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
/** Lines longer than 75 octets are folded: CRLF and a space. */
function fold(line: string) {
  const out: string[] = [];
  let rest = line;
  while (Buffer.byteLength(rest) > 75) {
    let cut = 74;
    while (Buffer.byteLength(rest.slice(0, cut)) > 74) cut--;
    out.push(rest.slice(0, cut));
    rest = ` ${rest.slice(cut)}`;
  }
  out.push(rest);
  return out.join('\r\n');
}

export function sessionCalendar(session: Session, quiz: Quiz, link: string, host: string) {
  const end = session.flexibleStart && session.windowEndsAt ? sessionEndsAt(session) : new Date(session.startsAt.getTime() + session.durationMinutes * 60_000);
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Invigil//Proctored sessions//EN', 'METHOD:PUBLISH', 'BEGIN:VEVENT',
    `UID:${session.id}@${host}`, `DTSTAMP:${icsTime(new Date())}`, `DTSTART:${icsTime(session.startsAt)}`, `DTEND:${icsTime(end)}`,
    `SUMMARY:${icsText(`${quiz.title}: ${session.name} (proctored)`)}`,
    `DESCRIPTION:${icsText(`Enrollment code: ${session.enrollmentCode} (case-sensitive).\nOpen the quiz from your course: ${link}`)}`,
    `URL:${link}`, 'END:VEVENT', 'END:VCALENDAR',
  ].map(fold).join('\r\n') + '\r\n';
}

/** Queues one invitation per participant with an email who has none yet; returns how many. */
export async function queueInvitations(db: Database, session: Session, quiz: Quiz, host: string) {
  const due = await db.select().from(sessionParticipants).where(and(eq(sessionParticipants.sessionId, session.id), isNotNull(sessionParticipants.email), isNull(sessionParticipants.invitationSentAt)));
  if (!due.length) return 0;
  const calendar = sessionCalendar(session, quiz, quiz.quizUrl, host);
  const when = `${session.startsAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  await db.transaction(async (tx) => {
    await enqueueMail(tx, due.map((p) => ({
      to: p.email!, kind: 'session_invitation', subject: `Proctored session: ${quiz.title}, ${when}`,
      text: [
        `Hello ${p.name ?? ''},`.trim(), '',
        `You are invited to the proctored session "${session.name}" of ${quiz.title}.`,
        `When: ${when}, for ${session.durationMinutes} minutes${session.lateEntryMinutes ? `; you may join up to ${session.lateEntryMinutes} minutes late` : '; be on time: late entry is not allowed'}.`,
        `Enrollment code: ${session.enrollmentCode} (upper and lower case differ)`, '',
        `Open the quiz from your course (${quiz.quizUrl}), enter the code, and wait in the lobby until your proctor starts the session.`,
        'Before the day, make sure the Invigil browser extension is installed and your camera works.',
      ].join('\n'),
      attachments: [{ filename: 'session.ics', contentType: 'text/calendar; charset=utf-8; method=PUBLISH', content: calendar }],
    })));
    for (const p of due) await tx.update(sessionParticipants).set({ invitationSentAt: new Date() }).where(eq(sessionParticipants.id, p.id));
  });
  return due.length;
}
