// Vitest fixtures for the set-up most test files share: one Invigil and one test LMS for the file, and a proctored
// quiz placed through Deep Linking. A file asks for what it needs by name (`lms`, `quiz`, `chromium`) and gets it
// built once, torn down after its last test.
import { test as base } from 'vitest';
import type { TestPlatform } from '../lti-platform/platform.ts';
import { launchChromium } from './chromium.ts';
import { deepLinkQuiz, startToolAndPlatform } from './flows.ts';
import type { TestInvigil } from './invigil.ts';

type Lms = { invigil: TestInvigil; platform: TestPlatform };
type Quiz = { resourceLinkId: string; quizUrl: string };
type Chromium = Awaited<ReturnType<typeof launchChromium>>;

export function lmsTest(options: {
  /** Invigil's settings for this file (e.g. a short heartbeat timeout). */
  environment?: Record<string, string>;
  /** The quiz form the instructor submits; `quizUrl` is the test LMS's quiz page. Without it, the default quiz. */
  quiz?: (quizUrl: string) => Record<string, string>;
  /** The fake camera clip (a shared clip's name, or an absolute path) for the `chromium` fixture. */
  clip?: string | (() => Promise<string>);
} = {}) {
  return base
    .extend('lms', { scope: 'file' }, async ({}, { onCleanup }): Promise<Lms> => {
      const both = await startToolAndPlatform(options.environment);
      onCleanup(() => both.close());
      return both;
    })
    .extend('quiz', { scope: 'file' }, async ({ lms }): Promise<Quiz> => {
      const quizUrl = `${lms.platform.issuer}/mod/quiz/view.php?id=1`;
      const { resourceLinkId } = await deepLinkQuiz(lms.platform, ...(options.quiz ? [options.quiz(quizUrl)] : []));
      return { resourceLinkId, quizUrl };
    })
    // A fresh browser for each test that asks for one.
    .extend('chromium', async ({}, { onCleanup }): Promise<Chromium> => {
      const clip = typeof options.clip === 'function' ? await options.clip() : options.clip ?? 'single_person';
      const chromium = await launchChromium({ clip });
      onCleanup(() => chromium.close());
      return chromium;
    });
}
