import { eq } from 'drizzle-orm';
import type { Request } from 'express';
import { attempts, quizzes } from '../../../models/schema.ts';
import type { Database } from '../../database.ts';
import type { AttemptWithQuiz } from '../../policies/attempt.ts';
import { uuidPattern } from '../../../models/ids.ts';

export async function findAttempt(db: Database, id: string): Promise<AttemptWithQuiz | undefined> {
  if (!uuidPattern.test(id)) return undefined;
  const [row] = await db.select().from(attempts).innerJoin(quizzes, eq(attempts.quizId, quizzes.id)).where(eq(attempts.id, id));
  return row && { ...row.attempts, quiz: row.quizzes };
}

export function loadAttempt(db: Database) {
  return (req: Request) => findAttempt(db, String(req.params.attemptId ?? ''));
}
