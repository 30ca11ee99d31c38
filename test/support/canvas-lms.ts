// Invigil and the Canvas emulator, registered with each other the way a Canvas admin does it (Developer Keys ›
// + LTI Key › Paste JSON with /lti/canvas.json, then the LTI key's values entered in Invigil), Invigil behind TLS
// at https://invigil.tool.test. Plus the steps several Canvas tests share.
import { addPlatform } from '../../lti-server/lti/platforms.ts';
import { ltiProvider } from '../../lti-server/lti/provider.ts';
import { adminKey } from '../../lti-server/admin/running-server.ts';
import { startCanvas, type CanvasUser, type DeveloperKey } from '../lti-platform/canvas/canvas.ts';
import { canvasApiScopes } from '../../lti-server/gate/canvas-api.ts';
import { findAutoForm, HttpBrowser } from './http-browser.ts';
import { freePort, startTestInvigil } from './invigil.ts';
import { startTlsFront } from './tls-front.ts';
import { quizSettingsForm } from './flows.ts';

export async function startCanvasAndInvigil(options: { register?: boolean; environment?: Record<string, string> } = {}) {
  const canvas = await startCanvas();
  const frontPort = await freePort();
  const invigil = await startTestInvigil({ PUBLIC_URL: `https://invigil.tool.test:${frontPort}`, REGISTRATION_INTERNAL_HOSTS: 'school.instructure.test', ...options.environment });
  const front = await startTlsFront(canvas.tls, frontPort, () => invigil.config.port);
  const teacher = canvas.addUser('Tess Teacher', 'teacher');
  let key: DeveloperKey | undefined;
  if (options.register !== false) {
    const config = await (await fetch(`${invigil.url}/lti/canvas.json`)).json();
    key = canvas.importDeveloperKey(config, [`${invigil.url}/lti`]);
    const endpoints = canvas.platformEndpoints();
    await addPlatform(ltiProvider, { url: endpoints.issuer, name: 'Canvas (school.instructure.test)', clientId: key.clientId, authenticationEndpoint: endpoints.authenticationEndpoint, accesstokenEndpoint: endpoints.accesstokenEndpoint, jwksUrl: endpoints.jwksUrl });
  }
  const admin = (path: string, body: unknown) => fetch(`${invigil.url}/admin/api${path}`, {
    method: 'POST', headers: { authorization: `Bearer ${adminKey(invigil.config.dataDir, invigil.config.adminKey).key}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return {
    canvas, invigil, front, teacher, admin,
    get key() {
      if (!key) throw new Error('Not registered by JSON in this file');
      return key;
    },
    async close() {
      await invigil.close();
      await front.close();
      await canvas.close();
    },
  };
}
export type CanvasLms = Awaited<ReturnType<typeof startCanvasAndInvigil>>;

/** A Canvas page opened logged in as `user`, through every launch step (no script: HttpBrowser). */
export async function canvasPage(lms: CanvasLms, user: CanvasUser, path: string, browser = new HttpBrowser()) {
  const page = await browser.follow(lms.canvas.urls.logInAs(user, path));
  return { browser, page, scope: new URL(page.url).searchParams.get('c') };
}

/** The instructor adds a proctored quiz as an assignment (assignment selection → Invigil's picker → deep link). */
export async function addProctoredAssignment(lms: CanvasLms, form: Record<string, string>) {
  const { browser, page } = await canvasPage(lms, lms.teacher, lms.canvas.urls.resourceSelection(lms.key, 'assignment_selection'));
  if (!page.url.includes('/app/deep-link')) throw new Error(`Assignment selection did not open the picker: ${page.status} ${page.body.slice(0, 300)}`);
  const answer = await browser.request(page.url, { form: { ...quizSettingsForm, ...form } });
  const back = findAutoForm(answer.body);
  if (!back) throw new Error(`No deep linking answer: ${answer.status} ${answer.body.slice(0, 500)}`);
  const done = await browser.request(back.action, { form: back.fields });
  const assignmentId = Number(/data-assignments="([0-9]+)"/.exec(done.body)?.[1]);
  if (!assignmentId) throw new Error(`Canvas refused the deep linking answer: ${done.body.slice(0, 500)}`);
  const quizId = lms.canvas.assignments.get(assignmentId)!.custom.invigil_quiz;
  return { assignmentId, quizId };
}

/** The instructor's Invigil page of a quiz (settings or attempts), reached from course navigation. */
export async function instructorCanvasPage(lms: CanvasLms, quizId: string, which: 'settings' | 'attempts') {
  const { browser, page, scope } = await canvasPage(lms, lms.teacher, lms.canvas.urls.courseNavigation(lms.key));
  if (!page.url.includes('/app/course')) throw new Error(`Course navigation did not land on the course page: ${page.url}`);
  const body = (await browser.request(`${lms.invigil.url}/app/quizzes/${quizId}/${which}?c=${scope}`)).body;
  return { browser, scope, body, course: page.body };
}

/** An admin enters the school's API key in Invigil; the instructor authorises Invigil on the course. */
export async function connectCanvasApi(lms: CanvasLms, quizId: string) {
  const apiKey = lms.canvas.addApiKey({ redirectUris: [`${lms.invigil.url}/app/canvas/authorized`], scopes: canvasApiScopes });
  const saved = await lms.admin('/canvas-api-keys', { clientId: lms.key.clientId, siteUrl: lms.canvas.origins.school, apiClientId: apiKey.clientId, apiSecret: apiKey.secret });
  if (saved.status !== 201) throw new Error(`The admin API refused the Canvas key: ${await saved.text()}`);
  const { browser, scope, body } = await instructorCanvasPage(lms, quizId, 'settings');
  const action = /<form method="post" action="([^"]+)" id="canvas-connect">/.exec(body)?.[1];
  if (!action) throw new Error('The settings page offers no "Connect Canvas"');
  const start = await browser.request(new URL(action.replace(/&amp;/g, '&'), lms.invigil.url).toString(), { form: {} });
  const authorize = /id="canvas-authorize" href="([^"]+)"/.exec(start.body)?.[1]?.replace(/&amp;/g, '&');
  if (!authorize) throw new Error(`No Canvas authorisation link: ${start.body.slice(0, 400)}`);
  // Canvas's consent page, in the teacher's Canvas session; then the way back to Invigil.
  const consent = await browser.request(authorize);
  const accept = findAutoForm(consent.body);
  if (!accept) throw new Error(`No consent form: ${consent.body.slice(0, 400)}`);
  const done = await browser.request(new URL(accept.action, consent.url).toString(), { form: accept.fields });
  if (!done.body.includes('id="canvas-connected"')) throw new Error(`Canvas was not connected: ${done.body.slice(0, 600)}`);
  return { apiKey, scope, browser };
}
