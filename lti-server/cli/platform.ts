// `npm run platform -- <add|list|remove|activate|deactivate> [options]`: manage the LMS platforms this tool trusts.
import { canvasApiKeyInput, type CanvasApiKeyInput } from '../gate/canvas-connections.ts';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../config.ts';
import { openDatabase } from '../database.ts';
import { createTokenService } from '../http/tokens.ts';
import { startLtiProvider } from '../lti/provider.ts';
import { activatePlatform, addPlatform, listPlatforms, platformInput, removePlatform, type PlatformInput } from '../lti/platforms.ts';
import { adminKey, runningServer } from '../admin/running-server.ts';
import { createInvite } from '../lti/registration-invites.ts';
import { z } from 'zod';
import { connectMoodle, lmsConnectionInput, lmsConnectionStore } from '../gate/lms-connections.ts';

type LmsConnectionInput = z.input<typeof lmsConnectionInput>;

const usage = `Usage: npm run platform -- <command> [options]

Commands:
  list                                   List registered platforms
  invite [--hours N]                     Print a one-time Dynamic Registration link (default: valid 24 hours)
  add --url ISSUER --client-id ID --auth-endpoint URL --token-endpoint URL --jwks-url URL [--name NAME]
                                         Register a platform by hand (values from the LMS's tool registration)
  remove --url ISSUER --client-id ID     Remove a platform and its keys
  activate --url ISSUER --client-id ID   Let a dynamically registered platform launch
  deactivate --url ISSUER --client-id ID Stop a platform's launches without removing it
  moodle-token --url ISSUER --token TOKEN [--site URL]
                                         Connect Moodle's web services (per-student quiz passwords, attempts
                                         taken without Invigil); --site when the site address is not the issuer
  moodle-token --url ISSUER --remove     Disconnect them
  canvas-api-key --client-id LTI_ID --site URL --api-client-id ID --api-secret SECRET [--url ISSUER]
                                         Enter a Canvas school's API developer key (the access-code gate); instructors
                                         then authorise it on their courses from a quiz's settings
  admin-link                             Print a link that signs a browser in to the admin page (/admin) for 10 minutes

Moodle: ISSUER is the site URL; auth endpoint /mod/lti/auth.php, token endpoint /mod/lti/token.php, JWKS /mod/lti/certs.php.
Canvas: ISSUER https://canvas.instructure.com; auth https://sso.canvaslms.com/api/lti/authorize_redirect,
        token https://sso.canvaslms.com/login/oauth2/token, JWKS https://sso.canvaslms.com/api/lti/security/jwks.`;

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string' }, 'client-id': { type: 'string' }, name: { type: 'string' },
      'auth-endpoint': { type: 'string' }, 'token-endpoint': { type: 'string' }, 'jwks-url': { type: 'string' },
      hours: { type: 'string' }, token: { type: 'string' }, site: { type: 'string' }, remove: { type: 'boolean' },
      'api-client-id': { type: 'string' }, 'api-secret': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || !command || !['list', 'invite', 'add', 'remove', 'activate', 'deactivate', 'moodle-token', 'canvas-api-key', 'admin-link'].includes(command)) {
    console.log(usage);
    process.exit(values.help ? 0 : 2);
  }
  const needs = (...names: (keyof typeof values)[]) => {
    const missing = names.filter((n) => !values[n]);
    if (missing.length) throw new Error(`Missing ${missing.map((m) => `--${m}`).join(', ')}.\n\n${usage}`);
  };
  const config = loadConfig();
  const serverUrl = await runningServer(config.dataDir);
  // With a server running, its process owns the database (PGlite is single-process): changes go through it.
  const admin = serverUrl ? throughServer(serverUrl, adminKey(config.dataDir, config.adminKey).key) : await direct(config);
  if (serverUrl) console.log(`(through the running server at ${serverUrl})`);
  try {
    if (command === 'list') {
      const platforms = await admin.list();
      if (!platforms.length) console.log('No platforms registered.');
      for (const p of platforms) console.log(`${p.active ? 'active  ' : 'inactive'}  ${p.url}  client ${p.clientId}  (${p.name})`);
    } else if (command === 'invite') {
      const hours = z.coerce.number().positive().max(24 * 30).safeParse(values.hours ?? 24);
      if (!hours.success) throw new Error(`--hours must be a number of hours between 0 and 720, not "${values.hours}".`);
      const { url, expiresAt } = await admin.invite(hours.data);
      console.log(`Dynamic Registration link (one use, until ${expiresAt}):\n${url}\n`
        + 'Paste it as the tool URL in the LMS (Moodle: Site administration > Plugins > External tool > Manage tools; Canvas: Developer Keys > LTI Registration).');
    } else if (command === 'add') {
      needs('url', 'client-id', 'auth-endpoint', 'token-endpoint', 'jwks-url');
      const p = await admin.add({
        url: values.url!, clientId: values['client-id']!, name: values.name, authenticationEndpoint: values['auth-endpoint']!,
        accesstokenEndpoint: values['token-endpoint']!, jwksUrl: values['jwks-url']!,
      });
      console.log(`Registered ${p.url} (client ${p.clientId}).`);
    } else if (command === 'remove') {
      needs('url', 'client-id');
      await admin.remove(values.url!, values['client-id']!);
      console.log(`Removed ${values.url} (client ${values['client-id']}).`);
    } else if (command === 'admin-link') {
      console.log(`Admin page (the link signs you in; valid 10 minutes):\n${await admin.adminLink()}`);
    } else if (command === 'canvas-api-key') {
      needs('client-id', 'site', 'api-client-id', 'api-secret');
      const k = await admin.canvasApiKey({ issuer: values.url ?? 'https://canvas.instructure.com', clientId: values['client-id']!, siteUrl: values.site!, apiClientId: values['api-client-id']!, apiSecret: values['api-secret']! });
      console.log(`Canvas API key ${k.apiClientId} entered for ${k.siteUrl} (LTI client ${k.clientId}). Instructors can now press "Connect Canvas" in a quiz's settings.`);
    } else if (command === 'moodle-token') {
      needs('url');
      if (values.remove) {
        console.log(await admin.disconnect(values.url!) ? `Moodle's web services disconnected from ${values.url}.` : `${values.url} had no web services connected.`);
      } else {
        needs('token');
        const c = await admin.connect({ issuer: values.url!, token: values.token!, siteUrl: values.site });
        console.log(`Moodle's web services connected for ${c.issuer} (site ${c.siteUrl}): each proctored start now gets its own quiz password.`);
      }
    } else {
      needs('url', 'client-id');
      const p = await admin.setActive(values.url!, values['client-id']!, command === 'activate');
      console.log(`${p.url} (client ${p.clientId}) is now ${p.active ? 'active' : 'inactive'}.`);
    }
  } finally {
    await admin.close();
  }
}

