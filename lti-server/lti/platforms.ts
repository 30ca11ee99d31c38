// Registering LMS platforms by hand (the CLI) and activating dynamically registered ones.
import type { Platform, PlatformConfig, Provider } from 'ltijs';
import { z } from 'zod';
import { HttpError } from '../http/errors.ts';

export const platformInput = z.object({
  url: z.url({ error: 'the platform issuer must be a URL' }),
  name: z.string().min(1).default('LMS'),
  clientId: z.string().min(1, 'the client id the LMS gave the tool is required'),
  authenticationEndpoint: z.url({ error: 'the OIDC authentication endpoint must be a URL' }),
  accesstokenEndpoint: z.url({ error: 'the access token endpoint must be a URL' }),
  jwksUrl: z.url({ error: 'the platform JWKS URL must be a URL' }),
});
export type PlatformInput = z.input<typeof platformInput>;

export async function describePlatform(platform: Platform) {
  return {
    url: await platform.platformUrl(),
    clientId: await platform.platformClientId(),
    name: await platform.platformName(),
    active: await platform.platformActive(),
    authenticationEndpoint: await platform.platformAuthEndpoint(),
  };
}

export async function addPlatform(lti: Provider, input: PlatformInput) {
  const p = platformInput.parse(input);
  const config: PlatformConfig = {
    url: p.url, name: p.name, clientId: p.clientId, authenticationEndpoint: p.authenticationEndpoint,
    accesstokenEndpoint: p.accesstokenEndpoint, authConfig: { method: 'JWK_SET', key: p.jwksUrl },
  };
  return describePlatform(await lti.registerPlatform(config));
}

async function findPlatform(lti: Provider, url: string, clientId: string) {
  const platform = await lti.getPlatform(url, clientId);
  if (!platform || Array.isArray(platform)) throw new HttpError(404, 'not_found', `No platform registered with issuer ${url} and client id ${clientId}.`);
  return platform;
}

export async function listPlatforms(lti: Provider) {
  return Promise.all((await lti.getAllPlatforms()).map(describePlatform));
}

export async function removePlatform(lti: Provider, url: string, clientId: string) {
  await findPlatform(lti, url, clientId);
  await lti.deletePlatform(url, clientId);
}

/** Dynamically registered platforms wait for an admin; this lets them launch. */
export async function activatePlatform(lti: Provider, url: string, clientId: string, active = true) {
  const platform = await findPlatform(lti, url, clientId) as Platform & { platformActive(active?: boolean): Promise<boolean> };
  await platform.platformActive(active);
  return describePlatform(platform);
}
