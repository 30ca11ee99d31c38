// A Canvas emulator for tests, built from shared/lms-canvas.md (not from Invigil's adapter): the school's site, the
// shared SSO host and the New Quizzes hosts, each its own HTTPS origin on loopback (tls.ts). It imports developer
// keys from their JSON configuration (placements, custom variables, privacy level, redirect URIs) and registers
// tools by Dynamic Registration; renders the launch page (form#tool_form into iframe#tool_content, the hidden
// post_message_forwarding frame); runs login initiation with Canvas's fields, authorize_redirect → authorize with
// Canvas's checks and error names and single-use launches; signs id_tokens with Canvas's claims; takes Deep Linking
// answers per placement; serves JWKS, client-credentials tokens, AGS and NRPS; the OAuth2 API flow with
// url:METHOD|path scopes; the Classic and New Quizzes access-code endpoints; and the quiz pages.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK } from 'jose';
import { classicQuizzes, type ClassicSession } from './classic-quizzes.ts';
import { newQuizzes } from './new-quizzes.ts';
import { forwardingFramePage, launchPageScript } from './platform-storage.ts';
import { makeLoopbackTls, trustInThisProcess, type LoopbackTls } from './tls.ts';

export const canvasIssuer = 'https://canvas.instructure.com';
const lti = 'https://purl.imsglobal.org/spec/lti/claim';
const lis = 'http://purl.imsglobal.org/vocab/lis/v2';
/** The frame Canvas's iframe allows (shared/lms-canvas.md). */
export const toolFrameAllow = 'geolocation *; microphone *; camera *; midi *; encrypted-media *; autoplay *; clipboard-write *; display-capture *';
const placementNames = ['course_navigation', 'assignment_selection', 'link_selection', 'editor_button', 'account_navigation', 'homework_submission'] as const;
type PlacementName = (typeof placementNames)[number];
const privacyLevels = ['anonymous', 'name_only', 'email_only', 'public'] as const;
const ltiScopes = [
  'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem', 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly', 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
  'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
];
/** What each placement's deep linking accepts (shared/lms-canvas.md, "Deep linking per placement"). */
const deepLinkAccepts: Partial<Record<PlacementName, { types: string[]; multiple: boolean }>> = {
  assignment_selection: { types: ['ltiResourceLink'], multiple: false },
  link_selection: { types: ['ltiResourceLink'], multiple: true },
  editor_button: { types: ['link', 'file', 'html', 'ltiResourceLink', 'image'], multiple: true },
};

export type CanvasUser = { id: number; name: string; ltiId: string; role: 'teacher' | 'student' };
type Placement = { placement: PlacementName; messageType: 'LtiResourceLinkRequest' | 'LtiDeepLinkingRequest'; targetLinkUri: string; custom: Record<string, string>; text?: string; visibility?: string };
export type DeveloperKey = {
  clientId: string; deploymentId: string; toolId: number; title: string; oidcUrl: string; targetLinkUri: string; jwksUrl: string;
  redirectUris: string[]; scopes: string[]; privacy: (typeof privacyLevels)[number]; custom: Record<string, string>; placements: Placement[]; dynamic: boolean;
};
type Assignment = { id: number; courseId: number; title: string; kind: 'lti' | 'new_quiz'; resourceLinkId: string; url?: string; custom: Record<string, string>; clientId?: string; lineItemId?: number };
type LineItem = { id: number; courseId: number; label: string; scoreMaximum: number; resourceLinkId?: string; clientId: string; scores: Record<string, unknown>[] };
type ApiKey = { clientId: string; secret: string; name: string; redirectUris: string[]; scopes: string[] };
type ApiToken = { userId: number; clientId: string; scopes: string[]; expiresAt: number };
type Session = ClassicSession & { sid: string };

const esc = (value: string) => value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const autoPost = (action: string, fields: Record<string, string>, target?: string) => `<!doctype html><html lang="en"><head><title>Redirecting</title></head><body>
<form id="redirect" method="post" action="${esc(action)}"${target ? ` target="${target}"` : ''}>${Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('')}</form>
<script>document.getElementById('redirect').submit()</script></body></html>`;

/** Canvas's redirect-URI rule: equal to a registered URI, or the same URI carrying its query as a subset. */
export function redirectUriAllowed(requested: string, registered: string[]) {
  let url: URL;
  try {
    url = new URL(requested);
  } catch {
    return false;
  }
  return registered.some((r) => {
    const allowed = new URL(r);
    if (`${url.origin}${url.pathname}` !== `${allowed.origin}${allowed.pathname}`) return false;
    return [...allowed.searchParams].every(([k, v]) => url.searchParams.getAll(k).includes(v));
  });
}

export async function startCanvas(options: { tls?: LoopbackTls } = {}) {
  const hostnames = { school: 'school.instructure.test', sso: 'sso.canvaslms.test', quizLti: 'school.quiz-lti-iad-prod.instructure.test', quizApi: 'school.quiz-api-iad-prod.instructure.test' };
  const tls = options.tls ?? makeLoopbackTls([...Object.values(hostnames), 'invigil.tool.test', '*.tool.test']);
  const untrust = trustInThisProcess(tls);
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `${new Date().toISOString().slice(0, 10)}T00:00:00Z`;
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  /** Canvas signs its own short-lived values (message hints, registration tokens, deep linking data) with HS256. */
  const secret = new TextEncoder().encode(randomBytes(32).toString('hex'));
  const signOwn = (claims: Record<string, unknown>, expiresIn: string) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(expiresIn).sign(secret);
  const verifyOwn = async (token: string) => (await jwtVerify(token, secret)).payload as Record<string, unknown>;

  const origins = { school: '', sso: '', quizLti: '', quizApi: '' };
  const course = { id: 1, ltiContextId: createHash('sha1').update('course-1').digest('hex'), label: 'NURS-210', title: 'Pharmacology for nurses' };
  const users = new Map<number, CanvasUser>();
  const enrolment = (user: CanvasUser) => (user.role === 'teacher' ? 'TeacherEnrollment' : 'StudentEnrollment');
  const sessions = new Map<string, Session>();
  const keys = new Map<string, DeveloperKey>();
  const apiKeys = new Map<string, ApiKey>();
  const apiCodes = new Map<string, { clientId: string; userId: number; redirectUri: string; scopes: string[] }>();
  const apiTokens = new Map<string, ApiToken>();
  const refreshTokens = new Map<string, { userId: number; clientId: string; scopes: string[] }>();
  const serviceTokens = new Map<string, { clientId: string; scopes: string[] }>();
  const launchHints = new Map<string, { used: boolean }>();
  const registrationTokens = new Set<string>();
  const assignments = new Map<number, Assignment>();
  const lineItems: LineItem[] = [];
  const deepLinkResponses: Record<string, unknown>[] = [];
  /** Every REST request the API answered, for tests to see what the tool asked. */
  const apiCalls: { method: string; path: string; status: number; body?: unknown }[] = [];
  let nextId = 10;

  const sessionOf = (req: Request) => sessions.get(/(?:^|;\s*)canvas_session=([^;]+)/.exec(req.get('cookie') ?? '')?.[1] ?? '');
  const userOf = (req: Request) => users.get(sessionOf(req)?.userId ?? -1);
  const logIn = (res: Response, userId: number) => {
    const sid = randomBytes(16).toString('hex');
    sessions.set(sid, { sid, userId, csrf: randomBytes(12).toString('hex'), accessCodes: new Set() });
    // Canvas's session cookie works inside its own frames and the SSO round trip.
    res.setHeader('Set-Cookie', `canvas_session=${sid}; Path=/; HttpOnly; Secure; SameSite=None`);
  };
  const page = (res: Response, o: { title: string; bodyClass?: string; main: string; script?: string }) => res.type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(o.title)}: ${esc(course.title)}</title></head>
