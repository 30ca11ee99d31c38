// ltijs's database plugin on our Drizzle handle. ltijs speaks in MongoDB-style documents and equality queries,
// which map onto one jsonb table (containment) plus a real table for nonces.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { and, eq, lt, sql } from 'drizzle-orm';
import type { DatabasePlugin } from 'ltijs';
import { ltiDocuments, ltiNonces } from '../../models/schema.ts';
import type { Database } from '../database.ts';

/** How long each collection's documents live, as ltijs's own schemas say (seconds). */
export const lifetimes: Record<string, number | undefined> = {
  idtoken: 24 * 3600,
  contexttoken: 24 * 3600,
  accesstoken: 3600,
  state: 600,
  // Must outlive tokenMaxAge, or a token could be replayed once its nonce is forgotten.
  nonce: 24 * 3600,
};

type Doc = Record<string, unknown>;

function cipherKey(secret: string) {
  return createHash('sha256').update(secret).digest().subarray(0, 32);
}

// Same format as ltijs's own (aes-256-cbc, hex iv and data), so stored keys stay readable by either.
export function encryptDocument(data: Doc, secret: string) {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', cipherKey(secret), iv);
  const encrypted = Buffer.concat([cipher.update(JSON.stringify(data)), cipher.final()]);
  return { iv: iv.toString('hex'), data: encrypted.toString('hex') };
}

export function decryptDocument(doc: { iv: string; data: string }, secret: string): Doc {
  const decipher = createDecipheriv('aes-256-cbc', cipherKey(secret), Buffer.from(doc.iv, 'hex'));
  const plain = Buffer.concat([decipher.update(Buffer.from(doc.data, 'hex')), decipher.final()]);
  return JSON.parse(plain.toString()) as Doc;
}

export function createLtiDatabasePlugin(db: Database): DatabasePlugin {
  const notExpired = (collection: string) => {
    const seconds = lifetimes[collection];
    return seconds ? sql`${ltiDocuments.createdAt} > now() - make_interval(secs => ${seconds})` : sql`true`;
  };
  const matching = (collection: string, query?: Doc) => and(
    eq(ltiDocuments.collection, collection),
    query && Object.keys(query).length ? sql`${ltiDocuments.doc} @> ${JSON.stringify(query)}::jsonb` : undefined,
  );

  const nonces = {
    async get(query?: Doc) {
      const nonce = typeof query?.nonce === 'string' ? query.nonce : '';
      const rows = await db.select().from(ltiNonces).where(eq(ltiNonces.nonce, nonce));
      return rows.length ? rows.map((r) => ({ nonce: r.nonce, createdAt: r.createdAt })) : false;
    },
    // A duplicate nonce violates the primary key, so a replay is refused even if two arrive at once.
    async insert(item: Doc) {
      await db.insert(ltiNonces).values({ nonce: String(item.nonce) });
    },
  };

  return {
    // Our database is migrated and connected before ltijs starts (DESIGN.md: a failing setup exits the process).
    setup: () => Promise.resolve(true),
    Close: () => Promise.resolve(true),
    async Get(key, collection, query) {
      if (collection === 'nonce') return nonces.get(query);
      const rows = await db.select().from(ltiDocuments).where(and(matching(collection, query), notExpired(collection)));
      if (!rows.length) return false;
      return rows.map((row) => {
        const doc = key ? decryptDocument(row.doc as { iv: string; data: string }, key) : { ...row.doc };
        return { ...doc, createdAt: row.createdAt.getTime() };
      });
    },
    async Insert(key, collection, item, index) {
      if (!collection || !item || (key && !index)) throw new Error('MISSING_PARAMS');
      if (collection === 'nonce') {
        await nonces.insert(item);
        return true;
      }
      const doc = key ? { ...index, ...encryptDocument(item, key) } : item;
      await db.insert(ltiDocuments).values({ collection, doc });
      return true;
    },
    async Replace(key, collection, query, item, index) {
      if (!collection || !item || (key && !index)) throw new Error('MISSING_PARAMS');
      const doc = key ? { ...index, ...encryptDocument(item, key) } : item;
      await db.transaction(async (tx) => {
        await tx.delete(ltiDocuments).where(matching(collection, query));
        await tx.insert(ltiDocuments).values({ collection, doc });
      });
      return true;
    },
    async Modify(key, collection, query, modification) {
      if (!collection || !query || !modification) throw new Error('MISSING_PARAMS');
      await db.transaction(async (tx) => {
        const rows = await tx.select().from(ltiDocuments).where(matching(collection, query)).limit(1);
        if (!rows.length) return;
        const row = rows[0];
        const doc = key
          ? { ...row.doc, ...encryptDocument({ ...decryptDocument(row.doc as { iv: string; data: string }, key), ...modification }, key) }
          : { ...row.doc, ...modification };
        await tx.update(ltiDocuments).set({ doc }).where(eq(ltiDocuments.id, row.id));
      });
      return true;
    },
    async Delete(collection, query) {
      if (!collection || !query) throw new Error('MISSING_PARAMS');
      if (collection === 'nonce') {
        await db.delete(ltiNonces).where(eq(ltiNonces.nonce, String(query.nonce)));
        return true;
      }
      await db.delete(ltiDocuments).where(matching(collection, query));
      return true;
    },
  };
}

/** The issuers of the registered platforms (ltijs keeps platform documents unencrypted, keyed by platformUrl). */
export async function platformIssuers(db: Database): Promise<string[]> {
  const rows = await db.selectDistinct({ url: sql<string | null>`${ltiDocuments.doc}->>'platformUrl'` }).from(ltiDocuments)
    .where(eq(ltiDocuments.collection, 'platform'));
  return rows.flatMap((r) => (r.url ? [r.url] : []));
}

/** Drops what ltijs would have let MongoDB expire. */
export async function purgeExpiredLtiDocuments(db: Database) {
  for (const [collection, seconds] of Object.entries(lifetimes)) {
    if (!seconds) continue;
    if (collection === 'nonce') {
      await db.delete(ltiNonces).where(lt(ltiNonces.createdAt, sql`now() - make_interval(secs => ${seconds})`));
    } else {
      await db.delete(ltiDocuments).where(and(eq(ltiDocuments.collection, collection), lt(ltiDocuments.createdAt, sql`now() - make_interval(secs => ${seconds})`)));
    }
  }
}
