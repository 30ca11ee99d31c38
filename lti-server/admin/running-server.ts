// How the command line finds the running server, so admin changes go through it (the embedded PGlite database can
// be open in one process only: a CLI writing its own copy would be overwritten when the server stops). The server
// leaves its local address in the data folder while it runs; admin requests carry the install's admin key.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const serverFile = (dataDir: string) => path.join(dataDir, 'server.json');
const keyFile = (dataDir: string) => path.join(dataDir, 'admin-key');

/** The install's admin key: made on the first start (`created` says so, to print it once), kept in the data folder. */
export function adminKey(dataDir: string, fromEnvironment?: string): { key: string; created: boolean; file: string } {
  const file = keyFile(dataDir);
  if (fromEnvironment) return { key: fromEnvironment, created: false, file };
  if (existsSync(file)) return { key: readFileSync(file, 'utf8').trim(), created: false, file };
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(24).toString('base64url');
  writeFileSync(file, key, { mode: 0o600 });
  return { key, created: true, file };
}

export function announceServer(dataDir: string, url: string) {
  writeFileSync(serverFile(dataDir), JSON.stringify({ url, pid: process.pid }), { mode: 0o600 });
}

export function withdrawServer(dataDir: string) {
  const file = serverFile(dataDir);
  if (!existsSync(file)) return;
  const { pid } = JSON.parse(readFileSync(file, 'utf8')) as { pid: number };
  if (pid === process.pid) rmSync(file, { force: true });
}

/** The running server's local address, if one runs on this data folder and answers. */
export async function runningServer(dataDir: string): Promise<string | undefined> {
  const file = serverFile(dataDir);
  if (!existsSync(file)) return undefined;
  const { url, pid } = JSON.parse(readFileSync(file, 'utf8')) as { url: string; pid: number };
  try {
    process.kill(pid, 0);
  } catch {
    return undefined; // the process is gone (a crash left the file): nobody to talk to
  }
  const answer = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) }).then((r) => r.ok, () => false);
  return answer ? url : undefined;
}
