// A local S3 (s3rver) for `npm start` and tests, so nothing has to be installed to try Invigil.
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import S3rver from 's3rver';

export type EmbeddedS3 = { endpoint: string; close(): Promise<void> };

export async function startEmbeddedS3(options: { directory: string; port: number; host?: string }): Promise<EmbeddedS3> {
  // s3rver's paged listings need the legacy OpenSSL provider on Node 17+.
  if (!/--openssl-legacy-provider/.test(process.env.NODE_OPTIONS ?? '') && !process.execArgv.includes('--openssl-legacy-provider')) {
    process.emitWarning('s3rver paged listings need NODE_OPTIONS=--openssl-legacy-provider');
  }
  mkdirSync(options.directory, { recursive: true });
  const host = options.host ?? '127.0.0.1';
  const server = new S3rver({ port: options.port, address: host, directory: options.directory, silent: true });
  const address = (await server.run()) as AddressInfo;
  return {
    endpoint: `http://${host}:${address.port}`,
    close: () => server.close(),
  };
}
