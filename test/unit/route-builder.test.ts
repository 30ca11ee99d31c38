// The route chain: each step's refusal (401, 400, 404, 403) and the typed context the handler receives. The
// `@ts-expect-error` lines are checked by `npm run typecheck`: an action the policy lacks does not compile.
import type { AddressInfo } from 'node:net';
import express, { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Actor } from '../../lti-server/http/actors.ts';
import { errorHandler, redactedUrl, unauthorized } from '../../lti-server/http/errors.ts';
import { route, type Policy } from '../../lti-server/http/route.ts';

type Note = { id: string; owner: string; text: string };
const notes = new Map<string, Note>([['n1', { id: 'n1', owner: 'att-1', text: 'hello' }]]);
const notePolicy = {
  read: (actor: Actor, note: Note) => actor.kind === 'extension' && actor.attemptId === note.owner,
} satisfies Policy<Note>;

const bearer = (req: express.Request) => {
  const id = req.get('authorization')?.replace(/^Bearer /, '');
  if (!id) throw unauthorized();
  return { actor: { kind: 'extension' as const, attemptId: id } };
};

let base: string;
let server: ReturnType<express.Express['listen']>;
beforeAll(async () => {
  const router = Router();
  route(router, 'post', '/notes/:id').use(express.json()).authenticate(bearer).validate(z.object({ suffix: z.string().max(5) }))
    .load((req) => notes.get(String(req.params.id)), 'That note').authorize(notePolicy, 'read')
    .handle(({ res, actor, record, input }) => {
      // Typed all the way: these would not compile if the chain lost a type.
      const text: string = record.text + input.suffix;
      const attemptId: string = actor.attemptId;
      res.json({ text, attemptId });
    });
  // @ts-expect-error 'delete' is not an action of notePolicy
  route(router, 'get', '/never').authenticate(bearer).load(() => notes.get('n1'), 'x').authorize(notePolicy, 'delete');
  // @ts-expect-error authorize needs a loaded record
  route(router, 'get', '/never2').authenticate(bearer).authorize(notePolicy, 'read');
  const app = express().use(router).use(errorHandler('json'));
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

const post = (path: string, body: unknown, token?: string) => fetch(`${base}${path}`, {
  method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body),
}).then(async (r) => ({ status: r.status, body: await r.json() as Record<string, unknown> }));

describe('the route chain', () => {
  it('runs authenticate, validate, load and authorize in order, then the handler with typed context', async () => {
    expect((await post('/notes/n1', { suffix: '!' })).status).toBe(401);
    expect((await post('/notes/n1', { suffix: 'too long' }, 'att-1')).status).toBe(400);
    expect((await post('/notes/nope', { suffix: '!' }, 'att-1'))).toMatchObject({ status: 404, body: { error: { message: 'That note was not found.' } } });
    expect((await post('/notes/n1', { suffix: '!' }, 'att-2')).status).toBe(403);
    expect(await post('/notes/n1', { suffix: '!' }, 'att-1')).toEqual({ status: 200, body: { text: 'hello!', attemptId: 'att-1' } });
  });
});

describe('error logs', () => {
  it('name a request\'s parameters, never their values', () => {
    expect(redactedUrl('/app/quizzes/1/take?session=eyJhbGciOi.secret&saved=1')).toBe('/app/quizzes/1/take?session=…&saved=…');
    expect(redactedUrl('/ext/attempts/1/removed?key=abc')).toBe('/ext/attempts/1/removed?key=…');
    expect(redactedUrl('/healthz')).toBe('/healthz');
  });
});
