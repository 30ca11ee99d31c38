// Who is in a session: the CSV bulk import (name, email, LMS user id) with a report per row, the course roster from
// Names and Roles (automatic and hybrid enrollment), and finding a launching student among the participants.
import { and, eq, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { sessionParticipants, type proctoredSessions } from '../../models/schema.ts';
import type { PolicyProfile } from '../../models/session-profiles.ts';
import type { Database } from '../database.ts';
import { parseCsv } from '../review/csv.ts';

type Session = typeof proctoredSessions.$inferSelect;
type Participant = typeof sessionParticipants.$inferSelect;
type Writer = Pick<Database, 'select' | 'insert' | 'update'>;

export const participantCsvHeader = ['name', 'email', 'lms_user_id'];
export const participantCsvTemplate = `${participantCsvHeader.join(',')}\r\nAda Lovelace,ada@example.edu,1042\r\n`;

export type ImportRow = { line: number; name: string; email: string | null; lmsUserId: string | null };
export type RowReport = { line: number; name: string; result: 'added' | 'refused'; reason?: string };

const email = z.string().email();
const lmsId = /^[A-Za-z0-9_.:@-]{1,200}$/;

/** The rows of an uploaded file, and each row that cannot be read with why. A header row (name, email, …) is skipped. */
export function readParticipantCsv(text: string): { rows: ImportRow[]; refused: RowReport[] } {
  const rows: ImportRow[] = [];
  const refused: RowReport[] = [];
  const all = parseCsv(text.replace(/^\uFEFF/, ''));
  all.forEach((cells, index) => {
    const line = index + 1;
    const [name = '', mail = '', id = ''] = cells.map((c) => c.trim());
    if (index === 0 && name.toLowerCase() === 'name') return;
    if (cells.length > 3 && cells.slice(3).some((c) => c.trim())) return void refused.push({ line, name, result: 'refused', reason: 'More than three columns: name, email, LMS user id.' });
    if (!name) return void refused.push({ line, name, result: 'refused', reason: 'No name.' });
    if (name.length > 200) return void refused.push({ line, name: name.slice(0, 60), result: 'refused', reason: 'The name is longer than 200 characters.' });
    if (!mail && !id) return void refused.push({ line, name, result: 'refused', reason: 'Neither an email nor an LMS user id: the student could not be recognised.' });
    if (mail && !email.safeParse(mail).success) return void refused.push({ line, name, result: 'refused', reason: `"${mail.slice(0, 100)}" is not an email address.` });
    if (id && !lmsId.test(id)) return void refused.push({ line, name, result: 'refused', reason: `"${id.slice(0, 100)}" is not an LMS user id (letters, digits and . _ - : @).` });
    rows.push({ line, name, email: mail ? mail.toLowerCase() : null, lmsUserId: id || null });
  });
  return { rows, refused };
}

/** A participant matching one of the identities (LTI user id, LMS user id, email). */
function sameStudent(sessionId: string, who: { userId?: string | null; lmsUserId?: string | null; email?: string | null }) {
  const ids = [who.userId, who.lmsUserId].filter((v): v is string => Boolean(v));
  const matches = [
    ...ids.flatMap((id) => [eq(sessionParticipants.userId, id), eq(sessionParticipants.lmsUserId, id)]),
    ...(who.email ? [sql`lower(${sessionParticipants.email}) = ${who.email.toLowerCase()}`] : []),
  ];
  return matches.length ? and(eq(sessionParticipants.sessionId, sessionId), or(...matches)) : undefined;
}

export async function findParticipant(db: Pick<Database, 'select'>, sessionId: string, who: { userId?: string | null; lmsUserId?: string | null; email?: string | null }): Promise<Participant | undefined> {
  const where = sameStudent(sessionId, who);
  if (!where) return undefined;
  const [found] = await db.select().from(sessionParticipants).where(where).orderBy(sessionParticipants.id).limit(1);
  return found;
}

/** Adds the rows a session does not hold yet; each row reported. A profile's test-taker limit refuses the rows beyond it. */
export async function importParticipants(db: Writer, session: Session, profile: PolicyProfile, rows: ImportRow[]): Promise<RowReport[]> {
  const report: RowReport[] = [];
  const existing = await db.select({ id: sessionParticipants.id }).from(sessionParticipants).where(eq(sessionParticipants.sessionId, session.id));
  let count = existing.length;
  // More may be invited than there are places (places are taken by joining), but never more than the profile allows.
  const limit = profile.maxTestTakers ?? Infinity;
  const seen = new Set<string>();
  for (const row of rows) {
    const key = row.email ?? `id:${row.lmsUserId}`;
    if (seen.has(key) || (row.lmsUserId && seen.has(`id:${row.lmsUserId}`))) {
      report.push({ line: row.line, name: row.name, result: 'refused', reason: 'The same student appears on an earlier row.' });
      continue;
    }
    seen.add(key);
    if (row.lmsUserId) seen.add(`id:${row.lmsUserId}`);
    if (await findParticipant(db, session.id, { lmsUserId: row.lmsUserId, email: row.email })) {
      report.push({ line: row.line, name: row.name, result: 'refused', reason: 'Already in this session.' });
      continue;
    }
    if (count >= limit) {
      report.push({ line: row.line, name: row.name, result: 'refused', reason: `${profile.name} allows at most ${profile.maxTestTakers} test-takers per session.` });
      continue;
    }
    await db.insert(sessionParticipants).values({
      sessionId: session.id, userId: null, lmsUserId: row.lmsUserId, name: row.name, email: row.email, status: 'invited', source: 'csv', invitedAt: new Date(),
    });
    count++;
    report.push({ line: row.line, name: row.name, result: 'added' });
  }
  return report;
}

/** Invites the course's students from the roster (automatic and hybrid enrollment); returns how many were added. */
export async function inviteRoster(db: Writer, session: Session, students: { userId: string; name: string; email?: string | null }[]) {
  let added = 0;
  for (const student of students) {
    if (await findParticipant(db, session.id, { userId: student.userId, email: student.email })) continue;
    await db.insert(sessionParticipants).values({
      sessionId: session.id, userId: student.userId, name: student.name, email: student.email ?? null, status: 'invited', source: 'roster', invitedAt: new Date(),
    }).onConflictDoNothing();
    added++;
  }
  return added;
}
