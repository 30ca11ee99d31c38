// A small but real LTI 1.3 platform for tests: it signs id_tokens with its own RSA key, serves its JWKS, runs the
// OIDC third-party login, accepts Deep Linking responses (verifying the tool's signature), supports Dynamic
// Registration, and serves AGS and NRPS behind OAuth2 client-credentials tokens. It can also misbehave on purpose.
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { moodleQuizModule } from './moodle-quiz.ts';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JWK } from 'jose';

const lti = 'https://purl.imsglobal.org/spec/lti/claim';
export const ltiRoles = {
  instructor: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
  learner: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner',
};

/** Ways a launch can be spoiled, each of which the tool must reject. */
export type LaunchFault = 'bad_signature' | 'wrong_audience' | 'missing_deployment' | 'expired' | 'unknown_deployment';

export type User = { id: string; name: string; role: keyof typeof ltiRoles };
export type ToolRegistration = { clientId: string; deploymentId: string; loginUrl: string; launchUrl: string; jwksUrl: string };
export type ResourceLink = { id: string; title: string; custom: Record<string, string>; url?: string };
type PendingLaunch = { user: User; message: 'resource' | 'deep_link'; resourceLinkId?: string; fault?: LaunchFault; extraRoles: string[] };

const autoPost = (action: string, fields: Record<string, string>, id = 'platform-post') => `<!doctype html><html lang="en"><head><title>Redirecting</title></head><body>
<form id="${id}" method="post" action="${escape(action)}">${Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`).join('')}
<noscript><button type="submit">Continue</button></noscript></form>
<script>document.getElementById(${JSON.stringify(id)}).submit()</script></body></html>`;
function escape(value: string) {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export async function startTestPlatform(options: { contextId?: string } = {}) {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const rogue = await generateKeyPair('RS256');
  const kid = randomUUID();
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const contextId = options.contextId ?? 'course-101';
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(express.json());
  // Moodle's quiz module (quizzes added with moodle.addQuiz); the short quizzes below answer the other ids.
  const moodle = moodleQuizModule({ name: 'Test LMS' });
  app.use(moodle.router);
  /** Logs the browser in as a user, as Moodle's login page would, then goes on. */
  const logIn = (res: express.Response, user: string) => res.cookie('MoodleSession', moodle.login(user), { httpOnly: true, sameSite: 'lax', path: '/' });
  app.get('/login/as', (req, res) => {
    logIn(res, typeof req.query.user === 'string' ? req.query.user : 'student-1');
    res.redirect(303, typeof req.query.next === 'string' && req.query.next.startsWith('/') ? req.query.next : '/');
  });

  let issuer = '';
  let tool: ToolRegistration | undefined;
  const pending = new Map<string, PendingLaunch>();
  const resourceLinks = new Map<string, ResourceLink>();
  const deepLinkResponses: unknown[] = [];
  const accessTokens = new Set<string>();
  const lineItems: { id: string; label: string; scoreMaximum: number; resourceLinkId?: string; scores: unknown[] }[] = [];
  const members: { user_id: string; name: string; roles: string[]; status: string }[] = [];

  const sign = (claims: Record<string, unknown>, key: CryptoKey = privateKey, expiresIn = '5m') =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).setIssuer(issuer).setIssuedAt().setExpirationTime(expiresIn).sign(key);

  app.get('/jwks', (_req, res) => res.json({ keys: [jwk] }));

  app.get('/.well-known/openid-configuration', (_req, res) => res.json({
    issuer,
    authorization_endpoint: `${issuer}/auth`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    registration_endpoint: `${issuer}/register`,
    scopes_supported: ['openid'],
    response_types_supported: ['id_token'],
    id_token_signing_alg_values_supported: ['RS256'],
    claims_supported: ['sub', 'iss', 'name', 'given_name', 'family_name', 'email'],
    'https://purl.imsglobal.org/spec/lti-platform-configuration': {
      product_family_code: 'invigil-test-lms', version: '1.0',
      messages_supported: [{ type: 'LtiResourceLinkRequest' }, { type: 'LtiDeepLinkingRequest' }],
    },
  }));

  // Dynamic Registration: the tool posts its configuration; we assign it a client id and a deployment.
  app.post('/register', (req, res) => {
    const body = req.body as Record<string, unknown>;
    const config = body['https://purl.imsglobal.org/spec/lti-tool-configuration'] as { target_link_uri: string } | undefined;
    if (!config || typeof body.initiate_login_uri !== 'string' || typeof body.jwks_uri !== 'string') {
      return res.status(400).json({ error: 'invalid_client_metadata' });
    }
    const clientId = `client-${randomBytes(6).toString('hex')}`;
    tool = { clientId, deploymentId: 'deployment-1', loginUrl: body.initiate_login_uri, launchUrl: config.target_link_uri, jwksUrl: body.jwks_uri };
    res.json({ ...body, client_id: clientId, 'https://purl.imsglobal.org/spec/lti-tool-configuration': { ...config, deployment_id: tool.deploymentId } });
  });

  // Step 1 of a launch: the platform sends the browser to the tool's login URL (third-party initiated login).
  app.get('/launch', (req, res) => {
    if (!tool) return res.status(409).send('No tool registered');
    const message = req.query.message === 'deep_link' ? 'deep_link' : 'resource';
    const text = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);
    const user: User = { id: text(req.query.user, 'student-1'), name: text(req.query.name, 'Sam Student'), role: req.query.role === 'instructor' ? 'instructor' : 'learner' };
    const resourceLinkId = typeof req.query.resource === 'string' ? req.query.resource : undefined;
    const fault = typeof req.query.fault === 'string' ? (req.query.fault as LaunchFault) : undefined;
    // Institution and system roles, sent beside the course role as Canvas and Moodle do.
    const extraRoles = typeof req.query.extraRoles === 'string' ? req.query.extraRoles.split(' ').filter(Boolean) : [];
    // Launching from a course means being logged in to the LMS as that user.
    if (moodle.sessionOf(req)?.userid !== user.id) logIn(res, user.id);
    const hint = randomBytes(12).toString('hex');
    pending.set(hint, { user, message, resourceLinkId, fault, extraRoles });
    res.type('html').send(autoPost(tool.loginUrl, {
      iss: issuer, login_hint: user.id, target_link_uri: tool.launchUrl, lti_message_hint: hint, client_id: tool.clientId, lti_deployment_id: tool.deploymentId,
    }));
  });

  // Step 2: the tool's authentication request; we answer with a signed id_token posted to its redirect URI.
  const authorize: express.RequestHandler = async (req, res) => {
    const q = { ...req.query, ...(req.body ?? {}) } as Record<string, string>;
    const launch = pending.get(q.lti_message_hint);
    if (!tool || !launch) return res.status(400).send('Unknown launch');
    if (q.client_id !== tool.clientId || q.redirect_uri !== tool.launchUrl || q.response_type !== 'id_token' || q.scope !== 'openid' || !q.nonce || q.login_hint !== launch.user.id) {
      return res.status(400).send('Invalid authentication request');
    }
    pending.delete(q.lti_message_hint);
    const link = launch.resourceLinkId ? resourceLinks.get(launch.resourceLinkId) : undefined;
    const claims: Record<string, unknown> = {
      aud: launch.fault === 'wrong_audience' ? 'someone-else' : tool.clientId,
      azp: tool.clientId,
      sub: launch.user.id,
      nonce: q.nonce,
      name: launch.user.name,
      given_name: launch.user.name.split(' ')[0],
      family_name: launch.user.name.split(' ').slice(1).join(' '),
      email: `${launch.user.id}@example.edu`,
      [`${lti}/deployment_id`]: launch.fault === 'unknown_deployment' ? 'deployment-unknown' : tool.deploymentId,
      [`${lti}/version`]: '1.3.0',
      [`${lti}/roles`]: [ltiRoles[launch.user.role], ...launch.extraRoles],
      [`${lti}/context`]: { id: contextId, label: 'LTI101', title: 'Proctoring 101', type: ['http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering'] },
      [`${lti}/tool_platform`]: { guid: 'test-lms', name: 'Test LMS', product_family_code: 'invigil-test-lms' },
      [`${lti}/launch_presentation`]: { document_target: 'iframe', return_url: `${issuer}/return` },
      'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint': {
        scope: ['https://purl.imsglobal.org/spec/lti-ags/scope/lineitem', 'https://purl.imsglobal.org/spec/lti-ags/scope/score'],
        lineitems: `${issuer}/ags/lineitems`,
      },
      'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice': { context_memberships_url: `${issuer}/nrps/memberships`, service_versions: ['2.0'] },
    };
    if (launch.fault === 'missing_deployment') delete claims[`${lti}/deployment_id`];
    if (launch.message === 'deep_link') {
      claims[`${lti}/message_type`] = 'LtiDeepLinkingRequest';
      claims[`${lti}/target_link_uri`] = tool.launchUrl;
      claims['https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings'] = {
        deep_link_return_url: `${issuer}/deep-link-return`, accept_types: ['ltiResourceLink'],
        accept_presentation_document_targets: ['iframe', 'window'], accept_multiple: false, data: 'opaque-platform-data',
      };
    } else {
      if (!link) return res.status(404).send('Unknown resource link');
      claims[`${lti}/message_type`] = 'LtiResourceLinkRequest';
      claims[`${lti}/target_link_uri`] = tool.launchUrl;
      claims[`${lti}/resource_link`] = { id: link.id, title: link.title };
      claims[`${lti}/custom`] = link.custom;
    }
    const token = launch.fault === 'expired'
      ? await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).setIssuer(issuer).setIssuedAt(Math.floor(Date.now() / 1000) - 7200).setExpirationTime(Math.floor(Date.now() / 1000) - 3600).sign(privateKey)
      : await sign(claims, launch.fault === 'bad_signature' ? rogue.privateKey : privateKey);
    res.type('html').send(autoPost(q.redirect_uri, { id_token: token, state: q.state }));
  };
  app.get('/auth', authorize);
  app.post('/auth', authorize);

  // Deep Linking response: verify the tool's signed JWT, then create the resource links it returned.
  app.post('/deep-link-return', async (req, res) => {
    if (!tool) return res.status(409).send('No tool registered');
    try {
      const { payload } = await jwtVerify(String(req.body.JWT), createRemoteJWKSet(new URL(tool.jwksUrl)), { audience: issuer, issuer: tool.clientId });
      if (payload['https://purl.imsglobal.org/spec/lti/claim/message_type'] !== 'LtiDeepLinkingResponse') throw new Error('not a deep linking response');
      if (payload['https://purl.imsglobal.org/spec/lti-dl/claim/data'] !== 'opaque-platform-data') throw new Error('data claim not echoed');
      const items = (payload['https://purl.imsglobal.org/spec/lti-dl/claim/content_items'] ?? []) as { type: string; title?: string; url?: string; custom?: Record<string, string> }[];
      deepLinkResponses.push(payload);
      const created = items.filter((i) => i.type === 'ltiResourceLink').map((i) => {
        const link: ResourceLink = { id: `rl-${randomBytes(4).toString('hex')}`, title: i.title ?? 'Untitled', custom: i.custom ?? {}, url: i.url };
        resourceLinks.set(link.id, link);
        return link;
      });
      res.type('html').send(`<!doctype html><html lang="en"><head><title>Content added</title></head><body data-resource-links="${escape(created.map((l) => l.id).join(','))}"><h1>Content added</h1><ul>${created.map((l) => `<li>${escape(l.title)}</li>`).join('')}</ul></body></html>`);
    } catch (error) {
      res.status(400).type('html').send(`<!doctype html><html lang="en"><head><title>Rejected</title></head><body><h1>Deep linking response rejected</h1><p>${escape((error as Error).message)}</p></body></html>`);
    }
  });

  // OAuth2 client credentials with a signed client assertion (LTI Advantage services).
  app.post('/token', async (req, res) => {
    if (!tool) return res.status(409).json({ error: 'invalid_client' });
    try {
      if (req.body.grant_type !== 'client_credentials' || req.body.client_assertion_type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') throw new Error('unsupported grant');
      await jwtVerify(String(req.body.client_assertion), createRemoteJWKSet(new URL(tool.jwksUrl)), { issuer: tool.clientId, subject: tool.clientId });
      const token = randomBytes(24).toString('hex');
      accessTokens.add(token);
      res.json({ access_token: token, token_type: 'Bearer', expires_in: 3600, scope: String(req.body.scope ?? '') });
    } catch (error) {
      res.status(401).json({ error: 'invalid_client', error_description: (error as Error).message });
    }
  });
  const bearer: express.RequestHandler = (req, res, next) => {
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (!token || !accessTokens.has(token)) return res.status(401).json({ error: 'invalid_token' });
    next();
  };
  app.get('/ags/lineitems', bearer, (_req, res) => res.type('application/vnd.ims.lis.v2.lineitemcontainer+json').json(lineItems.map(({ scores: _s, ...i }) => i)));
  app.post('/ags/lineitems', bearer, express.json({ type: () => true }), (req, res) => {
    const item = { id: `${issuer}/ags/lineitems/${lineItems.length + 1}`, label: String(req.body.label), scoreMaximum: Number(req.body.scoreMaximum), resourceLinkId: req.body.resourceLinkId, scores: [] };
    lineItems.push(item);
    res.status(201).json({ ...item, scores: undefined });
  });
  app.post('/ags/lineitems/:n/scores', bearer, express.json({ type: () => true }), (req, res) => {
    const item = lineItems[Number(req.params.n) - 1];
    if (!item) return res.status(404).json({ error: 'not_found' });
    item.scores.push(req.body);
    res.status(204).end();
  });
  app.get('/nrps/memberships', bearer, (_req, res) => res.type('application/vnd.ims.lti-nrps.v2.membershipcontainer+json').json({
    id: `${issuer}/nrps/memberships`, context: { id: contextId, label: 'LTI101', title: 'Proctoring 101' }, members,
  }));

  // A quiz page with Moodle 4.5's hooks (shared/lms-moodle-quiz.md), so the extension's Moodle adapter runs in tests.
  const quizPage = (title: string, body: string, id: string) => `<!doctype html><html lang="en"><head><title>${title} | Test LMS</title></head>
