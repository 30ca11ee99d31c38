// One route as a short, typed chain (the Outline pattern): authenticate → rate limit (per principal) → validate (zod)
// → load → authorize (policy, action) → handler. Each step adds to the context the next ones see, so `actor`, `input` and
// `record` are typed in every handler, and an action its policy does not define is a compile error.
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { z } from 'zod';
import type { Actor } from './actors.ts';
import { badRequest, describeZodError, forbidden, notFound } from './errors.ts';
import { principalOf, type Limit, type RateLimiter } from './rate-limit.ts';
import { checkCsrf } from './authenticate.ts';
import type { AppSession } from './sessions.ts';

export type RequestContext = { req: Request; res: Response };
/** A policy: per action, whether an actor may act on a record. Declare with `satisfies Policy<R>` to keep its actions. */
export type Policy<R> = Record<string, (actor: Actor, record: R) => boolean>;
export type Problem = { path: string; message: string };

/** Inputs are objects (a body, a query): each validation adds its fields. */
const mergeInput = (context: Record<string, unknown>, data: unknown) => {
  context.input = { ...(context.input as object | undefined), ...(data as object) };
};

/** What `load` put in the context; authorize is only for routes that loaded a record. */
type RecordOf<C> = C extends { record: infer R; actor: Actor } ? R : unknown;
type Step = (req: Request, res: Response, context: Record<string, unknown>) => Promise<void> | void;
type Method = 'get' | 'post';

const contextOf = (res: Response) => (res.locals.route ??= {}) as Record<string, unknown>;

export class RouteBuilder<C extends object> {
  constructor(private readonly router: Router, private readonly method: Method, private readonly path: string,
    private readonly middleware: RequestHandler[] = [], private readonly steps: Step[] = []) {}

  private next<N extends object>(step?: Step, middleware?: RequestHandler): RouteBuilder<N> {
    // A middleware (rate limit, body parser) runs in the order it was added, relative to the steps before it.
    const steps = step ? [...this.steps, step] : this.steps;
    const chain = middleware ? [...this.middleware, runSteps(this.steps), middleware] : this.middleware;
    return new RouteBuilder<N>(this.router, this.method, this.path, chain, middleware ? [] : steps);
  }

  /** Express middleware in the chain: a rate limit, a body parser. */
  use(middleware: RequestHandler): RouteBuilder<C> {
    return this.next<C>(undefined, middleware);
  }

  /** Establishes who is asking; the authenticator throws an HttpError (401) when it cannot say. */
  authenticate<X extends { actor: Actor }>(authenticator: (req: Request) => Promise<X> | X): RouteBuilder<C & X> {
    return this.next<C & X>(async (req, _res, context) => {
      Object.assign(context, await authenticator(req));
    });
  }

  /** Counts the request against the authenticated principal's budget (shared by every server process). */
  limit(limiter: RateLimiter, limit: Limit): RouteBuilder<C> {
    return this.next<C>(async (req, _res, context) => {
      if (!context.actor) throw new Error(`The ${this.method.toUpperCase()} ${this.path} route limits before it authenticates.`);
      await limiter.hit(principalOf(context.actor as Actor, req), limit);
    });
  }

  /** Parses a part of the request; a second call (params, then body) adds to `input`. */
  validate<S extends z.ZodType<object>>(schema: S, part: 'body' | 'query' | 'params' = 'body'): RouteBuilder<C & { input: z.output<S> }> {
    return this.next<C & { input: z.output<S> }>((req, _res, context) => {
      const result = schema.safeParse(req[part] ?? {});
      if (!result.success) throw badRequest('The request is not valid.', describeZodError(result.error));
      mergeInput(context, result.data);
    });
  }

  /**
   * An HTML form (urlencoded), parsed by a zod schema like a JSON body. An invalid form is answered by `invalid`,
   * which shows the form again with its problems (status 400).
   */
  form<S extends z.ZodType<object>>(schema: S, invalid: (context: C & RequestContext, problems: Problem[]) => string | Promise<string>,
    size: { fields?: number; bytes?: string } = {}): RouteBuilder<C & { input: z.output<S> }> {
    const parsed = this.next<C>(undefined, express.urlencoded({ extended: false, limit: size.bytes ?? '256kb', parameterLimit: size.fields ?? 1000 }));
    return parsed.next<C & { input: z.output<S> }>(async (req, res, context) => {
      const result = schema.safeParse(req.body ?? {});
      if (result.success) {
        mergeInput(context, result.data);
        return;
      }
      const page = await invalid({ ...(context as C), req, res }, describeZodError(result.error));
      res.status(400).type('html').send(page);
    });
  }

  /** The record the route acts on; none is a 404 naming `what`. */
  load<R>(loader: (req: Request, context: C) => Promise<R | undefined> | R | undefined, what: string): RouteBuilder<C & { record: R }> {
    return this.next<C & { record: R }>(async (req, _res, context) => {
      const record = await loader(req, context as C);
      if (record === undefined) throw notFound(what);
      context.record = record;
    });
  }

  /** Asks the policy whether the actor may take this action on the record; a refusal is a 403. */
  authorize<P extends Policy<RecordOf<C>>>(policy: P, action: keyof P & string, denied?: string): RouteBuilder<C> {
    return this.next<C>((_req, _res, context) => {
      if (!policy[action](context.actor as Actor, context.record as RecordOf<C>)) throw forbidden(denied);
    });
  }

  /** The handler: it answers (json, html, redirect) with `res`. */
  handle(handler: (context: C & RequestContext) => unknown) {
    const steps = this.steps;
    this.router[this.method](this.path, ...this.middleware, async (req: Request, res: Response) => {
      const context = contextOf(res);
      for (const step of steps) {
        await step(req, res, context);
        if (res.headersSent) return; // a step answered (an invalid form shown again)
      }
      // A tool page's state-changing request carries its session's CSRF token (the body is parsed by now).
      if (context.session) checkCsrf(req, context.session as AppSession);
      await handler({ ...(context as C), req, res });
    });
  }
}

function runSteps(steps: Step[]): RequestHandler {
  return async (req, res, next) => {
    const context = contextOf(res);
    for (const step of steps) {
      await step(req, res, context);
      if (res.headersSent) return;
    }
    next();
  };
}

/** Starts a route on a router: `route(router, 'post', '/attempts/:attemptId/events').use(limit).authenticate(…)…`. */
export function route(router: Router, method: Method, path: string): RouteBuilder<object> {
  return new RouteBuilder<object>(router, method, path);
}
