// Starts a whole Invigil (real PostgreSQL database of its own, embedded s3rver, job queue, web server) for a test file.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../lti-server/config.ts';
import { startInvigil } from '../../lti-server/main.ts';

/**
 * The PostgreSQL server tests use; each test file gets a database of its own on it. The tests' global set-up
 * (test/setup/postgres.ts) sets TEST_DATABASE_URL, starting a throwaway server when none answers.
 */
export const testDatabaseServer = () => process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function createTestDatabase() {
  const name = `invigil_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testDatabaseServer() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(testDatabaseServer());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: testDatabaseServer() });
      await c.connect();
      // Pools close their connections asynchronously: give them a moment before the forced drop cuts them off.
      const stillOpen = () => c.query('select application_name, state, left(query, 120) as query from pg_stat_activity where datname = $1', [name]);
      let open = await stillOpen();
      for (let i = 0; i < 50 && open.rows.length; i++) {
        await new Promise((r) => setTimeout(r, 100));
        open = await stillOpen();
      }
      if (open.rows.length) console.warn(`Connections still open on ${name}: ${JSON.stringify(open.rows)}`);
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function startTestInvigil(environment: Record<string, string> = {}) {
  const database = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'invigil-test-'));
  const port = await freePort();
  const config = loadConfig({
    NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: `http://localhost:${port}`, DATA_DIR: dataDir,
    DATABASE_URL: database.url, EMBEDDED_S3_PORT: '0',
    LTI_KEY: randomBytes(32).toString('hex'), APP_SECRET: randomBytes(32).toString('hex'),
    ...environment,
  });
  const running = await startInvigil(config);
  return {
    ...running,
    config,
    url: config.publicUrl,
    databaseUrl: database.url,
    async close() {
      await running.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
export type TestInvigil = Awaited<ReturnType<typeof startTestInvigil>>;
