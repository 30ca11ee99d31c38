import { eq } from 'drizzle-orm';
import type { Request } from 'express';
import type { IdToken } from 'ltijs';
import { launches, quizzes } from '../../../models/schema.ts';
import type { Actor } from '../../http/actors.ts';
import { badRequest } from '../../http/errors.ts';
import { courseOf } from '../../policies/course.ts';
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

/**
 * The Deep Linking request behind the quiz picker: its course, its signed launch and where the answer goes. Any
 * other launch (an ordinary link, a stale page) is told to open the picker from the LMS; nothing is created.
 */
export async function deepLinkingRequest(db: Database, actor: Actor) {
  const course = courseOf(actor);
  if (!course || actor.kind !== 'lti') return undefined;
  const [launch] = await db.select().from(launches).where(eq(launches.id, actor.launchId));
  const token = launch?.token as unknown as IdToken | undefined;
  const returnUrl = token?.platformContext?.deepLinkingSettings?.deep_link_return_url;
  if (launch?.messageType !== 'LtiDeepLinkingRequest' || typeof returnUrl !== 'string') {
    throw badRequest('This page adds a quiz from your LMS\'s tool picker: open Invigil there ("Add an activity or resource", or the assignment\'s external tool) and try again.');
  }
  return { ...course, token: token!, returnUrl };
}
