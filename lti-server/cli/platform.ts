// `npm run platform -- <add|list|remove|activate|deactivate> [options]`: manage the LMS platforms this tool trusts.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../database.ts';
import { createTokenService } from '../http/tokens.ts';
import { startLtiProvider } from '../lti/provider.ts';
import { activatePlatform, addPlatform, listPlatforms, removePlatform } from '../lti/platforms.ts';
import { createInvite } from '../lti/registration-invites.ts';
import { z } from 'zod';

const usage = `Usage: npm run platform -- <command> [options]

Commands:
  list                                   List registered platforms
  invite [--hours N]                     Print a one-time Dynamic Registration link (default: valid 24 hours)
  add --url ISSUER --client-id ID --auth-endpoint URL --token-endpoint URL --jwks-url URL [--name NAME]
                                         Register a platform by hand (values from the LMS's tool registration)
  remove --url ISSUER --client-id ID     Remove a platform and its keys
  activate --url ISSUER --client-id ID   Let a dynamically registered platform launch
  deactivate --url ISSUER --client-id ID Stop a platform's launches without removing it

Moodle: ISSUER is the site URL; auth endpoint /mod/lti/auth.php, token endpoint /mod/lti/token.php, JWKS /mod/lti/certs.php.
Canvas: ISSUER https://canvas.instructure.com; auth https://sso.canvaslms.com/api/lti/authorize_redirect,
        token https://sso.canvaslms.com/login/oauth2/token, JWKS https://sso.canvaslms.com/api/lti/security/jwks.`;

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string' }, 'client-id': { type: 'string' }, name: { type: 'string' },
      'auth-endpoint': { type: 'string' }, 'token-endpoint': { type: 'string' }, 'jwks-url': { type: 'string' },
      hours: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || !command || !['list', 'invite', 'add', 'remove', 'activate', 'deactivate'].includes(command)) {
    console.log(usage);
    process.exit(values.help ? 0 : 2);
  }
  const needs = (...names: (keyof typeof values)[]) => {
    const missing = names.filter((n) => !values[n]);
    if (missing.length) throw new Error(`Missing ${missing.map((m) => `--${m}`).join(', ')}.\n\n${usage}`);
  };
  const config = loadConfig();
  const database = await openDatabase(config.database);
  try {
    const lti = await startLtiProvider({ config, db: database.db, tokens: createTokenService(config.appSecret) });
    if (command === 'list') {
      const platforms = await listPlatforms(lti);
      if (!platforms.length) console.log('No platforms registered.');
      for (const p of platforms) console.log(`${p.active ? 'active  ' : 'inactive'}  ${p.url}  client ${p.clientId}  (${p.name})`);
    } else if (command === 'invite') {
      const hours = z.coerce.number().positive().max(24 * 30).safeParse(values.hours ?? 24);
      if (!hours.success) throw new Error(`--hours must be a number of hours between 0 and 720, not "${values.hours}".`);
      const { token, expiresAt } = await createInvite(database.db, hours.data);
      console.log(`Dynamic Registration link (one use, until ${expiresAt.toISOString()}):\n${config.publicUrl}/lti/register?invite=${token}\n`
        + 'Paste it as the tool URL in the LMS (Moodle: Site administration > Plugins > External tool > Manage tools; Canvas: Developer Keys > LTI Registration).');
    } else if (command === 'add') {
      needs('url', 'client-id', 'auth-endpoint', 'token-endpoint', 'jwks-url');
      const p = await addPlatform(lti, {
        url: values.url!, clientId: values['client-id']!, name: values.name, authenticationEndpoint: values['auth-endpoint']!,
        accesstokenEndpoint: values['token-endpoint']!, jwksUrl: values['jwks-url']!,
      });
      console.log(`Registered ${p.url} (client ${p.clientId}).`);
    } else if (command === 'remove') {
      needs('url', 'client-id');
      await removePlatform(lti, values.url!, values['client-id']!);
      console.log(`Removed ${values.url} (client ${values['client-id']}).`);
    } else {
      needs('url', 'client-id');
      const p = await activatePlatform(lti, values.url!, values['client-id']!, command === 'activate');
      console.log(`${p.url} (client ${p.clientId}) is now ${p.active ? 'active' : 'inactive'}.`);
    }
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof z.ZodError ? error.issues.map((i) => i.message).join('; ') : error instanceof Error ? error.message : String(error);
  console.error(`platform: ${message}`);
  process.exit(1);
});