<body class="${o.bodyClass ?? ''}"><div id="application"><div id="content" role="main">${o.main}</div></div>${o.script ? `<script>${o.script}</script>` : ''}</body></html>`);

  const classic = classicQuizzes({ sessionOf, page });
  const quizzesNew = newQuizzes({ userOf: (req) => userOf(req)?.id, origins: { get school() { return origins.school; }, get quizLti() { return origins.quizLti; }, get quizApi() { return origins.quizApi; } } });

  // ——— The school's site ———
  const school = express();
  school.use(express.urlencoded({ extended: true }));
  school.use(express.json());
  school.get('/login/as', (req, res) => {
    const user = users.get(Number(req.query.user));
    if (!user) return res.status(404).send('No such user');
    logIn(res, user.id);
    res.redirect(302, typeof req.query.next === 'string' && req.query.next.startsWith('/') ? req.query.next : '/');
  });
  // Canvas's own login form (its field names); the emulator takes a user's id as the login and no password.
  const safeReturn = (value: unknown) => (typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : '/');
  school.get('/login/canvas', (req, res) => page(res, {
    title: 'Log In to Canvas', bodyClass: 'ic-Login-Body',
    main: `<h1>Log In to Canvas</h1><form id="login_form" method="post" action="/login/canvas?return_to=${encodeURIComponent(safeReturn(req.query.return_to))}">
<label for="pseudonym_session_unique_id">Email</label><input type="text" id="pseudonym_session_unique_id" name="pseudonym_session[unique_id]">
<label for="pseudonym_session_password">Password</label><input type="password" id="pseudonym_session_password" name="pseudonym_session[password]">
<button type="submit" class="Button Button--login">Log In</button></form>`,
  }));
  school.post('/login/canvas', (req, res) => {
    const user = users.get(Number((req.body as { pseudonym_session?: { unique_id?: string } }).pseudonym_session?.unique_id));
    if (!user) return res.status(400).send('Invalid username or password.');
    logIn(res, user.id);
    res.redirect(302, safeReturn(req.query.return_to));
  });

  /** Expands Canvas's substitution variables; unknown ones stay as they are, as Canvas leaves them. */
  const expand = (custom: Record<string, string>, user: CanvasUser, assignment?: Assignment) => Object.fromEntries(Object.entries(custom).map(([k, v]) => [k, ({
    '$Canvas.course.id': String(course.id), '$Canvas.api.domain': new URL(origins.school).host, '$Canvas.api.baseUrl': origins.school,
    '$Canvas.membership.roles': enrolment(user), '$Canvas.user.id': String(user.id),
    ...(assignment ? { '$com.instructure.Assignment.lti.id': assignment.resourceLinkId, '$Canvas.assignment.id': String(assignment.id) } : {}),
  } as Record<string, string>)[v] ?? v]));

  type Launch = { clientId: string; userId: number; placement: PlacementName; messageType: Placement['messageType']; targetLinkUri: string; assignmentId?: number };
  /** The launch page: Canvas's form into its iframe, the forwarding frame, and its postMessage handler. */
  const launchPage = async (res: Response, key: DeveloperKey, launch: Launch, title: string) => {
    const user = users.get(launch.userId)!;
    const verifier = randomBytes(32).toString('hex');
    launchHints.set(verifier, { used: false });
    const hint = await signOwn({ verifier, canvas_domain: new URL(origins.school).host, context_type: 'Course', context_id: course.id, canvas_locale: 'en', include_storage_target: true, launch }, '5m');
    const fields = {
      iss: canvasIssuer, login_hint: user.ltiId, client_id: key.clientId, deployment_id: key.deploymentId, target_link_uri: launch.targetLinkUri,
      lti_message_hint: hint, canvas_environment: 'prod', canvas_region: 'us-east-1', lti_storage_target: 'post_message_forwarding',
    };
    const toolOrigin = new URL(key.targetLinkUri).origin;
    page(res, {
      title, bodyClass: 'with-left-side course-menu-expanded',
      main: `<h1 class="screenreader-only">${esc(title)}</h1>
