// Loads the record a route acts on and asks its policy whether the actor may act; handlers then trust both.
import type { Request, RequestHandler, Response } from 'express';
import type { Actor } from './actors.ts';
import { forbidden, notFound } from './errors.ts';

export type Policy<R> = Record<string, (actor: Actor, record: R) => boolean>;

export function authorize<R>(options: {
  policy: Policy<R>;
  action: string;
  load: (req: Request, res: Response) => Promise<R | undefined> | R | undefined;
  what: string;
  /** What to tell an actor the policy refuses, when the default is too vague. */
  denied?: string;
}): RequestHandler {
  return async (req, res, next) => {
    const record = await options.load(req, res);
    if (!record) return next(notFound(options.what));
    const rule = options.policy[options.action];
    if (!rule || !rule(res.locals.actor as Actor, record)) return next(forbidden(options.denied));
    res.locals.record = record;
    next();
  };
}
