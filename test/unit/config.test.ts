import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lti-server/config.ts';

const run = promisify(execFile);
const dataDir = () => mkdtempSync(path.join(tmpdir(), 'invigil-config-'));

describe('settings from the environment', () => {
  it('defaults to an embedded database and bucket, keeping generated secrets across restarts', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    expect(first.database).toEqual({ kind: 'pglite', dir: path.join(dir, 'db') });
    expect(first.s3.embedded).toBe(true);
    expect(first.publicUrl).toBe('http://localhost:3000');
    expect(loadConfig({ DATA_DIR: dir }).appSecret).toBe(first.appSecret);
  });

  it('names every bad or missing setting in one clear message', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', PUBLIC_URL: 'ftp://x' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', PUBLIC_URL: 'ftp://x' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('PORT');
      expect(message).toContain('DATABASE_URL: must be a postgres:// or postgresql:// URL');
      expect(message).toContain('PUBLIC_URL');
    }
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir() })).toThrow(/PUBLIC_URL: required when NODE_ENV=production[\s\S]*DATABASE_URL/);
    expect(() => loadConfig({ DATA_DIR: dataDir(), S3_BUCKET: 'recordings' })).toThrow(/S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY/);
  });

  it('stops with a non-zero exit and a readable message when the database is unreachable', async () => {
    const error = await run('npx', ['tsx', 'lti-server/main.ts'], {
      env: { ...process.env, DATA_DIR: dataDir(), PORT: '0', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
      timeout: 60_000,
    }).then(() => undefined, (e: { code: number; stderr: string }) => e);
    expect(error?.code).toBe(1);
    expect(error?.stderr).toContain('Invigil cannot start.');
    expect(error?.stderr).toContain('Cannot use the database at postgres://***@127.0.0.1:1/none');
    expect(error?.stderr).not.toMatch(/\n\s+at /);
  });
});
