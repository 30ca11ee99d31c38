import { and, eq } from 'drizzle-orm';
import type { FlagType } from '../../../models/contracts.ts';
import { accommodations } from '../../../models/schema.ts';
import type { Database } from '../../database.ts';

/** Flag types turned off for one student on one quiz. */
export async function disabledFlagsFor(db: Database, quizId: string, userId: string): Promise<FlagType[]> {
  const [row] = await db.select().from(accommodations).where(and(eq(accommodations.quizId, quizId), eq(accommodations.userId, userId)));
  return row?.disabledFlags ?? [];
}
