// What Invigil tells Canvas about itself (shared/lms-canvas.md, "Registration"): the placements — course navigation
// (teachers only) for the instructor's dashboard, assignment selection and link selection for adding a proctored
// quiz — the privacy level that gives names and nothing more, the custom variables the access-code gate needs
// (the course's and the API's address), and the LTI scopes. One list, used by the developer-key JSON
// (/lti/canvas.json) and by Dynamic Registration, so the two never disagree.
import type { Config } from '../config.ts';
import { ltiUrls } from './provider.ts';

/** Canvas's issuers: the same for every school (production, beta, test). */
export const canvasIssuers = ['https://canvas.instructure.com', 'https://canvas.beta.instructure.com', 'https://canvas.test.instructure.com'] as const;
export const isCanvasIssuer = (issuer: string) => (canvasIssuers as readonly string[]).includes(issuer.replace(/\/$/, ''));

export const ltiServiceScopes = [
  'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem', 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  'https://purl.imsglobal.org/spec/lti-ags/scope/score', 'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
  'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
];

/** Names only: the proctoring record needs to say who, never an e-mail address. */
export const canvasPrivacyLevel = 'name_only';

/** Canvas substitution variables, by the custom parameter Invigil reads them from (lti/provider.ts keeps these). */
export const canvasCustomFields = {
  canvas_course_id: '$Canvas.course.id',
  canvas_api_base_url: '$Canvas.api.baseUrl',
  canvas_user_id: '$Canvas.user.id',
  canvas_roles: '$Canvas.membership.roles',
} as const;

export function canvasPlacements(config: Config) {
  const urls = ltiUrls(config.publicUrl);
  return [
    { placement: 'course_navigation', message_type: 'LtiResourceLinkRequest', text: `${config.toolName} proctoring`, target_link_uri: urls.launch, visibility: 'admins', default: 'enabled' },
    { placement: 'assignment_selection', message_type: 'LtiDeepLinkingRequest', text: 'Proctored quiz', target_link_uri: urls.deepLinking },
    { placement: 'link_selection', message_type: 'LtiDeepLinkingRequest', text: 'Proctored quiz', target_link_uri: urls.deepLinking },
  ] as const;
}

/** Developer Keys › + LTI Key › Method: Paste JSON. */
export function canvasDeveloperKey(config: Config) {
  const urls = ltiUrls(config.publicUrl);
  return {
    title: config.toolName,
    description: 'Remote proctoring for quizzes: checks, lockdown, recording and flagged review.',
    oidc_initiation_url: urls.login,
    target_link_uri: urls.launch,
    public_jwk_url: urls.keys,
    scopes: ltiServiceScopes,
    custom_fields: canvasCustomFields,
    extensions: [{
      platform: 'canvas.instructure.com',
      domain: new URL(config.publicUrl).host,
      privacy_level: canvasPrivacyLevel,
      settings: { text: config.toolName, placements: canvasPlacements(config) },
    }],
  };
}

/** The same placements as Dynamic Registration messages (Canvas's extension of the tool configuration). */
export function canvasRegistrationMessages(config: Config) {
  const byType = new Map<string, { placements: string[]; target: string; label: string; visibility?: string }>();
  for (const p of canvasPlacements(config)) {
    const entry = byType.get(p.message_type) ?? { placements: [], target: p.target_link_uri, label: p.text };
    entry.placements.push(p.placement);
    if ('visibility' in p) entry.visibility = p.visibility;
    byType.set(p.message_type, entry);
  }
  // Course navigation is for teachers only; it is the only resource-link placement, so its visibility is the message's.
  return [...byType].map(([type, m]) => ({
    type, target_link_uri: m.target, label: m.label, placements: m.placements,
    ...(m.visibility ? { 'https://canvas.instructure.com/lti/visibility': m.visibility, 'https://canvas.instructure.com/lti/course_navigation/default_enabled': true } : {}),
  }));
}
