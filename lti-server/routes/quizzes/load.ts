import { eq } from 'drizzle-orm';
import type { Request } from 'express';
import { quizzes } from '../../../models/schema.ts';
import type { Database } from '../../database.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function loadQuiz(db: Database) {
  return async (req: Request) => {
    const id = String(req.params.quizId ?? '');
    if (!uuid.test(id)) return undefined;
    const [quiz] = await db.select().from(quizzes).where(eq(quizzes.id, id));
    return quiz;
  };
}
export { uuid as uuidPattern };
