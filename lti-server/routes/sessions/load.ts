import { eq } from 'drizzle-orm';
import type { Request } from 'express';
import { launches, proctoredSessions, quizzes } from '../../../models/schema.ts';
import type { Database } from '../../database.ts';
import type { LtiActor } from '../../http/actors.ts';
import { sessionParams } from './schema.ts';

/** A session with its quiz (its course decides who may manage it). */
export function loadSession(db: Database) {
  return async (req: Request) => {
    const parsed = sessionParams.safeParse(req.params);
    if (!parsed.success) return undefined;
    const [row] = await db.select().from(proctoredSessions).innerJoin(quizzes, eq(proctoredSessions.quizId, quizzes.id))
      .where(eq(proctoredSessions.id, parsed.data.sessionId));
    return row && { ...row.proctored_sessions, quiz: row.quizzes };
  };
}
export type LoadedSession = NonNullable<Awaited<ReturnType<ReturnType<typeof loadSession>>>>;

/** The stored launch behind a page's session: its email and its claims (the LMS's own user id). */
export async function launchOf(db: Pick<Database, 'select'>, actor: LtiActor) {
  const [launch] = await db.select({ email: launches.email, token: launches.token }).from(launches).where(eq(launches.id, actor.launchId));
  return launch ?? { email: null, token: {} };
}
