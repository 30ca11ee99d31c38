import { eq } from 'drizzle-orm';
import type { Request } from 'express';
import { quizzes } from '../../../models/schema.ts';
import type { Database } from '../../database.ts';
import { uuidPattern } from '../../../models/ids.ts';


export function loadQuiz(db: Database) {
  return async (req: Request) => {
    const id = String(req.params.quizId ?? '');
    if (!uuidPattern.test(id)) return undefined;
    const [quiz] = await db.select().from(quizzes).where(eq(quizzes.id, id));
    return quiz;
  };
}
