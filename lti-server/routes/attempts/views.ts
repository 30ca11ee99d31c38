import type { quizzes } from '../../../models/schema.ts';
import { html, jsonScript } from '../../pages/html.ts';
import { page } from '../../pages/layout.ts';
import { lockdownRuleLabels, rulesFor } from '../../../models/lockdown.ts';
import { readQuizSettings } from '../quizzes/settings.ts';

type Quiz = typeof quizzes.$inferSelect;

/** The student's start page: find the extension, acknowledge the policy, then hand the extension a start token. */
export function takeQuizPage(quiz: Quiz, options: { createUrl: string; apiBase: string }) {
  const settings = readQuizSettings(quiz.settings);
  const lockdownRules = rulesFor(settings.lockdown);
  const rules = [
    settings.recordWebcam && (settings.recordMicrophone ? 'your webcam and microphone are recorded' : 'your webcam is recorded'),
    settings.recordScreen && 'your entire screen is recorded',
    lockdownRules.length > 0 && 'the browser is locked to the quiz',
  ].filter(Boolean);
  return page(quiz.title, html`<h1>${quiz.title}</h1>
<p>This quiz is proctored by Invigil: ${rules.join(', ')}.</p>
${lockdownRules.length ? html`<details><summary>What the lockdown does during this quiz</summary><ul class="rules">${lockdownRules.map((r) => html`<li>${lockdownRuleLabels[r]}</li>`)}</ul>
<p class="muted">You can always end the attempt from the bar at the bottom of the quiz page or from the Invigil button in the toolbar.</p></details>` : ''}
<section aria-labelledby="check-heading">
<h2 id="check-heading">1. Browser extension</h2>
<p id="extension-status" class="notice" role="status" aria-live="polite">Looking for the Invigil extension…</p>
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
    script: html`${jsonScript('invigil-config', options)}
<script>
(() => {
  const config = JSON.parse(document.getElementById('invigil-config').textContent);
  const status = document.getElementById('extension-status');
  const startStatus = document.getElementById('start-status');
  const ack = document.getElementById('acknowledge');
  const start = document.getElementById('start');
  const check = document.getElementById('check');
  const checkResult = document.getElementById('check-result');
  let extensionFound = false;
  let checking = false;
  const refresh = () => { start.disabled = !(extensionFound && ack.checked) || checking; check.disabled = !extensionFound || checking; };
  ack.addEventListener('change', refresh);
  window.addEventListener('message', (event) => {
    if (event.source !== window || event.data?.source !== 'invigil') return;
    const m = event.data;
    if (m.type === 'pong' && !extensionFound) {
      extensionFound = true;
      status.textContent = 'Invigil extension ' + m.version + ' is ready.';
      status.className = 'notice ok';
      document.body.dataset.extension = 'ready';
      refresh();
    } else if (m.type === 'check-result') {
      checking = false;
      refresh();
      const list = document.createElement('ul');
      for (const w of m.warnings) { const li = document.createElement('li'); li.textContent = w; list.append(li); }
      const summary = document.createElement('p');
      summary.textContent = m.ok ? 'Your camera and lighting look good.' : 'Please fix this before you start:';
      checkResult.className = 'notice ' + (m.ok ? 'ok' : 'error');
      checkResult.replaceChildren(summary, ...(m.ok ? [] : [list]));
      document.body.dataset.check = m.ok ? 'ok' : 'warnings';
    } else if (m.type === 'started') {
      startStatus.textContent = 'Proctoring is on. Your quiz opened in a new tab; finish it there.';
      document.body.dataset.attempt = m.attemptId;
    } else if (m.type === 'error') {
      if (checking) {
        checking = false;
        checkResult.className = 'notice error';
        checkResult.textContent = 'The camera check did not work: ' + m.message;
        refresh();
        return;
      }
      startStatus.textContent = 'Could not start: ' + m.message;
      start.disabled = false;
    }
  });
  const ping = () => window.postMessage({ source: 'invigil', type: 'ping' }, window.location.origin);
  ping();
  const pinger = setInterval(() => { if (extensionFound) clearInterval(pinger); else ping(); }, 500);
  setTimeout(() => {
    if (!extensionFound) { status.textContent = 'The Invigil extension was not found. Install it, then reload this page.'; status.className = 'notice error'; }
  }, 4000);
  check.addEventListener('click', () => {
    checking = true;
    refresh();
    checkResult.className = 'notice';
    checkResult.textContent = 'Checking your camera…';
    window.postMessage({ source: 'invigil', type: 'check' }, window.location.origin);
  });
  start.addEventListener('click', async () => {
    start.disabled = true;
    startStatus.textContent = 'Starting…';
    try {
      const response = await fetch(config.createUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ acknowledged: ack.checked }) });
      const body = await response.json();
      if (!response.ok) throw new Error(body.error?.message || 'the server refused');
      window.postMessage({ source: 'invigil', type: 'start', apiBase: config.apiBase, startToken: body.startToken }, window.location.origin);
    } catch (error) {
      startStatus.textContent = 'Could not start: ' + error.message;
      start.disabled = false;
    }
  });
})();
</script>`,
  });
}

/** Shown in the tab the browser opens when the extension is removed. */
export function extensionRemovedPage() {
  return page('Invigil was removed', html`<h1>Invigil was removed</h1>
<p>The Invigil extension was removed from this browser. If a proctored attempt was running, your instructor will see that
the extension was removed during it. To take a proctored quiz, install Invigil again and start from your course.</p>`);
}
