// A local S3 (s3rver) for `npm start` and tests, so nothing has to be installed to try Invigil. s3rver itself lets
// anyone read, write, list and delete, and takes any SigV4 signature: it listens on a private loopback port, and
// the address everyone uses is a front that lets through only requests signed with this install's secret
// (storage/signature-check.ts), plus CORS preflights, which carry no credentials by design.
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import S3rver from 's3rver';
import { verifySignature, type Credentials } from './signature-check.ts';

export type EmbeddedS3 = { endpoint: string; close(): Promise<void> };

/** s3rver looks signers up by access key: ours must be known to it (it checks no V4 signature itself). */
function registerWithS3rver(credentials: Credentials) {
  const require = createRequire(import.meta.url);
  const account = require('s3rver/lib/models/account.js') as { DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void; revokeAccessKey(id: string): void } };
  account.DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
  account.DUMMY_ACCOUNT.createKeyPair(credentials.accessKeyId, credentials.secretAccessKey);
}

const refusal = (code: string, message: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;

export async function startEmbeddedS3(options: { directory: string; port: number; host?: string; credentials: Credentials }): Promise<EmbeddedS3> {
  // s3rver's paged listings need the legacy OpenSSL provider on Node 17+.
  if (!/--openssl-legacy-provider/.test(process.env.NODE_OPTIONS ?? '') && !process.execArgv.includes('--openssl-legacy-provider')) {
    process.emitWarning('s3rver paged listings need NODE_OPTIONS=--openssl-legacy-provider');
  }
  mkdirSync(options.directory, { recursive: true });
  registerWithS3rver(options.credentials);
  const host = options.host ?? '127.0.0.1';
  const inner = new S3rver({ port: 0, address: '127.0.0.1', directory: options.directory, silent: true });
  const innerPort = ((await inner.run()) as AddressInfo).port;

  const front = http.createServer((req, res) => {
    const preflight = req.method === 'OPTIONS' && !!req.headers['access-control-request-method'];
    if (!preflight) {
      const verdict = verifySignature({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers }, options.credentials);
      if (!verdict.ok) {
        // CORS headers on the refusal too, so a browser page sees the 403 rather than a network error.
        const origin = req.headers.origin;
        res.writeHead(403, { 'content-type': 'application/xml', ...(origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {}) });
        res.end(refusal('AccessDenied', `Access denied: ${verdict.reason}.`));
        req.resume();
        return;
      }
    }
    const forward = http.request({ host: '127.0.0.1', port: innerPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/xml' });
      res.end(refusal('InternalError', `The embedded storage did not answer: ${error.message}`));
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.listen(options.port, host, () => resolve());
  });
  return {
    endpoint: `http://${host}:${(front.address() as AddressInfo).port}`,
    async close() {
      front.closeAllConnections();
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await inner.close();
    },
  };
}
