// TLS in front of a test Invigil, as a reverse proxy in front of a real install: the browser and the LMS see
// https://invigil.tool.test:<port>, Invigil itself serves plain HTTP on loopback. `dropCookies` stands in for a
// browser that keeps no third-party cookies at all, not even partitioned ones (the platform-storage path).
import http from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { LoopbackTls } from '../lti-platform/canvas/tls.ts';

export async function startTlsFront(tls: LoopbackTls, port: number, target: () => number) {
  let dropCookies: RegExp | undefined;
  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const headers = { ...req.headers, 'x-forwarded-proto': 'https' };
    if (dropCookies && typeof headers.cookie === 'string') {
      headers.cookie = headers.cookie.split(/;\s*/).filter((c) => !dropCookies!.test(c.split('=')[0])).join('; ');
    }
    const upstream = http.request({ host: '127.0.0.1', port: target(), method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    /** Cookies whose name matches never reach Invigil (null: all do again). */
    dropCookies(pattern: RegExp | null) {
      dropCookies = pattern ?? undefined;
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
