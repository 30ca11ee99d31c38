// Who is told what by email: the student when an explanation is requested and when an outcome is decided; the
// course's instructors when an attempt has a high-severity flag and when a student answered. Addresses come from
// the LMS's launches (the LTI `email` claim); an LMS that shares no email (Canvas with privacy "name only") gets none,
// and the review says so.
import { and, desc, eq } from 'drizzle-orm';
import { launches, mailOutbox } from '../../models/schema.ts';
import { hasCourseRights } from '../http/actors.ts';
import type { Database } from '../database.ts';
import { enqueueMail, type OutgoingMail } from '../mail/outbox.ts';

type Course = { issuer: string; clientId: string; deploymentId: string; contextId: string | null };
type AttemptRef = { id: string; userId: string; userName: string | null; quiz: Course & { title: string } };

const courseLaunches = (db: Database, c: Course) => db.select({ userId: launches.userId, roles: launches.roles, email: launches.email }).from(launches)
  .where(and(eq(launches.issuer, c.issuer), eq(launches.clientId, c.clientId), eq(launches.deploymentId, c.deploymentId), eq(launches.contextId, c.contextId ?? '')))
  .orderBy(desc(launches.createdAt)).limit(5000);

export async function studentAddress(db: Database, attempt: AttemptRef) {
  const list = await courseLaunches(db, attempt.quiz);
  return list.find((l) => l.userId === attempt.userId && l.email)?.email ?? undefined;
}

export async function instructorAddresses(db: Database, course: Course) {
  const list = await courseLaunches(db, course);
  return [...new Set(list.filter((l) => hasCourseRights(l.roles)).map((l) => l.email).filter((e): e is string => Boolean(e)))];
}

const footer = (quizTitle: string) => `\n\nOpen Invigil from your course to see it (the quiz "${quizTitle}").\n-- Invigil proctoring`;

async function toStudent(db: Database, attempt: AttemptRef, mail: Omit<OutgoingMail, 'to'>) {
  const to = await studentAddress(db, attempt);
  if (to) await enqueueMail(db, { ...mail, to });
  return Boolean(to);
}

async function toInstructors(db: Database, attempt: AttemptRef, mail: Omit<OutgoingMail, 'to'>) {
  const list = await instructorAddresses(db, attempt.quiz);
  await enqueueMail(db, list.map((to) => ({ ...mail, to })));
  return list.length > 0;
}

export const notify = {
  explanationRequested: (db: Database, attempt: AttemptRef, request: { message: string; dueAt: Date }) => toStudent(db, attempt, {
    kind: 'explanation_requested',
    subject: `Please explain: ${attempt.quiz.title}`,
    text: `Your instructor asks you to explain something in your proctored attempt at "${attempt.quiz.title}":\n\n${request.message}\n\nPlease answer by ${request.dueAt.toISOString().slice(0, 16).replace('T', ' ')} UTC under "My proctoring record".${footer(attempt.quiz.title)}`,
  }),
  outcomeDecided: (db: Database, attempt: AttemptRef, outcome: { label: string; note: string | null }) => toStudent(db, attempt, {
    kind: 'outcome_decided',
    subject: `Proctoring review decided: ${attempt.quiz.title}`,
    text: `The review of your proctored attempt at "${attempt.quiz.title}" is decided: ${outcome.label}.${outcome.note ? `\n\n${outcome.note}` : ''}${footer(attempt.quiz.title)}`,
  }),
  studentAnswered: (db: Database, attempt: AttemptRef, answer: string) => toInstructors(db, attempt, {
    kind: 'explanation_answered',
    subject: `${attempt.userName ?? 'A student'} answered: ${attempt.quiz.title}`,
    text: `${attempt.userName ?? attempt.userId} answered your request for an explanation:\n\n${answer}${footer(attempt.quiz.title)}`,
  }),
  /** Once per attempt, when it ends with a high-severity flag. */
  async highSeverityFlag(db: Database, attempt: AttemptRef, labels: string[]) {
    const kind = `high_severity_flag:${attempt.id}`;
    const [already] = await db.select({ id: mailOutbox.id }).from(mailOutbox).where(eq(mailOutbox.kind, kind)).limit(1);
    if (already) return false;
    return toInstructors(db, attempt, {
      kind,
      subject: `High-severity flag: ${attempt.userName ?? attempt.userId}, ${attempt.quiz.title}`,
      text: `The proctored attempt of ${attempt.userName ?? attempt.userId} at "${attempt.quiz.title}" has high-severity flags: ${[...new Set(labels)].join(', ')}. A flag is not proof of cheating; please review it.${footer(attempt.quiz.title)}`,
    });
  },
};
