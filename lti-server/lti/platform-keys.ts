// The RSA key pair ltijs makes for each registered platform. ltijs makes it with generateKeyPairSync (4096 bits),
// which stalls every request for seconds; this makes the same pair on libuv's thread pool, one at a time, and
// stores it exactly as ltijs does. Installed once, before any platform is registered.
import { generateKeyPair, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

type LtiDatabase = {
  Get(key: false, collection: string, query: Record<string, unknown>): Promise<unknown>;
  Replace(key: string, collection: string, query: Record<string, unknown>, item: Record<string, unknown>, index: Record<string, unknown>): Promise<unknown>;
};
type AuthClass = { generatePlatformKeyPair(encryptionKey: string, database: LtiDatabase, platformUrl: string, clientId: string): Promise<string> };

const makePair = promisify(generateKeyPair);
let previous: Promise<unknown> = Promise.resolve();

async function platformKeyPair(encryptionKey: string, database: LtiDatabase, platformUrl: string, clientId: string) {
  let kid = randomBytes(16).toString('hex');
  while (await database.Get(false, 'publickey', { kid })) kid = randomBytes(16).toString('hex');
  const { publicKey, privateKey } = await makePair('rsa', {
    modulusLength: 4096, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const index = { kid, platformUrl, clientId };
  await database.Replace(encryptionKey, 'publickey', { platformUrl, clientId }, { key: publicKey, kid }, index);
  await database.Replace(encryptionKey, 'privatekey', { platformUrl, clientId }, { key: privateKey, kid }, index);
  return kid;
}

export function installAsyncPlatformKeys() {
  const require = createRequire(import.meta.url);
  const auth = require('ltijs/dist/Utils/Auth.js') as AuthClass;
  auth.generatePlatformKeyPair = (...args) => {
    // One at a time: a burst of registrations queues instead of filling the thread pool.
    const run = previous.then(() => platformKeyPair(...args));
    previous = run.then(() => undefined, (error: unknown) => error);
    return run;
  };
}
