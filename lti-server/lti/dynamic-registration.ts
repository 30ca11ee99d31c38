// LTI Dynamic Registration, through a one-time invite only: read the LMS's OpenID configuration, send it the tool's
// registration, store the platform inactive until an admin activates it. Every fetch goes through the outbound
// guard (no internal addresses unless allowed); errors say which step failed, never what a host answered.
import type { Provider } from 'ltijs';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { fetchJson, OutboundError, type OutboundPolicy } from '../outbound/guarded-fetch.ts';
import { canvasCustomFields, canvasPrivacyLevel, canvasRegistrationMessages, isCanvasIssuer, ltiServiceScopes } from './canvas-configuration.ts';
import { ltiUrls } from './provider.ts';

const platformConfiguration = z.object({
  issuer: z.url(),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
  registration_endpoint: z.url(),
  authorization_server: z.string().optional(),
  claims_supported: z.array(z.string()).optional(),
  'https://purl.imsglobal.org/spec/lti-platform-configuration': z.object({ product_family_code: z.string().optional() }).optional(),
});
const registrationAnswer = z.object({ client_id: z.string().min(1) });

export class RegistrationError extends Error {}


async function step<T>(what: string, run: () => Promise<unknown>, schema: z.ZodType<T>): Promise<T> {
  let answer: unknown;
  try {
    answer = await run();
  } catch (error) {
    if (error instanceof OutboundError) throw new RegistrationError(`${what} failed: ${error.message}`);
    throw error;
  }
  const parsed = schema.safeParse(answer);
  if (!parsed.success) throw new RegistrationError(`${what} failed: the answer lacks ${parsed.error.issues.map((i) => i.path.join('.') || 'the expected fields').join(', ')}.`);
  return parsed.data;
}

export async function registerDynamically(
  deps: { lti: Provider; config: Config; outbound: OutboundPolicy },
  request: { openidConfiguration: string; registrationToken?: string },
) {
  const { lti, config, outbound } = deps;
  // Canvas answers its configuration only to the registration token (sent as a bearer, as on the registration).
  const bearer: Record<string, string> = request.registrationToken ? { authorization: `Bearer ${request.registrationToken}` } : {};
  const lms = await step('Reading the LMS\'s OpenID configuration', () => fetchJson(request.openidConfiguration, { headers: bearer }, outbound), platformConfiguration);
  const canvas = lms['https://purl.imsglobal.org/spec/lti-platform-configuration']?.product_family_code === 'canvas' && isCanvasIssuer(lms.issuer);
  // The configuration must come from the issuer it names (LTI Dynamic Registration 3.5.1). Canvas is the exception
  // the standard does not foresee: every school's configuration names Instructure's one issuer, and schools are told
  // apart by client id (which this registration gets, and which launches must carry).
  if (!canvas && !request.openidConfiguration.startsWith(lms.issuer.replace(/\/$/, ''))) {
    throw new RegistrationError(`The OpenID configuration at ${new URL(request.openidConfiguration).origin} names another issuer (${lms.issuer}).`);
  }
  const urls = ltiUrls(config.publicUrl);
  const messages = canvas ? canvasRegistrationMessages(config) : [{ type: 'LtiResourceLinkRequest' }, { type: 'LtiDeepLinkingRequest', target_link_uri: urls.deepLinking }];
  const registration = {
    application_type: 'web', response_types: ['id_token'], grant_types: ['implicit', 'client_credentials'],
    initiate_login_uri: urls.login, redirect_uris: [urls.launch], client_name: config.toolName, jwks_uri: urls.keys,
    token_endpoint_auth_method: 'private_key_jwt', scope: ltiServiceScopes.join(' '),
    'https://purl.imsglobal.org/spec/lti-tool-configuration': {
      domain: new URL(config.publicUrl).host, target_link_uri: urls.launch, claims: lms.claims_supported ?? ['iss', 'sub', 'name'], messages,
      description: 'Remote proctoring for LMS quizzes: checks, lockdown, recording and flagged review.',
      ...(canvas ? { custom_parameters: canvasCustomFields, 'https://canvas.instructure.com/lti/privacy_level': canvasPrivacyLevel } : {}),
    },
  };
  const answer = await step('Sending the tool\'s registration to the LMS', () => fetchJson(lms.registration_endpoint, {
    method: 'POST', json: registration, headers: bearer,
  }, outbound), registrationAnswer);
  if (await lti.getPlatform(lms.issuer, answer.client_id)) throw new RegistrationError(`${lms.issuer} (client ${answer.client_id}) is already registered.`);
  const family = lms['https://purl.imsglobal.org/spec/lti-platform-configuration']?.product_family_code ?? 'LMS';
  const platform = await lti.registerPlatform({
    url: lms.issuer, name: canvas ? `Canvas ${new URL(request.openidConfiguration).host} (dynamic registration)` : `${family} (dynamic registration)`, clientId: answer.client_id,
    authenticationEndpoint: lms.authorization_endpoint, accesstokenEndpoint: lms.token_endpoint,
    authConfig: { method: 'JWK_SET', key: lms.jwks_uri },
  });
  // Registered, not trusted yet: an admin activates it (npm run platform -- activate).
  await (platform as typeof platform & { platformActive(active: boolean): Promise<boolean> }).platformActive(false);
  return { issuer: lms.issuer, clientId: answer.client_id };
}
