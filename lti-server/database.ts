// One Drizzle handle over either a PostgreSQL server or embedded PGlite; migrations run before anything else uses it.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { fromPglite, type ConstructorOptions } from 'pg-boss';
import * as schema from '../models/schema.ts';
import type { Config } from './config.ts';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/** LISTEN on a channel; the returned function stops. Messages published with `pg_notify` from any process arrive. */
export type Listen = (channel: string, onMessage: (payload: string) => void) => Promise<() => Promise<void>>;

export type DatabaseHandle = {
  db: Database;
  listen: Listen;
  /** How pg-boss reaches the same database. */
  queueOptions: ConstructorOptions;
  close(): Promise<void>;
};

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), '../models/migrations');

export class DatabaseUnavailableError extends Error {}

export async function openDatabase(config: Config['database']): Promise<DatabaseHandle> {
  if (config.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: config.url, max: 20 });
    // An idle connection can die (database restart, admin command); without a listener that would crash the
    // process. The pool drops it and opens another on the next query.
    pool.on('error', (error) => console.error(`[database] idle connection lost: ${error.message}`));
    try {
      const db = drizzlePg(pool, { schema });
      await migratePg(db, { migrationsFolder });
      return {
        db: db as unknown as Database,
        listen: (channel, onMessage) => listenOnServer(config.url, channel, onMessage),
        queueOptions: { connectionString: config.url, max: 5 },
        close: () => pool.end(),
      };
    } catch (error) {
      // The connection failed: the pool has nothing to close cleanly, and the error below says why.
      await pool.end().catch((closeError: Error) => console.warn(`Closing the failed database pool: ${closeError.message}`));
      const target = config.url.replace(/\/\/[^@/]*@/, '//***@');
      throw new DatabaseUnavailableError(`Cannot use the database at ${target}: ${(error as Error).message}`);
    }
  }
  try {
    mkdirSync(config.dir, { recursive: true });
    const client = new PGlite(config.dir);
    await client.waitReady;
    const db = drizzlePglite(client, { schema });
    await migratePglite(db, { migrationsFolder });
    return {
      db: db as unknown as Database,
      // One process holds an embedded database: its own notifications are all there are.
      listen: async (channel, onMessage) => {
        const stop = await client.listen(channel, onMessage);
        return async () => { await stop(); };
      },
      queueOptions: { db: fromPglite(client), backend: 'pglite' },
      close: () => client.close(),
    };
  } catch (error) {
    throw new DatabaseUnavailableError(`Cannot open the embedded database in ${config.dir}: ${(error as Error).message}`);
  }
}

/**
 * A connection of its own that LISTENs (a pooled one would be handed to other queries). When it is lost (a database
 * restart) it connects again after a second and listens again; what was published meanwhile is not replayed, so
 * listeners re-read state on `onMessage('')`, the reconnect signal.
 */
async function listenOnServer(url: string, channel: string, onMessage: (payload: string) => void) {
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const quoted = `"${channel.replace(/"/g, '""')}"`;
  const close = (c: pg.Client) => c.end().catch((error: Error) => console.warn(`[database] closing the ${channel} listener: ${error.message}`));
  const again = () => {
    if (!stopped) retry = setTimeout(() => void connect(true).catch((error: Error) => console.error(`[database] the ${channel} listener: ${error.message}`)), 1000);
  };
  async function connect(reconnecting: boolean) {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (n) => { if (n.channel === channel) onMessage(n.payload ?? ''); });
    next.on('error', (error) => {
      console.error(`[database] the ${channel} listener lost its connection: ${error.message}; connecting again`);
      void close(next);
      again();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${quoted}`);
    } catch (error) {
      await close(next);
      if (!reconnecting) throw error;
      console.error(`[database] the ${channel} listener could not connect: ${(error as Error).message}; trying again`);
      again();
      return;
    }
    client = next;
    if (reconnecting) onMessage('');
  }
  await connect(false);
  return async () => {
    stopped = true;
    clearTimeout(retry);
    if (client) await close(client);
  };
}
