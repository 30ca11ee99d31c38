// Hourly: what nothing needs any more goes. Expired LTI state, nonces and tokens (ltijs would have let MongoDB
// expire them), launches past their use (a session lasts hours; a week covers any page still open), rate-limit
// counters, and registration invites long expired. Safe to run on several servers at once.
import { lt } from 'drizzle-orm';
import { appSessions, launches, rateLimitWindows, registrationInvites } from '../../models/schema.ts';
import type { Database } from '../database.ts';
import { purgeExpiredLtiDocuments } from '../lti/database-plugin.ts';

const dayMs = 24 * 3600 * 1000;
/** How long a launch (who launched, from where, with which course roles) is kept. */
export const launchRetentionDays = 7;

export async function housekeeping(db: Database, now = new Date()) {
  await purgeExpiredLtiDocuments(db);
  const oldLaunches = await db.delete(launches).where(lt(launches.createdAt, new Date(now.getTime() - launchRetentionDays * dayMs))).returning({ id: launches.id });
  await db.delete(appSessions).where(lt(appSessions.expiresAt, now));
  await db.delete(rateLimitWindows).where(lt(rateLimitWindows.windowStart, new Date(now.getTime() - dayMs)));
  await db.delete(registrationInvites).where(lt(registrationInvites.expiresAt, new Date(now.getTime() - 30 * dayMs)));
  return { launches: oldLaunches.length };
}
