// A course's own words for outcomes and dismissal reasons; the defaults (models/review.ts) until an instructor
// changes them.
import { and, eq } from 'drizzle-orm';
import { courseProfiles } from '../../models/schema.ts';
import { defaultDismissReasons, defaultOutcomes, type OutcomeChoice } from '../../models/review.ts';
import type { Database } from '../database.ts';

export type CourseProfile = { outcomes: OutcomeChoice[]; dismissReasons: string[]; custom: boolean };
type CourseKey = { issuer: string; clientId: string; deploymentId: string; contextId: string | null };

const where = (c: CourseKey) => and(eq(courseProfiles.issuer, c.issuer), eq(courseProfiles.clientId, c.clientId),
  eq(courseProfiles.deploymentId, c.deploymentId), eq(courseProfiles.contextId, c.contextId ?? ''));

export async function courseProfile(db: Database, course: CourseKey): Promise<CourseProfile> {
  const [row] = await db.select().from(courseProfiles).where(where(course));
  return row ? { outcomes: row.outcomes, dismissReasons: row.dismissReasons, custom: true } : { outcomes: defaultOutcomes, dismissReasons: defaultDismissReasons, custom: false };
}

export async function saveCourseProfile(db: Pick<Database, 'insert'>, course: CourseKey, profile: Omit<CourseProfile, 'custom'>, by: string) {
  await db.insert(courseProfiles).values({ ...course, contextId: course.contextId ?? '', ...profile, updatedBy: by })
    .onConflictDoUpdate({ target: [courseProfiles.issuer, courseProfiles.clientId, courseProfiles.deploymentId, courseProfiles.contextId], set: { ...profile, updatedBy: by, updatedAt: new Date() } });
}

/**
 * The outcome lines as an instructor edits them: one per line, "key | label", "*" at the end for one that counts as
 * an occurrence. Parsing gives problems in words, never a half-saved profile.
 */
export function parseOutcomeLines(text: string): { outcomes: OutcomeChoice[]; problems: string[] } {
  const problems: string[] = [];
  const outcomes: OutcomeChoice[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line) continue;
    const occurrence = line.endsWith('*');
    const [key, ...rest] = line.replace(/\*$/, '').split('|').map((p) => p.trim());
    const label = rest.join('|').trim();
    if (!/^[a-z][a-z0-9_]{0,39}$/.test(key) || !label) problems.push(`Line ${i + 1}: write "key | label" with a key of small letters, digits and _ (for example "warning | Honor Code warning *").`);
    else if (outcomes.some((o) => o.key === key)) problems.push(`Line ${i + 1}: the key "${key}" is used twice.`);
    else outcomes.push({ key, label: label.slice(0, 120), occurrence });
  }
  if (!outcomes.length && !problems.length) problems.push('Give at least one outcome.');
  return { outcomes, problems };
}

export const outcomeLines = (list: OutcomeChoice[]) => list.map((o) => `${o.key} | ${o.label}${o.occurrence ? ' *' : ''}`).join('\n');