<body id="${id}" class="path-mod-quiz cmid-1 pagelayout-incourse"><main>${body}</main></body></html>`;
  // Quiz 1 (id=1) is the short form the lockdown tests drive. Quiz 2 (id=2) follows Moodle's full path, as
  // shared/lms-moodle-quiz.md §1, §2, §6 and §7 describe it, with the review closed right after the attempt:
  // view.php → startattempt.php → attempt.php → summary.php → processattempt.php → review.php → view.php.
  const finished = new Set<string>();
  app.get('/mod/quiz/view.php', (req, res) => {
    if (req.query.id !== '2') {
      return res.type('html').send(quizPage('Proctored Quiz', `<h1>Proctored Quiz</h1>
<form id="responseform" method="post" action="/mod/quiz/processattempt.php?cmid=1"><input type="hidden" name="attempt" value="1">
<p>Q1: Is this proctored? <label><input type="radio" name="q1:1_answer" value="1"> True</label></p>
<div class="btn-finishattempt"><button type="submit" class="btn btn-primary">Submit all and finish</button></div></form>`, 'page-mod-quiz-view'));
    }
    const done = finished.has('2');
    return res.type('html').send(quizPage('LTI101: Proctored Quiz', `<h1>Proctored Quiz</h1>
${done ? '<h3>Your attempts</h3><div class="card"><table class="quizreviewsummary"><tr><th>Status</th><td>Finished</td></tr></table></div>' : ''}
<div class="quizattempt"><form method="post" action="/mod/quiz/startattempt.php"><input type="hidden" name="cmid" value="2">
<button type="submit" class="btn btn-primary">${done ? 'Re-attempt quiz' : 'Attempt quiz'}</button></form></div>`, 'page-mod-quiz-view'));
  });
  app.post('/mod/quiz/startattempt.php', (_req, res) => res.redirect(303, '/mod/quiz/attempt.php?attempt=2&cmid=2'));
  app.get('/mod/quiz/attempt.php', (_req, res) => res.type('html').send(quizPage('Proctored Quiz', `<form id="responseform" method="post" action="/mod/quiz/processattempt.php?cmid=2">