type PlatformRow = Awaited<ReturnType<typeof listPlatforms>>[number];
type Admin = {
  list(): Promise<PlatformRow[]>;
  invite(hours: number): Promise<{ url: string; expiresAt: string }>;
  add(input: PlatformInput): Promise<PlatformRow>;
  remove(url: string, clientId: string): Promise<void>;
  setActive(url: string, clientId: string, active: boolean): Promise<PlatformRow>;
  connect(input: LmsConnectionInput): Promise<{ issuer: string; siteUrl: string }>;
  disconnect(issuer: string): Promise<boolean>;
  canvasApiKey(input: CanvasApiKeyInput): Promise<{ clientId: string; siteUrl: string; apiClientId: string }>;
  adminLink(): Promise<string>;
  close(): Promise<void>;
};

/** The running server's admin API (routes/platforms). */
function throughServer(serverUrl: string, key: string): Admin {
  const call = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${serverUrl}/admin/api${path}`, {
      method, headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
    });
    const data = await response.json() as T & { error?: { message: string; details?: { message: string }[] } };
    if (!response.ok) throw new Error([data.error?.message, ...(data.error?.details ?? []).map((d) => d.message)].filter(Boolean).join(' ') || `HTTP ${response.status}`);
    return data;
  };
  return {
    list: async () => (await call<{ platforms: PlatformRow[] }>('GET', '/platforms')).platforms,
    invite: (hours) => call('POST', '/invites', { hours }),
    add: (input) => call('POST', '/platforms', platformInput.parse(input)),
    remove: async (url, clientId) => { await call('POST', '/platforms/remove', { url, clientId }); },
    setActive: (url, clientId, active) => call('POST', '/platforms/state', { url, clientId, active }),
    connect: (input) => call('POST', '/lms-connections', lmsConnectionInput.parse(input)),
    disconnect: async (issuer) => (await call<{ removed: boolean }>('POST', '/lms-connections/remove', { issuer })).removed,
    canvasApiKey: (input) => call('POST', '/canvas-api-keys', canvasApiKeyInput.parse(input)),
    adminLink: async () => (await call<{ url: string }>('POST', '/admin-links')).url,
    close: () => Promise.resolve(),
  };
}

/** No server runs: the command line opens the database itself. */
async function direct(config: Config): Promise<Admin> {
  const database = await openDatabase(config.database);
  const tokens = createTokenService(config.appSecret);
  const lti = await startLtiProvider({ config, db: database.db, tokens });
  const connections = lmsConnectionStore(database.db, config.ltiKey);
  return {
    list: () => listPlatforms(lti),
    invite: async (hours) => {
      const { token, expiresAt } = await createInvite(database.db, hours);
      return { url: `${config.publicUrl}/lti/register?invite=${token}`, expiresAt: expiresAt.toISOString() };
    },
    add: (input) => addPlatform(lti, input),
    remove: (url, clientId) => removePlatform(lti, url, clientId),
    setActive: (url, clientId, active) => activatePlatform(lti, url, clientId, active),
    connect: async (input) => {
      const parsed = lmsConnectionInput.parse(input);
      if (!(await listPlatforms(lti)).some((p) => p.url === parsed.issuer)) throw new Error(`No platform with issuer ${parsed.issuer} is registered: register the LMS first.`);
      return connectMoodle(connections, parsed);
    },
    disconnect: (issuer) => connections.remove(issuer),
    canvasApiKey: async (input) => {
      const parsed = canvasApiKeyInput.parse(input);
      if (!(await listPlatforms(lti)).some((p) => p.url === parsed.issuer && p.clientId === parsed.clientId)) throw new Error(`No Canvas registration with client id ${parsed.clientId} is registered: register the LTI key first.`);
      return connections.canvas.saveApiKey(parsed);
    },
    adminLink: async () => `${config.publicUrl}/admin/link?token=${await tokens.adminLink.sign()}`,
    close: () => database.close(),
  };
}

main().catch((error: unknown) => {
  const message = error instanceof z.ZodError ? error.issues.map((i) => i.message).join('; ') : error instanceof Error ? error.message : String(error);
  console.error(`platform: ${message}`);
  process.exit(1);
});
