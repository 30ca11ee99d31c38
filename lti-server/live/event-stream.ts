// One dashboard's Server-Sent Events stream: the whole state first, then what the feed delivers, a comment every
// 20 s so proxies keep the connection, and the subscription dropped when the browser goes.
import type { Request, Response } from 'express';
import { sseFrame, type SessionFeed } from './session-feed.ts';

const keepAliveMs = 20_000;

export function openEventStream(req: Request, res: Response, feed: SessionFeed, sessionId: string, initial: { event: string; data: unknown }[]) {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    // nginx and similar fronts buffer responses unless told not to.
    'x-accel-buffering': 'no',
  });
  // A reconnecting browser waits 3 s, then gets the whole state again (so events carry no ids to resume from).
  res.write(`retry: 3000\n\n${initial.map((e) => sseFrame(e.event, e.data)).join('')}`);
  const unsubscribe = feed.subscribe(sessionId, { write: (frame) => res.write(frame) });
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), keepAliveMs);
  keepAlive.unref();
  req.on('close', () => {
    clearInterval(keepAlive);
    unsubscribe();
  });
}