<input type="hidden" name="attempt" value="2"><input type="hidden" name="nextpage" value="-1">
<p>Q1: Is this proctored? <label><input type="radio" name="q1:1_answer" value="1"> True</label></p>
<input type="submit" name="next" value="Finish attempt ..." class="mod_quiz-next-nav btn btn-primary" id="mod_quiz-next-nav"></form>`, 'page-mod-quiz-attempt')));
  app.get('/mod/quiz/summary.php', (_req, res) => res.type('html').send(quizPage('Proctored Quiz: Attempt summary', `<table class="generaltable quizsummaryofattempt"><tr class="quizsummary1 answersaved"><td class="c1">Answer saved</td></tr></table>
<form id="frm-finishattempt" method="post" action="/mod/quiz/processattempt.php"><input type="hidden" name="attempt" value="2"><input type="hidden" name="finishattempt" value="1"><input type="hidden" name="cmid" value="2">
<button type="submit" class="btn btn-primary">Submit all and finish</button></form>`, 'page-mod-quiz-summary')));
  app.post('/mod/quiz/processattempt.php', (req, res) => {
    const body = (req.body ?? {}) as Record<string, string>;
    if (req.query.cmid !== '2' && body.cmid !== '2') return res.redirect(303, '/mod/quiz/review.php?attempt=1&cmid=1');
    if (body.finishattempt === '1' || body.timeup === '1') {
      finished.add('2');
      return res.redirect(303, '/mod/quiz/review.php?attempt=2&cmid=2');
    }
    return res.redirect(303, '/mod/quiz/summary.php?attempt=2&cmid=2');
  });
  app.get('/mod/quiz/review.php', (req, res) => {
    // Review closed right after the attempt: review.php sends the student back to view.php (§7).
    if (req.query.cmid === '2') return res.redirect(303, '/mod/quiz/view.php?id=2');
    return res.type('html').send(quizPage('Proctored Quiz: Attempt review', `<h1>Attempt review</h1>
