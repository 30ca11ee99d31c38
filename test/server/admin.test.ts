// Admin that sticks: with the server running on its embedded database, `npm run platform` goes through the server,
// so a change takes effect at once (the next launch sees it) and survives a restart; with no server, it opens the
// database itself.
import { execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, test } from 'vitest';
import { startTestPlatform } from '../lti-platform/platform.ts';
import { startServer, stopServer as stop } from '../support/server-process.ts';
import { launch } from '../support/flows.ts';
import { freePort } from '../support/invigil.ts';

const run = promisify(execFile);
const dataDir = mkdtempSync(path.join(tmpdir(), 'invigil-admin-'));
let server: ChildProcess | undefined;
const stopServer = () => stop(server);
afterAll(async () => {
  await stopServer();
  rmSync(dataDir, { recursive: true, force: true });
});

test('platform changes go through the running server, take effect at once, and survive restarts', async () => {
  const port = await freePort();
  // The embedded PGlite database, as `npm start` runs with nothing installed.
  const env = { NODE_ENV: 'test', PORT: String(port), EMBEDDED_S3_PORT: '0', DATA_DIR: dataDir, PUBLIC_URL: `http://localhost:${port}`, NODE_OPTIONS: '--openssl-legacy-provider' };
  const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'lti-server/cli/platform.ts', ...args], { env: { ...process.env, ...env } })
    .then(({ stdout }) => stdout, (e: { stdout: string; stderr: string }) => `${e.stdout}${e.stderr}`);
  const lms = await startTestPlatform({ contextId: 'course-admin' });
  try {
    const invigil = `http://localhost:${port}`;
    lms.registerTool({ loginUrl: `${invigil}/lti/login`, launchUrl: `${invigil}/lti`, jwksUrl: `${invigil}/lti/keys` });
    const c = lms.platformConfig();
    const ref = ['--url', c.url, '--client-id', c.clientId];
    const launched = async () => (await launch(lms, { user: 't', role: 'instructor', message: 'deep_link' })).page;

    server = await startServer(env);
    expect((await launched()).body).toContain('not registered');
    const added = await cli('add', ...ref, '--auth-endpoint', c.authenticationEndpoint, '--token-endpoint', c.accesstokenEndpoint, '--jwks-url', c.authConfig.key);
    expect(added).toContain('(through the running server at http://127.0.0.1:');
    expect(added).toContain(`Registered ${c.url}`);
    expect((await launched()).url).toContain('/app/deep-link'); // at once, no restart
    expect(await cli('deactivate', ...ref)).toContain('is now inactive');
    expect((await launched()).body).toContain('not activated yet');

    // Survives a restart: the server wrote it, nobody overwrites it.
    await stopServer();
    server = await startServer(env);
    expect((await launched()).body).toContain('not activated yet');
    expect(await cli('activate', ...ref)).toContain('is now active');
    await stopServer();
    // No server: the command line opens the database itself, and sees what the server stored.
    const offline = await cli('list');
    expect(offline).not.toContain('through the running server');
    expect(offline).toMatch(new RegExp(`active\\s+${c.url.replace(/[.:/]/g, '\\$&')}`));
    server = await startServer(env);
    expect((await launched()).url).toContain('/app/deep-link');
    // Moodle's web services, through the running server: a bad token is refused with the reason, a good one kept
    // (encrypted) across a restart.
    const functions = ['mod_quiz_get_quizzes_by_courses', 'mod_quiz_save_overrides', 'mod_quiz_get_user_attempts'];
    expect(await cli('moodle-token', '--url', c.url, '--token', 'a'.repeat(32))).toContain('Moodle refused mod_quiz_get_quizzes_by_courses: Invalid token - token not found');
    expect(await cli('moodle-token', '--url', c.url, '--token', lms.moodle.addToken(functions))).toContain(`Moodle's web services connected for ${c.url}`);
    await stopServer();
    server = await startServer(env);
    const { key } = (await import('../../lti-server/admin/running-server.ts')).adminKey(dataDir);
    const listed = await fetch(`http://127.0.0.1:${port}/admin/api/lms-connections`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.json()) as { connections: { issuer: string; siteUrl: string }[] };
    expect(listed.connections).toEqual([expect.objectContaining({ issuer: c.url, siteUrl: c.url })]);
    expect(JSON.stringify(listed)).not.toContain('token');
    // A wrong admin key is refused by the server.
    const wrong = await fetch(`http://127.0.0.1:${port}/admin/api/platforms`, { headers: { authorization: 'Bearer not-the-key-at-all-not-the-key' } });
    expect(wrong.status).toBe(401);
  } finally {
    await lms.close();
  }
}, 300_000);

test('the admin key is made on the first start and kept', async () => {
  const { adminKey } = await import('../../lti-server/admin/running-server.ts');
  const dir = mkdtempSync(path.join(tmpdir(), 'invigil-admin-key-'));
  try {
    const first = adminKey(dir);
    expect(first.created).toBe(true);
    expect(first.key.length).toBeGreaterThanOrEqual(32);
    expect(adminKey(dir)).toEqual({ ...first, created: false });
    expect(adminKey(dir, randomBytes(24).toString('hex')).created).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
