import { eq } from 'drizzle-orm';
import type { Request } from 'express';
import type { IdToken } from 'ltijs';
import { launches, quizzes } from '../../../models/schema.ts';
import type { Actor } from '../../http/actors.ts';
import { badRequest } from '../../http/errors.ts';
import { courseOf } from '../../policies/course.ts';
import type { Database } from '../../database.ts';
import { uuidPattern } from '../../../models/ids.ts';
import { canvasQuiz } from '../../../models/lms-quiz.ts';


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

/**
 * A Canvas quiz address must name a quiz of the course Invigil was opened from, on that course's Canvas: the gate
 * sets its access code with the course's API authorisation, and must never reach into another course.
 */
export async function canvasQuizAddressProblem(db: Database, actor: Actor, quizUrl: string) {
  const quiz = canvasQuiz(quizUrl);
  if (!quiz || actor.kind !== 'lti') return undefined;
  const [launch] = await db.select().from(launches).where(eq(launches.id, actor.launchId));
  const custom = ((launch?.token as { platformContext?: { custom?: Record<string, unknown> } } | undefined)?.platformContext?.custom ?? {});
  const courseId = typeof custom.canvas_course_id === 'string' ? custom.canvas_course_id : undefined;
  const base = typeof custom.canvas_api_base_url === 'string' ? custom.canvas_api_base_url : undefined;
  if (courseId && courseId !== quiz.courseId) return `This is a quiz of Canvas course ${quiz.courseId}, but Invigil was opened from course ${courseId}. Paste the address of a quiz in this course.`;
  if (base && new URL(base).origin !== quiz.origin) return `This quiz is on ${quiz.origin}, but this course is on ${new URL(base).origin}. Paste the address of a quiz in this course.`;
  return undefined;
}