<table class="quizreviewsummary"><tr><th>Status</th><td>Finished</td></tr></table>`, 'page-mod-quiz-review'));
  });

  // Moodle's "embed, without blocks" launch container: the course page frames the tool's launch.
  app.get('/mod/lti/view.php', (req, res) => {
    const launch = typeof req.query.launch === 'string' && req.query.launch.startsWith('/launch?') ? req.query.launch : '/launch';
    res.type('html').send(`<!doctype html><html lang="en"><head><title>Proctored quiz | Test LMS</title></head><body id="page-mod-lti-view">
<h1>Proctored quiz</h1><iframe id="contentframe" title="Proctored quiz" src="${escape(launch)}" style="width:100%;height:900px;border:0" allow="microphone *; camera *; display-capture *" allowfullscreen></iframe></body></html>`);
  });

  // A page outside the quiz that an instructor may allow during it (a formula sheet, say).
  app.get('/notes/formulas', (_req, res) => res.type('html').send(quizPage('Formula sheet', '<h1>Formula sheet</h1><p>E = mc²</p>', 'page-notes')));

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  issuer = `http://localhost:${(server.address() as AddressInfo).port}`;

  function launchUrlOf(params: { user: string; name?: string; role: User['role']; message?: 'resource' | 'deep_link'; resource?: string; fault?: LaunchFault; extraRoles?: string }) {
    const query = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined));
    return `${issuer}/launch?${query}`;
  }

  return {
    get issuer() { return issuer; },
    get tool() { return tool; },
    /** Registers the tool by hand (what an LMS admin types into the LMS). */
    registerTool(registration: Omit<ToolRegistration, 'clientId' | 'deploymentId'> & Partial<ToolRegistration>) {
      tool = { clientId: `client-${randomBytes(6).toString('hex')}`, deploymentId: 'deployment-1', ...registration };
      return tool;
    },
    /** The registered tool's origin (where its pages are served). */
    toolOrigin() {
      if (!tool) throw new Error('No tool registered');
      return new URL(tool.launchUrl).origin;
    },
    /** What the tool must be told about this platform. */
    platformConfig(name = 'Test LMS') {
      return { url: issuer, name, clientId: tool!.clientId, authenticationEndpoint: `${issuer}/auth`, accesstokenEndpoint: `${issuer}/token`, authConfig: { method: 'JWK_SET' as const, key: `${issuer}/jwks` } };
    },
    launchUrl: launchUrlOf,
    /** The course page that frames a launch, as Moodle's embed container does. */
    embeddedLaunchUrl(params: Parameters<typeof launchUrlOf>[0]) {
      const launch = new URL(launchUrlOf(params));
      return `${issuer}/mod/lti/view.php?launch=${encodeURIComponent(launch.pathname + launch.search)}`;
    },
    addMember(user: User) {
      members.push({ user_id: user.id, name: user.name, roles: [ltiRoles[user.role]], status: 'Active' });
    },
    resourceLinks,
    deepLinkResponses,
    /** The course's Moodle quizzes: add one, log in, give the admin a web-service token. */
    moodle,
    contextId,
    lineItems,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
export type TestPlatform = Awaited<ReturnType<typeof startTestPlatform>>;
