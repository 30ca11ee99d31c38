// The students of a course, from the LMS's Names and Roles service through the viewer's own launch.
import { eq } from 'drizzle-orm';
import type { IdToken, Provider } from 'ltijs';
import { launches } from '../../models/schema.ts';
import type { Database } from '../database.ts';
import type { LtiActor } from '../http/actors.ts';

const learner = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner';

export type Student = { userId: string; name: string };

/** The course's learners; undefined when the LMS offers no roster to this tool (callers fall back to what they saw). */
export async function courseRoster(db: Database, lti: Provider, actor: LtiActor): Promise<Student[] | undefined> {
  const [launch] = await db.select().from(launches).where(eq(launches.id, actor.launchId));
  try {
    const result = await lti.NamesAndRoles.getMembers(launch.token as unknown as IdToken, { role: 'Learner' }) as { members?: { user_id: string; name?: string; roles: string[] }[] };
    return (result.members ?? []).filter((m) => m.roles.some((r) => r === learner || r.endsWith('#Learner') || r === 'Learner'))
      .map((m) => ({ userId: m.user_id, name: m.name ?? m.user_id }));
  } catch {
    return undefined; // no Names and Roles for this tool
  }
}
