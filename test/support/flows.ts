// Multi-step LTI flows several tests share.
import { ltiProvider } from '../../lti-server/lti/provider.ts';
import { addPlatform } from '../../lti-server/lti/platforms.ts';
import { startTestPlatform, type TestPlatform } from '../lti-platform/platform.ts';
import { findAutoForm, HttpBrowser } from './http-browser.ts';
import { startTestInvigil, type TestInvigil } from './invigil.ts';

/** Registers each side with the other by hand, as an LMS admin would. */
export async function connect(invigil: TestInvigil, platform: TestPlatform) {
  platform.registerTool({ loginUrl: `${invigil.url}/lti/login`, launchUrl: `${invigil.url}/lti`, jwksUrl: `${invigil.url}/lti/keys` });
  const c = platform.platformConfig();
  await addPlatform(ltiProvider, { url: c.url, name: c.name, clientId: c.clientId, authenticationEndpoint: c.authenticationEndpoint, accesstokenEndpoint: c.accesstokenEndpoint, jwksUrl: c.authConfig.key });
}

/** Invigil and a test LMS, registered with each other: what most integration tests start from. */
export async function startToolAndPlatform(environment: Record<string, string> = {}) {
  const invigil = await startTestInvigil(environment);
  const platform = await startTestPlatform();
  await connect(invigil, platform);
  return {
    invigil,
    platform,
    async close() {
      await platform.close();
      await invigil.close();
    },
  };
}

export const quizSettingsForm = {
  title: 'Midterm', quizUrl: 'http://localhost:9/mod/quiz/view.php?id=1', recordWebcam: 'on', recordScreen: 'on', lockdownPreset: 'closed_book',
  policyText: 'Stay in view. No phones.',
  // Tests start many attempts as one student.
  maxAttempts: '50',
};

/** An instructor adds a proctored quiz through Deep Linking; returns the platform's new resource link id. */
export async function deepLinkQuiz(platform: TestPlatform, form: Record<string, string> = quizSettingsForm, user = 'teacher-1') {
  const browser = new HttpBrowser();
  const picker = await browser.follow(platform.launchUrl({ user, name: 'Tess Teacher', role: 'instructor', message: 'deep_link' }));
  if (picker.status !== 200 || !picker.url.includes('/app/deep-link')) throw new Error(`Deep linking did not open the picker: ${picker.status} ${picker.body.slice(0, 300)}`);
  const response = await browser.request(picker.url, { form });
  const back = findAutoForm(response.body);
  if (!back) throw new Error(`No deep linking response form: ${response.status} ${response.body.slice(0, 500)}`);
  const done = await browser.request(back.action, { form: back.fields });
  const ids = /data-resource-links="([^"]*)"/.exec(done.body)?.[1];
  if (!ids) throw new Error(`The platform rejected the deep linking response: ${done.body}`);
  return { resourceLinkId: ids, pickerUrl: picker.url, browser };
}

export async function launch(platform: TestPlatform, params: Parameters<TestPlatform['launchUrl']>[0]) {
  const browser = new HttpBrowser();
  const page = await browser.follow(platform.launchUrl(params));
  // The course scope the tool's links carry; the session itself is the browser's cookie.
  return { browser, page, scope: new URL(page.url).searchParams.get('c') };
}

/** The instructor's page of a proctored link (its settings, or its attempt list), through a launch of that link. */
export async function instructorPage(platform: TestPlatform, resourceLinkId: string, page: 'settings' | 'attempts') {
  const { browser, scope } = await launch(platform, { user: 'teacher-1', name: 'Tess Teacher', role: 'instructor', resource: resourceLinkId });
  const quizId = platform.resourceLinks.get(resourceLinkId)!.custom.invigil_quiz;
  const { body } = await browser.request(`${platform.toolOrigin()}/app/quizzes/${quizId}/${page}?c=${scope}`);
  return body;
}

/** The quiz password the settings page tells the instructor to paste into the LMS quiz. */
export async function gatePassword(platform: TestPlatform, resourceLinkId: string) {
  const password = /id="gate-password" value="([^"]+)"/.exec(await instructorPage(platform, resourceLinkId, 'settings'))?.[1];
  if (!password) throw new Error('The settings page shows no quiz password.');
  return password;
}
