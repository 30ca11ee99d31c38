import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dataDir = mkdtempSync(path.join(tmpdir(), 'invigil-cli-'));
// The CLI as `npm run platform` runs it, minus npm: this Node with tsx's loader. Each run opens the embedded database
// and ltijs (a per-process singleton), so each is a process of its own; on a loaded machine that takes a while, hence
// the generous per-test limits below (a safety net, not a margin the test depends on).
const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'lti-server/cli/platform.ts', ...args], { env: { ...process.env, DATA_DIR: dataDir } })
  .then(({ stdout }) => ({ code: 0, stdout, stderr: '' }), (e: { code: number; stdout: string; stderr: string }) => e);

describe('npm run platform', () => {
  it('adds, lists, deactivates and removes a platform', async () => {
    const added = await cli('add', '--url', 'https://moodle.example.edu', '--client-id', 'abc123', '--name', 'Moodle',
      '--auth-endpoint', 'https://moodle.example.edu/mod/lti/auth.php', '--token-endpoint', 'https://moodle.example.edu/mod/lti/token.php',
      '--jwks-url', 'https://moodle.example.edu/mod/lti/certs.php');
    expect(added.stdout).toContain('Registered https://moodle.example.edu (client abc123)');
    expect((await cli('list')).stdout).toMatch(/active\s+https:\/\/moodle\.example\.edu\s+client abc123\s+\(Moodle\)/);
    expect((await cli('deactivate', '--url', 'https://moodle.example.edu', '--client-id', 'abc123')).stdout).toContain('is now inactive');
    expect((await cli('list')).stdout).toMatch(/inactive\s+https:\/\/moodle\.example\.edu/);
    expect((await cli('remove', '--url', 'https://moodle.example.edu', '--client-id', 'abc123')).stdout).toContain('Removed');
    expect((await cli('list')).stdout).toContain('No platforms registered.');
    // A one-time Dynamic Registration link, with its expiry.
    const invite = await cli('invite', '--hours', '2');
    expect(invite.stdout).toMatch(/one use, until \d{4}-\d\d-\d\dT[\d:.]+Z/);
    expect(invite.stdout).toMatch(/http:\/\/localhost:\d+\/lti\/register\?invite=[\w-]{32}\n/);
  }, 600_000);

  it('explains bad input without a stack trace', async () => {
    const missing = await cli('add', '--url', 'https://lms.example');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Missing --client-id, --auth-endpoint, --token-endpoint, --jwks-url.');
    const badUrl = await cli('add', '--url', 'not-a-url', '--client-id', 'x', '--auth-endpoint', 'x', '--token-endpoint', 'x', '--jwks-url', 'x');
    expect(badUrl.code).toBe(1);
    expect(badUrl.stderr).toContain('the platform issuer must be a URL');
    const unknown = await cli('remove', '--url', 'https://nowhere.example', '--client-id', 'x');
    expect(unknown.stderr).toContain('No platform registered with issuer https://nowhere.example and client id x.');
    for (const r of [missing, badUrl, unknown]) expect(r.stderr).not.toMatch(/\n\s+at /);
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('invite', '--hours', 'soon')).stderr).toContain('--hours must be a number of hours');
  }, 600_000);
});
