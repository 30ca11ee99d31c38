// The proctoring status grade: when a proctored attempt finishes, the LMS gets a score of 1 on the proctored link
// (LTI Assignment and Grade Services), so a completion rule ("receive a grade" on the Invigil activity) or a
// condition on the quiz can require a completed proctored attempt. Without AGS in the launch, nothing is posted.
import { and, desc, eq } from 'drizzle-orm';
import type { IdToken, Provider } from 'ltijs';
import { launches, type attempts, type quizzes } from '../../models/schema.ts';
import { recordServerEvent } from '../integrity/server-events.ts';
import type { Database } from '../database.ts';

type AgsEndpoint = { lineitem?: string; lineitems?: string; scope?: string[] };
const scoreScope = 'https://purl.imsglobal.org/spec/lti-ags/scope/score';

/** The label of the line item Invigil makes when the LMS gave the link none. */
export const proctoringLabel = (title: string) => `Proctoring: ${title}`;

export async function postProctoringScore(db: Database, lti: Provider, attempt: typeof attempts.$inferSelect, quiz: typeof quizzes.$inferSelect) {
  if (!quiz.resourceLinkId || !quiz.contextId) return;
  // The student's latest launch of this link carries the grade service's addresses.
  const [launch] = await db.select().from(launches).where(and(
    eq(launches.userId, attempt.userId), eq(launches.issuer, quiz.issuer), eq(launches.clientId, quiz.clientId),
    eq(launches.contextId, quiz.contextId), eq(launches.resourceLinkId, quiz.resourceLinkId),
  )).orderBy(desc(launches.createdAt)).limit(1);
  const token = launch?.token as unknown as IdToken | undefined;
  const endpoint = (token?.platformContext as { endpoint?: AgsEndpoint } | undefined)?.endpoint;
  if (!token || !endpoint || !(endpoint.scope ?? []).includes(scoreScope) || !(endpoint.lineitem || endpoint.lineitems)) return;
  const event = (type: 'grade_posted' | 'grade_failed', summary: string) => recordServerEvent(db, attempt.id, type, { summary });
  try {
    let lineItemId = endpoint.lineitem;
    if (!lineItemId) {
      const label = proctoringLabel(quiz.title);
      const found = await lti.Grade.getLineItems(token, { resourceLinkId: true }) as { lineItems?: { id: string; label?: string; resourceLinkId?: string }[] };
      lineItemId = found.lineItems?.find((i) => i.label === label && (!i.resourceLinkId || i.resourceLinkId === quiz.resourceLinkId))?.id
        ?? (await lti.Grade.createLineItem(token, { scoreMaximum: 1, label, tag: 'invigil-proctoring' }, { resourceLinkId: true }) as { id: string }).id;
    }
    await lti.Grade.submitScore(token, lineItemId, {
      userId: attempt.userId, scoreGiven: 1, scoreMaximum: 1, activityProgress: 'Completed', gradingProgress: 'FullyGraded',
      comment: 'A proctored attempt was completed with Invigil.',
    });
    await event('grade_posted', 'The LMS was given the proctoring status score (1: a proctored attempt was completed).');
  } catch (error) {
    await event('grade_failed', `The proctoring status score could not be posted to the LMS: ${(error as Error).message}`);
  }
}