<form action="${esc(key.oidcUrl)}" method="POST" target="tool_content" id="tool_form" data-tool-launch-type="${launch.placement}">
${Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${k}" id="${k}" value="${esc(v)}">`).join('\n')}</form>
<iframe src="about:blank" name="tool_content" id="tool_content" class="tool_launch" title="${esc(key.title)}" allowfullscreen="true" allow="${toolFrameAllow}" style="width:100%;height:900px;border:0"></iframe>
<iframe id="post_message_forwarding" name="post_message_forwarding" title="post_message_forwarding" src="${origins.sso}/post_message_forwarding?tool_origin=${encodeURIComponent(toolOrigin)}" sandbox="allow-scripts allow-same-origin" style="display:none"></iframe>`,
      script: `${launchPageScript(origins.sso)}
document.getElementById('post_message_forwarding').addEventListener('load', () => document.getElementById('tool_form').submit(), { once: true });`,
    });
  };
  const keyForTool = (toolId: number) => [...keys.values()].find((k) => k.toolId === toolId);
  const requireUser = (req: Request, res: Response) => {
    const user = userOf(req);
    if (!user) res.redirect(302, `/login/canvas?return_to=${encodeURIComponent(req.originalUrl)}`);
    return user;
  };

  // Course navigation (a resource-link launch of the tool itself).
  school.get('/courses/:course/external_tools/:tool', async (req, res) => {
    const user = requireUser(req, res);
    if (!user) return;
    const key = keyForTool(Number(req.params.tool));
    const placement = key?.placements.find((p) => p.placement === 'course_navigation');
    if (!key || !placement) return res.status(404).send('Page not found');
    if (placement.visibility === 'admins' && user.role !== 'teacher') return res.status(401).send('Unauthorized');
    await launchPage(res, key, { clientId: key.clientId, userId: user.id, placement: 'course_navigation', messageType: placement.messageType, targetLinkUri: placement.targetLinkUri }, placement.text ?? key.title);
  });
  // Assignment selection / link selection: the tool picker launches deep linking for that placement.
  school.get('/courses/:course/external_tools/:tool/resource_selection', async (req, res) => {
    const user = requireUser(req, res);
    if (!user) return;
    const key = keyForTool(Number(req.params.tool));
    const name = (typeof req.query.placement === 'string' ? req.query.placement : '') as PlacementName;
    const placement = key?.placements.find((p) => p.placement === name);
    if (!key || !placement) return res.status(404).send('Page not found');
    if (user.role !== 'teacher') return res.status(401).send('Unauthorized');
    await launchPage(res, key, { clientId: key.clientId, userId: user.id, placement: name, messageType: placement.messageType, targetLinkUri: placement.targetLinkUri }, 'Select content');
  });
  // An assignment: an external-tool assignment launches its resource link; a New Quiz shows in its shape.
  school.get(['/courses/:course/assignments/:assignment', '/courses/:course/assignments/:assignment/taking', '/courses/:course/assignments/:assignment/taking/results'], async (req, res) => {
    const user = requireUser(req, res);
    if (!user) return;
    const id = Number(req.params.assignment);
    const quiz = quizzesNew.quizzes.get(id);
    if (quiz) return res.type('html').send(quizzesNew.assignmentPage(quiz, user.id, req));
    const assignment = assignments.get(id);
    const key = assignment?.clientId ? keys.get(assignment.clientId) : undefined;
    if (!assignment || !key || req.path.includes('/taking')) return res.status(404).send('Page not found');
    await launchPage(res, key, { clientId: key.clientId, userId: user.id, placement: 'assignment_selection', messageType: 'LtiResourceLinkRequest', targetLinkUri: assignment.url ?? key.targetLinkUri, assignmentId: id }, assignment.title);
  });
  school.use(classic.router);

  // authorize: Canvas's checks, in its order; errors as form posts to a trusted redirect_uri.
  const authorize = async (req: Request, res: Response) => {
    const q = { ...req.query, ...(req.body ?? {}) } as Record<string, string>;
    const key = keys.get(q.client_id ?? '');
    if (!key) return res.status(400).json({ error: 'unauthorized_client', error_description: 'Client not authorized in requested context' });
    if (!q.redirect_uri || !redirectUriAllowed(q.redirect_uri, key.redirectUris)) return res.status(400).json({ error: 'invalid_request', error_description: 'Invalid redirect_uri' });
    const fail = (error: string, description: string) => res.type('html').send(autoPost(q.redirect_uri, { error, error_description: description, state: q.state ?? '' }));
    const missing = ['client_id', 'login_hint', 'lti_message_hint', 'nonce', 'prompt', 'redirect_uri', 'response_mode', 'response_type', 'scope'].filter((p) => !q[p]);
    if (missing.length) return fail('invalid_request_object', `The following parameters are missing: ${missing.join(',')}`);
    if (q.prompt !== 'none' || q.response_mode !== 'form_post' || q.response_type !== 'id_token' || q.scope !== 'openid') return fail('invalid_request_object', 'Invalid prompt, response_mode, response_type or scope');
    let hint: Record<string, unknown>;
    try {
      hint = await verifyOwn(q.lti_message_hint);
    } catch {
      return fail('invalid_request_object', 'The lti_message_hint is invalid or expired');
    }
    const user = userOf(req);
    if (!user || user.ltiId !== q.login_hint) return fail('login_required', 'The user is not logged in');
    const seen = launchHints.get(String(hint.verifier));
    if (!seen || seen.used) return fail('launch_no_longer_valid', 'The launch has either expired or already been consumed');
    seen.used = true;
    const launch = hint.launch as Launch;
    if (launch.clientId !== key.clientId || launch.userId !== user.id) return fail('unauthorized_client', 'Client not authorized in requested context');
    const idToken = await idTokenFor(key, user, launch, q.nonce);
    res.type('html').send(autoPost(q.redirect_uri, { id_token: idToken, state: q.state ?? '', lti_storage_target: 'post_message_forwarding' }));
  };
  school.get('/api/lti/authorize', (req, res) => void authorize(req, res));
  school.post('/api/lti/authorize', (req, res) => void authorize(req, res));

  const roles = (user: CanvasUser) => (user.role === 'teacher'
    ? [`${lis}/institution/person#Instructor`, `${lis}/membership#Instructor`, `${lis}/system/person#User`]
    : [`${lis}/institution/person#Student`, `${lis}/membership#Learner`, `${lis}/system/person#User`]);
  async function idTokenFor(key: DeveloperKey, user: CanvasUser, launch: Launch, nonce: string) {
    const placement = key.placements.find((p) => p.placement === launch.placement);
    const assignment = launch.assignmentId ? assignments.get(launch.assignmentId) : undefined;
    const names = key.privacy === 'name_only' || key.privacy === 'public'
      ? { name: user.name, given_name: user.name.split(' ')[0], family_name: user.name.split(' ').slice(1).join(' ') } : {};
    const email = key.privacy === 'email_only' || key.privacy === 'public' ? { email: `${user.id}@school.example.edu` } : {};
    const claims: Record<string, unknown> = {
      aud: key.clientId, azp: key.clientId, sub: user.ltiId, nonce, ...names, ...email, locale: 'en',
      [`${lti}/deployment_id`]: key.deploymentId, [`${lti}/version`]: '1.3.0', [`${lti}/message_type`]: launch.messageType,
      [`${lti}/target_link_uri`]: launch.targetLinkUri,
      [`${lti}/roles`]: roles(user),
      [`${lti}/context`]: { id: course.ltiContextId, label: course.label, title: course.title, type: [`${lis}/course#CourseOffering`] },
      [`${lti}/tool_platform`]: { guid: 'school-root-account-guid:canvas-lms', name: 'Test University', version: 'cloud', product_family_code: 'canvas' },
      [`${lti}/launch_presentation`]: { document_target: 'iframe', return_url: `${origins.school}/courses/${course.id}/external_content/success/external_tool_redirect`, locale: 'en', height: 400, width: 800 },
      [`${lti}/custom`]: expand({ ...key.custom, ...placement?.custom, ...assignment?.custom }, user, assignment),
      [`${lti}/lis`]: { person_sourcedid: null, course_offering_sourcedid: null },
      'https://purl.imsglobal.org/spec/lti/claim/lti11_legacy_user_id': createHash('sha1').update(`user-${user.id}`).digest('hex'),
      'https://purl.imsglobal.org/spec/lti/claim/lti1p1': { user_id: createHash('sha1').update(`user-${user.id}`).digest('hex') },
      'https://www.instructure.com/placement': launch.placement,
    };
    const agsScopes = key.scopes.filter((s) => s.includes('lti-ags'));
    if (agsScopes.length) {
      claims['https://purl.imsglobal.org/spec/lti-ags/claim/endpoint'] = {
        scope: agsScopes, lineitems: `${origins.school}/api/lti/courses/${course.id}/line_items`,
        ...(assignment?.lineItemId ? { lineitem: `${origins.school}/api/lti/courses/${course.id}/line_items/${assignment.lineItemId}` } : {}),
      };
    }
    if (key.scopes.includes('https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly')) {
      claims['https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice'] = { context_memberships_url: `${origins.school}/api/lti/courses/${course.id}/names_and_roles`, service_versions: ['2.0'] };
    }
    if (launch.messageType === 'LtiDeepLinkingRequest') {
      const accepts = deepLinkAccepts[launch.placement] ?? { types: ['ltiResourceLink'], multiple: false };
      claims['https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings'] = {
        deep_link_return_url: `${origins.school}/courses/${course.id}/deep_linking_response?modal=true&placement=${launch.placement}`,
        accept_types: accepts.types, accept_presentation_document_targets: ['embed', 'iframe', 'window'], accept_media_types: 'image/*,text/html,application/vnd.ims.lti.v1.ltilink,*/*',
        accept_multiple: accepts.multiple, auto_create: true, data: await signOwn({ placement: launch.placement, client_id: key.clientId }, '1h'),
      };
    } else {
      claims[`${lti}/resource_link`] = assignment
        ? { id: assignment.resourceLinkId, title: assignment.title, description: null }
        : { id: createHash('sha1').update(`nav-${key.clientId}-${course.id}`).digest('hex'), title: placement?.text ?? key.title, description: null };
    }
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).setIssuer(canvasIssuer).setIssuedAt().setExpirationTime('1h').sign(privateKey);
  }

  // Deep Linking answers, per placement: assignment_selection takes one resource link and makes it the assignment.
  school.post('/courses/:course/deep_linking_response', async (req, res) => {
    const placement = (typeof req.query.placement === 'string' ? req.query.placement : '') as PlacementName;
    const fail = (message: string) => res.status(400).type('html').send(`<!doctype html><html lang="en"><head><title>Error</title></head><body><h1>The tool's answer was rejected</h1><p id="error">${esc(message)}</p></body></html>`);
    try {
      const unverified = JSON.parse(Buffer.from(String(req.body.JWT).split('.')[1] ?? '', 'base64url').toString()) as { iss?: string };
      const key = keys.get(String(unverified.iss));
      if (!key) return fail('Unknown client');
      const { payload } = await jwtVerify(String(req.body.JWT), createRemoteJWKSet(new URL(key.jwksUrl)), { issuer: key.clientId, audience: canvasIssuer });
      if (payload[`${lti}/message_type`] !== 'LtiDeepLinkingResponse') return fail('Not a deep linking response');
      if (payload[`${lti}/deployment_id`] !== key.deploymentId) return fail('Wrong deployment_id');
      const data = await verifyOwn(String(payload['https://purl.imsglobal.org/spec/lti-dl/claim/data']));
      if (data.placement !== placement || data.client_id !== key.clientId) return fail('The data claim does not match this launch');
      const items = (payload['https://purl.imsglobal.org/spec/lti-dl/claim/content_items'] ?? []) as { type: string; title?: string; url?: string; custom?: Record<string, string>; lineItem?: { scoreMaximum: number; label?: string } }[];
      const accepts = deepLinkAccepts[placement];
      if (!accepts) return fail(`The ${placement} placement does not take deep linking answers`);
      if (items.some((i) => !accepts.types.includes(i.type))) return fail(`The ${placement} placement does not accept ${items.map((i) => i.type).join(', ')}`);
      if (!accepts.multiple && items.length > 1) return fail(`The ${placement} placement accepts one item`);
      deepLinkResponses.push(payload);
      const made = items.filter((i) => i.type === 'ltiResourceLink').map((i) => {
        const assignment: Assignment = { id: nextId++, courseId: course.id, title: i.title ?? key.title, kind: 'lti', resourceLinkId: randomUUID(), url: i.url, custom: i.custom ?? {}, clientId: key.clientId };
        if (placement === 'assignment_selection') {
          const item: LineItem = { id: nextId++, courseId: course.id, label: assignment.title, scoreMaximum: i.lineItem?.scoreMaximum ?? 100, resourceLinkId: assignment.resourceLinkId, clientId: key.clientId, scores: [] };
          lineItems.push(item);
          assignment.lineItemId = item.id;
        }
        assignments.set(assignment.id, assignment);
        return assignment;
      });
      res.type('html').send(`<!doctype html><html lang="en"><head><title>Content added</title></head><body data-assignments="${made.map((a) => a.id).join(',')}" data-resource-links="${made.map((a) => a.resourceLinkId).join(',')}">
<h1>${placement === 'assignment_selection' ? 'Assignment created' : 'Links added'}</h1><ul>${made.map((a) => `<li>${esc(a.title)}</li>`).join('')}</ul>
<script>window.parent.postMessage({ subject: 'LtiDeepLinkingResponse', placement: ${JSON.stringify(placement)} }, '*')</script></body></html>`);
    } catch (error) {
      fail((error as Error).message);
    }
  });

  // Dynamic Registration: the configuration, and the registration endpoint (the token says who may register).
  const registrationToken = async (req: Request) => {
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? (typeof req.query.registration_token === 'string' ? req.query.registration_token : '');
    if (!registrationTokens.has(token)) return undefined;
    try {
      return await verifyOwn(token);
    } catch {
      return undefined;
    }
  };
  school.get('/api/lti/security/openid-configuration', async (req, res) => {
    if (!(await registrationToken(req))) return res.status(401).json({ errors: [{ message: 'Invalid registration token' }] });
    res.json({
      issuer: canvasIssuer, authorization_endpoint: `${origins.sso}/api/lti/authorize_redirect`, registration_endpoint: `${origins.school}/api/lti/registrations`,
      jwks_uri: `${origins.sso}/api/lti/security/jwks`, token_endpoint: `${origins.sso}/login/oauth2/token`,
      token_endpoint_auth_methods_supported: ['private_key_jwt'], token_endpoint_auth_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', ...ltiScopes], response_types_supported: ['id_token'], id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: ['sub', 'picture', 'email', 'name', 'given_name', 'family_name', 'locale'], subject_types_supported: ['public'],
      authorization_server: new URL(origins.sso).host,
      'https://purl.imsglobal.org/spec/lti-platform-configuration': {
        product_family_code: 'canvas', version: 'OpenSource',
        messages_supported: [
          { type: 'LtiResourceLinkRequest', placements: ['course_navigation', 'account_navigation', 'assignment_selection', 'link_selection'] },
          { type: 'LtiDeepLinkingRequest', placements: ['assignment_selection', 'link_selection', 'editor_button', 'homework_submission'] },
        ],
        variables: ['Canvas.course.id', 'Canvas.api.domain', 'Canvas.api.baseUrl', 'com.instructure.Assignment.lti.id', 'Canvas.membership.roles'],
        'https://canvas.instructure.com/lti/account_name': 'Test University', 'https://canvas.instructure.com/lti/account_lti_guid': 'school-root-account-guid:canvas-lms',
      },
    });
  });
  school.post('/api/lti/registrations', async (req, res) => {
    if (!(await registrationToken(req))) return res.status(401).json({ errors: [{ message: 'Invalid registration token' }] });
    const body = req.body as Record<string, unknown>;
    const config = body['https://purl.imsglobal.org/spec/lti-tool-configuration'] as Record<string, unknown> | undefined;
    const problems: string[] = [];
    for (const field of ['initiate_login_uri', 'jwks_uri', 'client_name']) if (typeof body[field] !== 'string') problems.push(field);
    if (!Array.isArray(body.redirect_uris) || !body.redirect_uris.length) problems.push('redirect_uris');
    if (!config || typeof config.target_link_uri !== 'string' || typeof config.domain !== 'string') problems.push('lti-tool-configuration');
    const privacy = (config?.['https://canvas.instructure.com/lti/privacy_level'] ?? 'anonymous') as DeveloperKey['privacy'];
    if (!privacyLevels.includes(privacy)) problems.push('privacy_level');
    const messages = (Array.isArray(config?.messages) ? config.messages : []) as Record<string, unknown>[];
    const placements: Placement[] = [];
    for (const m of messages) {
      const type = m.type as Placement['messageType'];
      for (const p of (Array.isArray(m.placements) ? m.placements : []) as string[]) {
        if (!placementNames.includes(p as PlacementName)) problems.push(`unknown placement ${p}`);
        else placements.push({ placement: p as PlacementName, messageType: type, targetLinkUri: String(m.target_link_uri ?? config!.target_link_uri), custom: (m.custom_parameters ?? {}) as Record<string, string>, text: m.label as string | undefined, visibility: m['https://canvas.instructure.com/lti/visibility'] as string | undefined });
      }
    }
    if (problems.length) return res.status(422).json({ errors: problems.map((p) => ({ field: p, message: `Invalid or missing ${p}` })) });
    registrationTokens.delete(/^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '');
    const key = addKey({
      title: String(body.client_name), oidcUrl: String(body.initiate_login_uri), targetLinkUri: String(config!.target_link_uri), jwksUrl: String(body.jwks_uri),
      redirectUris: body.redirect_uris as string[], scopes: (typeof body.scope === 'string' ? body.scope : '').split(' ').filter((s) => ltiScopes.includes(s)), privacy,
      custom: (config!.custom_parameters ?? {}) as Record<string, string>, placements, dynamic: true,
    });
    res.json({ ...body, client_id: key.clientId, 'https://purl.imsglobal.org/spec/lti-tool-configuration': { ...config, deployment_id: key.deploymentId } });
  });

  // AGS and NRPS behind client-credentials tokens with the key's scopes.
  const service = (scope: string) => (req: Request, res: Response, next: () => void) => {
    const token = serviceTokens.get(/^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '');
    if (!token) return res.status(401).json({ errors: { type: 'unauthorized', message: 'Invalid access token format' } });
    if (!token.scopes.some((s) => s.startsWith(scope))) return res.status(401).json({ errors: { type: 'unauthorized', message: 'Insufficient permissions' } });
    res.locals.clientId = token.clientId;
    next();
  };
  const ags = 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem';
  const presentItem = (i: LineItem) => ({ id: `${origins.school}/api/lti/courses/${i.courseId}/line_items/${i.id}`, label: i.label, scoreMaximum: i.scoreMaximum, resourceLinkId: i.resourceLinkId });
  school.get('/api/lti/courses/:course/line_items', service(ags), (req, res) => {
    res.type('application/vnd.ims.lis.v2.lineitemcontainer+json').json(lineItems.filter((i) => i.clientId === res.locals.clientId && (!req.query.resource_link_id || i.resourceLinkId === req.query.resource_link_id)).map(presentItem));
  });
  school.post('/api/lti/courses/:course/line_items', service(ags), express.json({ type: () => true }), (req, res) => {
    const b = req.body as { label?: string; scoreMaximum?: number; resourceLinkId?: string };
    if (!b.label || !(Number(b.scoreMaximum) > 0)) return res.status(400).json({ errors: { type: 'bad_request', message: 'label and scoreMaximum are required' } });
    if (b.resourceLinkId && ![...assignments.values()].some((a) => a.resourceLinkId === b.resourceLinkId)) return res.status(400).json({ errors: { type: 'bad_request', message: 'The specified resource link ID is invalid' } });
    const item: LineItem = { id: nextId++, courseId: course.id, label: b.label, scoreMaximum: Number(b.scoreMaximum), resourceLinkId: b.resourceLinkId, clientId: res.locals.clientId as string, scores: [] };
    lineItems.push(item);
    res.status(200).type('application/vnd.ims.lis.v2.lineitem+json').json(presentItem(item));
  });
  school.post('/api/lti/courses/:course/line_items/:item/scores', service('https://purl.imsglobal.org/spec/lti-ags/scope/score'), express.json({ type: () => true }), (req, res) => {
    const item = lineItems.find((i) => i.id === Number(req.params.item) && i.clientId === res.locals.clientId);
    if (!item) return res.status(404).json({ errors: { type: 'not_found', message: 'The specified LTI link ID is not found' } });
    const score = req.body as Record<string, unknown>;
    if (![...users.values()].some((u) => u.ltiId === score.userId)) return res.status(422).json({ errors: { type: 'unprocessable', message: 'User not found in course or is not a student' } });
    item.scores.push(score);
    res.json({ resultUrl: `${origins.school}/api/lti/courses/${course.id}/line_items/${item.id}/results/${nextId++}` });
  });
  school.get('/api/lti/courses/:course/names_and_roles', service('https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly'), (_req, res) => {
    const key = keys.get(res.locals.clientId as string)!;
    res.type('application/vnd.ims.lti-nrps.v2.membershipcontainer+json').json({
      id: `${origins.school}/api/lti/courses/${course.id}/names_and_roles`, context: { id: course.ltiContextId, label: course.label, title: course.title },
      members: [...users.values()].map((u) => ({ status: 'Active', user_id: u.ltiId, roles: roles(u).filter((r) => r.includes('membership')), ...(key.privacy === 'anonymous' ? {} : { name: u.name }) })),
    });
  });

  // ——— OAuth2 for the REST API (an API developer key; shared/lms-canvas.md, "The access code") ———
  school.get('/login/oauth2/auth', (req, res) => {
    const q = req.query as Record<string, string>;
    const key = apiKeys.get(q.client_id ?? '');
    if (!key) return res.status(400).json({ error: 'invalid_client', error_description: 'unknown client' });
    if (!q.redirect_uri || !redirectUriAllowed(q.redirect_uri, key.redirectUris)) return res.status(400).json({ error: 'invalid_request', error_description: 'redirect_uri does not match client settings' });
    const back = new URL(q.redirect_uri);
    if (q.state) back.searchParams.set('state', q.state);
    if (q.response_type !== 'code') return res.redirect(302, (back.searchParams.set('error', 'unsupported_response_type'), back.href));
    const scopes = (q.scope ?? '').split(' ').filter(Boolean);
    if (scopes.some((s) => !key.scopes.includes(s))) return res.redirect(302, (back.searchParams.set('error', 'invalid_scope'), back.searchParams.set('error_description', 'A requested scope is invalid, unknown, malformed, or exceeds the scope granted by the resource owner'), back.href));
    const user = requireUser(req, res);
    if (!user) return;
    const session = sessionOf(req)!;
    page(res, {
      title: 'Authorize', bodyClass: 'oauth2',
      main: `<h1>${esc(key.name)} is requesting access to your account.</h1><ul class="scopes">${scopes.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>
<form method="post" action="/login/oauth2/accept"><input type="hidden" name="authenticity_token" value="${esc(session.csrf)}">
${Object.entries({ client_id: key.clientId, redirect_uri: q.redirect_uri, state: q.state ?? '', scope: scopes.join(' ') }).map(([k, v]) => `<input type="hidden" name="${k}" value="${esc(v)}">`).join('')}
<button type="submit" class="btn btn-primary" id="oauth2_accept">Authorize</button> <button type="submit" formaction="/login/oauth2/deny" class="btn" id="oauth2_deny">Cancel</button></form>`,
    });
  });
  const oauthAnswer = (deny: boolean) => (req: Request, res: Response) => {
    const session = sessionOf(req);
    const b = req.body as Record<string, string>;
    const key = apiKeys.get(b.client_id ?? '');
    if (!session || b.authenticity_token !== session.csrf || !key || !redirectUriAllowed(b.redirect_uri ?? '', key.redirectUris)) return res.status(422).send('Invalid request');
    const back = new URL(b.redirect_uri);
    if (deny) back.searchParams.set('error', 'access_denied');
    else {
      const code = randomBytes(20).toString('hex');
      apiCodes.set(code, { clientId: key.clientId, userId: session.userId, redirectUri: b.redirect_uri, scopes: (b.scope ?? '').split(' ').filter(Boolean) });
      back.searchParams.set('code', code);
    }
    if (b.state) back.searchParams.set('state', b.state);
    res.redirect(302, back.href);
  };
  school.post('/login/oauth2/accept', oauthAnswer(false));
  school.post('/login/oauth2/deny', oauthAnswer(true));

  /** Both token endpoints: the API key's code and refresh grants, and LTI's client credentials. */
  const tokenEndpoint = async (req: Request, res: Response) => {
    const b = req.body as Record<string, string>;
    const issue = (userId: number, clientId: string, scopes: string[]) => {
      const token = `${nextId++}~${randomBytes(24).toString('hex')}`;
      apiTokens.set(token, { userId, clientId, scopes, expiresAt: Date.now() + 3600_000 });
      return token;
    };
    if (b.grant_type === 'client_credentials') {
      const unverified = (() => {
        try {
          return JSON.parse(Buffer.from(String(b.client_assertion).split('.')[1] ?? '', 'base64url').toString()) as { iss?: string };
        } catch {
          return {};
        }
      })();
      const key = keys.get(String(unverified.iss));
      if (!key || b.client_assertion_type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return res.status(400).json({ error: 'invalid_request', error_description: 'JWS signature invalid' });
      try {
        await jwtVerify(String(b.client_assertion), createRemoteJWKSet(new URL(key.jwksUrl)), { issuer: key.clientId, subject: key.clientId, audience: [`${origins.sso}/login/oauth2/token`, `${origins.school}/login/oauth2/token`] });
      } catch (error) {
        return res.status(400).json({ error: 'invalid_request', error_description: (error as Error).message });
      }
      const scopes = String(b.scope ?? '').split(' ').filter((s) => key.scopes.includes(s));
      const token = randomBytes(24).toString('hex');
      serviceTokens.set(token, { clientId: key.clientId, scopes });
      return res.json({ access_token: token, token_type: 'Bearer', expires_in: 3600, scope: scopes.join(' ') });
    }
    const key = apiKeys.get(b.client_id ?? '');
    if (!key || key.secret !== b.client_secret) return res.status(401).json({ error: 'invalid_client', error_description: 'unknown client' });
    if (b.grant_type === 'authorization_code') {
      const grant = apiCodes.get(b.code ?? '');
      apiCodes.delete(b.code ?? '');
      if (!grant || grant.clientId !== key.clientId || (b.redirect_uri && b.redirect_uri !== grant.redirectUri)) return res.status(400).json({ error: 'invalid_grant', error_description: 'authorization_code not found' });
      const refresh = `${nextId++}~${randomBytes(32).toString('hex')}`;
      refreshTokens.set(refresh, { userId: grant.userId, clientId: key.clientId, scopes: grant.scopes });
      const user = users.get(grant.userId)!;
      return res.json({ access_token: issue(grant.userId, key.clientId, grant.scopes), token_type: 'Bearer', user: { id: user.id, name: user.name, global_id: `10000000000${user.id}` }, refresh_token: refresh, expires_in: 3600, canvas_region: 'us-east-1' });
    }
    if (b.grant_type === 'refresh_token') {
      const grant = refreshTokens.get(b.refresh_token ?? '');
      if (!grant || grant.clientId !== key.clientId) return res.status(400).json({ error: 'invalid_grant', error_description: 'refresh_token not found' });
      const user = users.get(grant.userId)!;
      return res.json({ access_token: issue(grant.userId, key.clientId, grant.scopes), token_type: 'Bearer', user: { id: user.id, name: user.name }, expires_in: 3600 });
    }
    res.status(400).json({ error: 'unsupported_grant_type' });
  };
  school.post('/login/oauth2/token', (req, res) => void tokenEndpoint(req, res));

  // ——— The REST API: a teacher's token, with url:METHOD|path scopes when the key enforces them ———
  const api = (method: 'get' | 'put' | 'post' | 'patch', template: string, handler: (req: Request, res: Response, user: CanvasUser) => unknown) => {
    school[method](template.replace(/:(\w+)/g, ':$1'), (req, res) => {
      const send = res.json.bind(res);
      res.json = (body: unknown) => {
        apiCalls.push({ method: method.toUpperCase(), path: req.path, status: res.statusCode, body: req.body });
        return send(body);
      };
      const token = apiTokens.get(/^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '');
      res.setHeader('WWW-Authenticate', 'Bearer realm="canvas-lms"');
      if (!token || token.expiresAt < Date.now()) return res.status(401).json({ errors: [{ message: 'Invalid access token.' }] });
      const key = apiKeys.get(token.clientId)!;
      if (key.scopes.length && !token.scopes.includes(`url:${method.toUpperCase()}|${template}`)) return res.status(401).json({ errors: [{ message: 'Insufficient scopes on access token.' }] });
      const user = users.get(token.userId)!;
      if (Number(req.params.course_id) !== course.id || user.role !== 'teacher') return res.status(401).json({ status: 'unauthorized', errors: [{ message: 'user not authorized to perform that action' }] });
      res.removeHeader('WWW-Authenticate');
      return handler(req, res, user);
    });
  };
  const classicQuiz = (req: Request, res: Response) => {
    const quiz = classic.quizzes.get(Number(req.params.id ?? req.params.quiz_id));
    if (!quiz) res.status(404).json({ errors: [{ message: 'The specified resource does not exist.' }] });
    return quiz;
  };
  api('get', '/api/v1/courses/:course_id/quizzes/:id', (req, res) => {
    const quiz = classicQuiz(req, res);
    if (quiz) res.json(classic.presentQuiz(quiz, origins.school));
  });
  api('put', '/api/v1/courses/:course_id/quizzes/:id', (req, res) => {
    const quiz = classicQuiz(req, res);
    if (!quiz) return;
    const input = ((req.body ?? {}) as { quiz?: Record<string, unknown> }).quiz;
    if (!input || typeof input !== 'object') return res.status(400).json({ errors: [{ message: 'quiz is required' }] });
    if ('access_code' in input) quiz.accessCode = input.access_code === null || input.access_code === '' ? null : (typeof input.access_code === 'string' ? input.access_code : JSON.stringify(input.access_code));
    if (typeof input.title === 'string') quiz.title = input.title;
    res.json({ quizzes: [classic.presentQuiz(quiz, origins.school)] });
  });
  api('post', '/api/v1/courses/:course_id/quizzes/:id/validate_access_code', (req, res) => {
    const quiz = classicQuiz(req, res);
    if (quiz) res.json(quiz.accessCode === null || (req.body as { access_code?: string }).access_code === quiz.accessCode);
  });
  api('get', '/api/v1/courses/:course_id/quizzes/:quiz_id/submissions', (req, res) => {
    const quiz = classicQuiz(req, res);
    if (!quiz) return;
    res.json({ quiz_submissions: classic.submissions.filter((s) => s.quizId === quiz.id).map((s) => ({
      id: s.id, quiz_id: s.quizId, user_id: s.userId, attempt: s.attempt, workflow_state: s.workflowState,
      started_at: s.startedAt.toISOString(), finished_at: s.finishedAt?.toISOString() ?? null,
    })) });
  });
  const newQuiz = (req: Request, res: Response) => {
    const quiz = quizzesNew.quizzes.get(Number(req.params.assignment_id));
    if (!quiz) res.status(404).json({ errors: [{ message: 'The specified resource does not exist.' }] });
    return quiz;
  };
  const presentNewQuiz = (q: { assignmentId: number; title: string; requireAccessCode: boolean; accessCode: string }) => ({
    id: String(q.assignmentId), title: q.title, quiz_settings: { require_student_access_code: q.requireAccessCode, student_access_code: q.requireAccessCode ? q.accessCode : null, has_time_limit: false },
  });
  api('get', '/api/quiz/v1/courses/:course_id/quizzes/:assignment_id', (req, res) => {
    const quiz = newQuiz(req, res);
    if (quiz) res.json(presentNewQuiz(quiz));
  });
  api('patch', '/api/quiz/v1/courses/:course_id/quizzes/:assignment_id', (req, res) => {
    const quiz = newQuiz(req, res);
    if (!quiz) return;
    const settings = ((req.body ?? {}) as { quiz?: { quiz_settings?: Record<string, unknown> } }).quiz?.quiz_settings;
    if (!settings) return res.status(400).json({ errors: [{ message: 'quiz.quiz_settings is required' }] });
    if ('require_student_access_code' in settings) quiz.requireAccessCode = settings.require_student_access_code === true || settings.require_student_access_code === 'true';
    if (typeof settings.student_access_code === 'string') quiz.accessCode = settings.student_access_code;
    if (quiz.requireAccessCode && !quiz.accessCode) return res.status(400).json({ errors: [{ message: 'student_access_code is required when require_student_access_code is true' }] });
    res.json(presentNewQuiz(quiz));
  });
  api('get', '/api/v1/courses/:course_id/assignments/:assignment_id/submissions', (req, res) => {
    const quiz = newQuiz(req, res);
    if (quiz) res.json(quizzesNew.submissionsOf(quiz.assignmentId));
  });

  // ——— The SSO host: authorize_redirect, JWKS, the token endpoint and the forwarding frame ———
  const sso = express();
  sso.use(express.urlencoded({ extended: false }));
  const authorizeRedirect = async (req: Request, res: Response) => {
    const q = { ...req.query, ...(req.body ?? {}) } as Record<string, string>;
    let domain: string;
    try {
      domain = String((await verifyOwn(q.lti_message_hint ?? '')).canvas_domain);
    } catch {
      return res.status(400).json({ error: 'invalid_request_object', error_description: 'The lti_message_hint is invalid or expired' });
    }
    res.redirect(302, `https://${domain}/api/lti/authorize?${new URLSearchParams(q)}`);
  };
  sso.get('/api/lti/authorize_redirect', (req, res) => void authorizeRedirect(req, res));
  sso.post('/api/lti/authorize_redirect', (req, res) => void authorizeRedirect(req, res));
  sso.get('/api/lti/security/jwks', (_req, res) => res.json({ keys: [jwk] }));
  sso.post('/login/oauth2/token', (req, res) => void tokenEndpoint(req, res));
  sso.get('/post_message_forwarding', (req, res) => res.type('html').send(forwardingFramePage((typeof req.query.tool_origin === 'string' ? req.query.tool_origin : ''), origins.school)));

  // ——— The four origins on one HTTPS port, told apart by host ———
  const byHost: Record<string, express.Express> = { [hostnames.school]: school, [hostnames.sso]: sso };
  const quizLtiApp = express().use(quizzesNew.quizLti);
  const quizApiApp = express().use(quizzesNew.quizApi);
  byHost[hostnames.quizLti] = quizLtiApp;
  byHost[hostnames.quizApi] = quizApiApp;
  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const app = byHost[(req.headers.host ?? '').replace(/:\d+$/, '')];
    if (!app) {
      res.statusCode = 421;
      return res.end('Misdirected request');
    }
    app(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  for (const [name, host] of Object.entries(hostnames)) origins[name as keyof typeof origins] = `https://${host}:${port}`;

  function addKey(k: Omit<DeveloperKey, 'clientId' | 'deploymentId' | 'toolId'>): DeveloperKey {
    const n = nextId++;
    const key: DeveloperKey = { ...k, clientId: `1000000000000${n}`, deploymentId: `${n}:${createHash('sha1').update(`deployment-${n}`).digest('hex')}`, toolId: n };
    keys.set(key.clientId, key);
    return key;
  }

  return {
    tls, origins, issuer: canvasIssuer, course, users: [...users.values()], keys, assignments, lineItems, deepLinkResponses, apiCalls,
    classic, newQuizzes: quizzesNew,
    /** What an LMS admin types into the tool: Canvas's issuer and endpoints (the same for every school). */
    platformEndpoints: () => ({ issuer: canvasIssuer, authenticationEndpoint: `${origins.sso}/api/lti/authorize_redirect`, accesstokenEndpoint: `${origins.sso}/login/oauth2/token`, jwksUrl: `${origins.sso}/api/lti/security/jwks` }),
    addUser(name: string, role: CanvasUser['role']) {
      const user: CanvasUser = { id: nextId++, name, ltiId: randomUUID(), role };
      users.set(user.id, user);
      return user;
    },
    user: (id: number) => users.get(id)!,
    /**
     * Developer Keys › + LTI Key › Paste JSON, with the redirect URIs the admin enters, then "Add App" by client id
     * (the deployment). Canvas's validation: the fields it needs, its placements and privacy levels, its scopes.
     */
    importDeveloperKey(json: unknown, redirectUris: string[]) {
      const c = json as Record<string, unknown>;
      const problems: string[] = [];
      for (const field of ['title', 'oidc_initiation_url', 'target_link_uri', 'public_jwk_url']) if (typeof c[field] !== 'string') problems.push(`${field} is required`);
      const scopes = Array.isArray(c.scopes) ? (c.scopes as string[]) : [];
      for (const s of scopes) if (!ltiScopes.includes(s)) problems.push(`unknown scope ${s}`);
      const ext = (Array.isArray(c.extensions) ? c.extensions : []).find((e: Record<string, unknown>) => e.platform === 'canvas.instructure.com') as Record<string, unknown> | undefined;
      if (!ext) problems.push('an extension for canvas.instructure.com is required');
      const privacy = (ext?.privacy_level ?? 'anonymous') as DeveloperKey['privacy'];
      if (!privacyLevels.includes(privacy)) problems.push(`unknown privacy_level ${String(privacy)}`);
      const placements = ((ext?.settings as { placements?: Record<string, unknown>[] } | undefined)?.placements ?? []).map((p) => {
        if (!placementNames.includes(p.placement as PlacementName)) problems.push(`unknown placement ${String(p.placement)}`);
        const type = (p.message_type ?? 'LtiResourceLinkRequest') as Placement['messageType'];
        if (type === 'LtiDeepLinkingRequest' && !deepLinkAccepts[p.placement as PlacementName]) problems.push(`${String(p.placement)} does not support deep linking`);
        return { placement: p.placement as PlacementName, messageType: type, targetLinkUri: String(p.target_link_uri ?? c.target_link_uri), custom: (p.custom_fields ?? {}) as Record<string, string>, text: p.text as string | undefined, visibility: p.visibility as string | undefined };
      });
      for (const [k, v] of Object.entries((c.custom_fields ?? {}) as Record<string, unknown>)) if (typeof v !== 'string') problems.push(`custom field ${k} must be a string`);
      if (!redirectUris.length) problems.push('Redirect URIs are required');
      if (problems.length) throw new Error(`Canvas refused the key: ${problems.join('; ')}`);
      return addKey({
        title: String(c.title), oidcUrl: String(c.oidc_initiation_url), targetLinkUri: String(c.target_link_uri), jwksUrl: String(c.public_jwk_url),
        redirectUris, scopes, privacy, custom: (c.custom_fields ?? {}) as Record<string, string>, placements, dynamic: false,
      });
    },
    /** Apps › + App › Dynamic Registration: the address Canvas opens (in its modal's iframe) for the tool's URL. */
    async dynamicRegistrationUrl(toolUrl: string) {
      const token = await signOwn({ uuid: randomUUID(), initiated_at: Date.now() }, '1h');
      registrationTokens.add(token);
      const url = new URL(toolUrl);
      url.searchParams.set('openid_configuration', `${origins.school}/api/lti/security/openid-configuration`);
      url.searchParams.set('registration_token', token);
      return url.href;
    },
    /** Developer Keys › + API Key: a client id and secret, its redirect URIs, and (when enforced) its scopes. */
    addApiKey(options: { name?: string; redirectUris: string[]; scopes: string[] }) {
      const key: ApiKey = { clientId: `1000000000000${nextId++}`, secret: randomBytes(32).toString('hex'), name: options.name ?? 'Invigil', redirectUris: options.redirectUris, scopes: options.scopes };
      apiKeys.set(key.clientId, key);
      return key;
    },
    /** Expires every API access token, as an hour passing would (refresh tokens stay). */
    expireApiTokens() {
      for (const token of apiTokens.values()) token.expiresAt = 0;
    },
    urls: {
      logInAs: (user: CanvasUser, next: string) => `${origins.school}/login/as?user=${user.id}&next=${encodeURIComponent(next)}`,
      courseNavigation: (key: DeveloperKey) => `/courses/${course.id}/external_tools/${key.toolId}`,
      resourceSelection: (key: DeveloperKey, placement: PlacementName) => `/courses/${course.id}/external_tools/${key.toolId}/resource_selection?placement=${placement}`,
      assignment: (id: number) => `/courses/${course.id}/assignments/${id}`,
      classicQuiz: (id: number) => `${origins.school}/courses/${course.id}/quizzes/${id}`,
      newQuiz: (assignmentId: number) => `${origins.school}/courses/${course.id}/assignments/${assignmentId}`,
    },
    async close() {
      untrust();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
export type CanvasEmulator = Awaited<ReturnType<typeof startCanvas>>;
