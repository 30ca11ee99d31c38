// ltijs's database contract on our Drizzle handle (PGlite here; the LTI integration tests use PostgreSQL).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../lti-server/database.ts';
import { createLtiDatabasePlugin, decryptDocument, encryptDocument, purgeExpiredLtiDocuments } from '../../lti-server/lti/database-plugin.ts';

let dir: string;
let handle: DatabaseHandle;
let plugin: ReturnType<typeof createLtiDatabasePlugin>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'invigil-pglite-'));
  handle = await openDatabase({ kind: 'pglite', dir });
  plugin = createLtiDatabasePlugin(handle.db);
});
afterAll(async () => {
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function selectRows<T>(query: SQL) {
  // PGlite's and node-postgres's results both carry `rows`.
  const result: unknown = await handle.db.execute(query);
  return (result as { rows: T[] }).rows;
}

describe('the ltijs database plugin', () => {
  it('stores, finds by equality, modifies and deletes plain documents', async () => {
    expect(await plugin.Get(false, 'platform', { platformUrl: 'https://lms.example' })).toBe(false);
    await plugin.Insert(false, 'platform', { platformUrl: 'https://lms.example', clientId: 'a', kid: 'k1', authConfig: { method: 'JWK_SET', key: 'u' } });
    await plugin.Insert(false, 'platform', { platformUrl: 'https://lms.example', clientId: 'b', kid: 'k2' });
    expect(await plugin.Get(false, 'platform', { platformUrl: 'https://lms.example' })).toHaveLength(2);
    const [a] = (await plugin.Get(false, 'platform', { platformUrl: 'https://lms.example', clientId: 'a' })) as Record<string, unknown>[];
    expect(a).toMatchObject({ kid: 'k1', authConfig: { method: 'JWK_SET', key: 'u' } });
    await plugin.Modify(false, 'platform', { kid: 'k1' }, { platformName: 'Moodle' });
    expect(((await plugin.Get(false, 'platform', { kid: 'k1' })) as Record<string, unknown>[])[0]).toMatchObject({ platformName: 'Moodle', clientId: 'a' });
    await plugin.Delete('platform', { kid: 'k1' });
    expect(await plugin.Get(false, 'platform', { kid: 'k1' })).toBe(false);
    expect(await plugin.Get(false, 'platform', { kid: 'k2' })).toHaveLength(1);
  });

  it('encrypts keys at rest in ltijs\'s own format and replaces by query', async () => {
    const key = 'x'.repeat(40);
    await plugin.Replace(key, 'privatekey', { kid: 'k9' }, { key: '-----BEGIN RSA PRIVATE KEY-----', kid: 'k9' }, { kid: 'k9', platformUrl: 'u', clientId: 'c' });
    await plugin.Replace(key, 'privatekey', { kid: 'k9' }, { key: 'second', kid: 'k9' }, { kid: 'k9', platformUrl: 'u', clientId: 'c' });
    const rows = (await plugin.Get(key, 'privatekey', { kid: 'k9' })) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0].key).toBe('second');
    const raw = await selectRows<{ doc: { iv: string; data: string; kid: string } }>(sql`select doc from lti_documents where collection = 'privatekey'`);
    const doc = raw[0].doc;
    expect(JSON.stringify(doc)).not.toContain('second');
    expect(doc.kid).toBe('k9');
    expect(decryptDocument(doc, key)).toEqual({ key: 'second', kid: 'k9' });
    expect(() => decryptDocument(encryptDocument({ a: 1 }, key), 'y'.repeat(40))).toThrow();
  });

  it('refuses a nonce it has seen, even when inserted twice at once', async () => {
    await plugin.Insert(false, 'nonce', { nonce: 'n-1' });
    expect(await plugin.Get(false, 'nonce', { nonce: 'n-1' })).toHaveLength(1);
    await expect(plugin.Insert(false, 'nonce', { nonce: 'n-1' })).rejects.toThrow();
    const results = await Promise.allSettled([plugin.Insert(false, 'nonce', { nonce: 'n-2' }), plugin.Insert(false, 'nonce', { nonce: 'n-2' })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('forgets documents past their lifetime (state: 10 minutes) and purges them', async () => {
    await plugin.Insert(false, 'state', { state: 'old', query: {} });
    await handle.db.execute(sql`update lti_documents set created_at = now() - interval '11 minutes' where doc->>'state' = 'old'`);
    await plugin.Insert(false, 'state', { state: 'fresh', query: {} });
    expect(await plugin.Get(false, 'state', { state: 'old' })).toBe(false);
    expect(await plugin.Get(false, 'state', { state: 'fresh' })).toHaveLength(1);
    await purgeExpiredLtiDocuments(handle.db);
    const left = await selectRows<{ state: string }>(sql`select doc->>'state' as state from lti_documents where collection = 'state'`);
    expect(left.map((r) => r.state)).toEqual(['fresh']);
  });
});
