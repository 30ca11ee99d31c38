// Vitest global set-up for the tiers that need PostgreSQL: use TEST_DATABASE_URL, else the machine's server on
// 127.0.0.1:5432, else start a throwaway server in a temporary folder for this run (stopped and removed afterwards).
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

const machineDefault = 'postgres://postgres@127.0.0.1:5432/postgres';

async function answers(url: string) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch((error: Error) => error); // a client that never connected has nothing to end
  }
}

function postgresBin(name: string) {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const candidate = path.join(root, v, 'bin', name);
    if (existsSync(candidate)) return candidate;
  }
  return name; // on the PATH, or the spawn fails with a clear ENOENT
}

async function freePort() {
  const { createServer } = await import('node:net');
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user Debian's package creates. */
function asServerUser(command: string, args: string[]) {
  return process.getuid?.() === 0 ? { command: 'runuser', args: ['-u', 'postgres', '--', command, ...args] } : { command, args };
}

/** A PostgreSQL server of its own in a temporary folder (tests that restart their database use one too). */
export async function startThrowaway() {
  const dir = mkdtempSync(path.join(tmpdir(), 'invigil-pg-'));
  chmodSync(dir, 0o777);
  const data = path.join(dir, 'data');
  const port = await freePort();
  const init = asServerUser(postgresBin('initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  execFileSync(init.command, init.args, { stdio: 'ignore' });
  const start = asServerUser(postgresBin('postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200']);
  let server = spawn(start.command, start.args, { stdio: 'ignore' });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  for (let i = 0; i < 300 && !(await answers(url)); i++) {
    if (server.exitCode !== null) throw new Error(`The throwaway PostgreSQL server exited (${server.exitCode}).`);
    await new Promise((r) => setTimeout(r, 200));
  }
  if (!(await answers(url))) throw new Error('The throwaway PostgreSQL server did not answer within a minute.');
  return {
    url,
    /** Restarts the server as an administrator would (fast shutdown: connections are cut), on the same port. */
    async restart() {
      const stop = asServerUser(postgresBin('pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
      execFileSync(stop.command, stop.args, { stdio: 'ignore', timeout: 90_000 });
      server.unref();
      const again = spawn(start.command, start.args, { stdio: 'ignore' });
      again.unref();
      for (let i = 0; i < 300 && !(await answers(url)); i++) await new Promise((r) => setTimeout(r, 200));
      if (!(await answers(url))) throw new Error('The PostgreSQL server did not come back within a minute.');
      server = again;
    },
    async stop() {
      // pg_ctl signals the server through its pid file: runuser, in between as root, does not pass signals on.
      const stop = asServerUser(postgresBin('pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
      try {
        execFileSync(stop.command, stop.args, { stdio: 'ignore', timeout: 90_000 });
      } catch (error) {
        console.warn(`pg_ctl stop failed (${(error as Error).message}); killing the throwaway server.`);
        server.kill('SIGKILL');
      }
      // Never hold the test run open on the server's process handle, whatever happened above.
      server.unref();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Test files read the address from TEST_DATABASE_URL (workers are forked after this set-up and inherit it). */
function use(project: TestProject, url: string) {
  process.env.TEST_DATABASE_URL = url;
  project.provide('databaseUrl', url);
}

export default async function setup(project: TestProject) {
  const asked = process.env.TEST_DATABASE_URL;
  if (asked) {
    if (!(await answers(asked))) throw new Error(`TEST_DATABASE_URL (${asked}) does not answer.`);
    use(project, asked);
    return undefined;
  }
  if (await answers(machineDefault)) {
    use(project, machineDefault);
    return undefined;
  }
  console.log('No PostgreSQL answers on 127.0.0.1:5432: starting a throwaway server for this run.');
  const throwaway = await startThrowaway();
  use(project, throwaway.url);
  return () => throwaway.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}
