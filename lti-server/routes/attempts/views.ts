import type { quizzes } from '../../../models/schema.ts';
import { html, jsonScript } from '../../pages/html.ts';
import { page } from '../../pages/layout.ts';
import { lockdownRuleLabels, rulesFor } from '../../../models/lockdown.ts';
import { readQuizSettings } from '../quizzes/settings.ts';

type Quiz = typeof quizzes.$inferSelect;

/** The student's start page: find the extension, acknowledge the policy, then hand the extension a start token. */
export function takeQuizPage(quiz: Quiz, options: { createUrl: string; windowUrl: string; apiBase: string; csrf: string; recordUrl: string; inSession?: string }) {
  const settings = readQuizSettings(quiz.settings);
  const lockdownRules = rulesFor(settings.lockdown);
  const rules = [
    settings.recordWebcam && (settings.recordMicrophone ? 'your webcam and microphone are recorded' : 'your webcam is recorded'),
    settings.recordScreen && 'your entire screen is recorded',
    lockdownRules.length > 0 && 'the browser is locked to the quiz',
  ].filter(Boolean);
  return page(quiz.title, html`<h1>${quiz.title}</h1>
${options.inSession ? html`<p class="notice ok" role="status" id="session-banner"><strong>In Session:</strong> ${options.inSession}. Your proctor has started the session; start the quiz when you are ready.</p>` : ''}
<p>This quiz is proctored by Invigil: ${rules.join(', ')}.</p>
<p><a href="${options.recordUrl}" id="my-record-link">My proctoring record</a>: your proctored attempts in this course, their flags and what your instructor decided.</p>
${lockdownRules.length ? html`<details><summary>What the lockdown does during this quiz</summary><ul class="rules">${lockdownRules.map((r) => html`<li>${lockdownRuleLabels[r]}</li>`)}</ul>
<p class="muted">You can always end the attempt from the bar at the bottom of the quiz page or from the Invigil button in the toolbar.</p></details>` : ''}
<div id="framed" class="notice" hidden>
<p id="framed-text">This page is shown inside your course page. If your browser does not show the camera or screen-sharing question here, open it in a window of its own.</p>
<button type="button" id="open-window">Open in its own window</button>
</div>
<section aria-labelledby="check-heading">
<h2 id="check-heading">1. Browser extension</h2>
<p id="extension-status" class="notice" role="status" aria-live="polite">Looking for the Invigil extension…</p>
<div id="extension-missing" hidden>
<p>If Invigil is installed but has not been allowed on this site yet, press <strong>Allow Invigil on this site</strong> and choose <strong>Allow</strong> in the window that opens.</p>
<button type="button" id="connect">Allow Invigil on this site</button>
<p>Not installed yet? <a id="install-link" href="/extension" target="_blank" rel="noopener">Install the Invigil extension</a>, then reload this page.</p>
</div>
</section>
<section aria-labelledby="camera-heading">
<h2 id="camera-heading">2. Camera and lighting</h2>
<p class="muted">The extension looks through your camera for a moment and tells you if the light or your position would make proctoring unreliable. Nothing is recorded.</p>
<button type="button" id="check" disabled>Check my camera</button>
<div id="check-result" role="status" aria-live="polite"></div>
</section>
<section aria-labelledby="policy-heading">
<h2 id="policy-heading">3. Proctoring policy</h2>
<div class="policy" id="policy">${quiz.settings.policyText}</div>
<label class="check"><input type="checkbox" id="acknowledge"> I have read this policy and agree to be proctored under it.</label>
</section>
<section aria-labelledby="start-heading">
<h2 id="start-heading">4. Start</h2>
<p class="muted">Starting turns on your camera and screen recording and opens the quiz in a new tab.</p>
<button type="button" id="start" disabled>Start proctored quiz</button>
<p id="start-status" role="status" aria-live="polite"></p>
</section>`, {
    data: jsonScript('invigil-config', options),
    module: 'take-quiz',
  });
}

/** Shown in the tab the browser opens when the extension is removed. */
export function extensionRemovedPage() {
  return page('Invigil was removed', html`<h1>Invigil was removed</h1>
<p>The Invigil extension was removed from this browser. If a proctored attempt was running, your instructor will see that
the extension was removed during it. To take a proctored quiz, install Invigil again and start from your course.</p>`);
}
