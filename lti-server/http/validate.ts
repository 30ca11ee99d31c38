// Parses one part of the request with a zod schema; handlers read the typed result from res.locals.input.
import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { badRequest, describeZodError } from './errors.ts';

export function validate<S extends z.ZodType>(schema: S, part: 'body' | 'query' | 'params' = 'body'): RequestHandler {
  return (req, res, next) => {
    const result = schema.safeParse(req[part] ?? {});
    if (!result.success) return next(badRequest('The request is not valid.', describeZodError(result.error)));
    res.locals.input = { ...(res.locals.input ?? {}), ...(result.data as object) };
    next();
  };
}

export function input<T>(res: { locals: Record<string, unknown> }): T {
  return res.locals.input as T;
}
