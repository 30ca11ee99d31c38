// The quiz gate as the instructor sees it: whether it works, the password to paste and where.
import { gateState, type CanvasQuiz, type GateState } from '../../../models/lms-quiz.ts';
import type { QuizGate } from '../../gate/quiz-gates.ts';
import { html } from '../../pages/html.ts';

const when = (at: Date | undefined) => (at ? at.toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '');

const sentences: Record<GateState, { tone: 'ok' | 'error' | ''; text: (at: string) => string }> = {
  working: { tone: 'ok', text: (at) => `Gate working: the quiz accepted the password Invigil typed (${at}). The quiz cannot be started without proctoring.` },
  password_rejected: { tone: 'error', text: (at) => `Gate not working: the quiz rejected the password Invigil typed (${at}). Paste the password below into the quiz's settings again.` },
  not_set_up: { tone: 'error', text: (at) => `Gate not set up: a proctored student reached the quiz without being asked for a password (${at}). Until you set the password below, anyone can take the quiz without proctoring.` },
  not_checked: { tone: '', text: () => 'Gate not checked yet: it is checked at the first proctored start after you set the password below.' },
};

/** One line: is the gate in force? (the attempt list and the settings page both show it) */
export function gateStatus(gate: QuizGate) {
  const { state, at } = gateState(gate);
  const sentence = sentences[state];
  return html`<p class="notice ${sentence.tone}" id="gate-status" data-gate="${state}">${sentence.text(when(at))}</p>`;
}

export function gateSection(gate: QuizGate, options: { perStudent: boolean }) {
  return html`<section aria-labelledby="gate-heading">
<h2 id="gate-heading">Quiz gate</h2>
${gateStatus(gate)}
<p>So that the quiz cannot be taken without proctoring, give the LMS quiz this password. In Moodle: open the quiz, then
<strong>Settings › Extra restrictions on attempts › Require password</strong>, paste it and save. Every proctored link to this quiz
uses the same password. Students never see it: the extension types it once their checks passed and recording runs.</p>
<label for="gate-password">Quiz password</label>
<input type="text" id="gate-password" value="${gate.password}" readonly spellcheck="false" autocomplete="off" aria-describedby="gate-password-hint">
<p class="muted" id="gate-password-hint">Select it and copy it into the quiz's "Require password" field.</p>
<p class="muted" id="gate-mode" data-per-student="${options.perStudent ? 'on' : 'off'}">${options.perStudent
    ? 'Per-student passwords are on: your Moodle administrator connected its web services, so each proctored start also gets a password for that student alone (a user override), withdrawn when the attempt ends. A password passed to a friend opens nothing.'
    : 'Per-student passwords are off: a Moodle administrator can connect Moodle\'s web services in Invigil, so that each proctored start gets its own one-time password.'}</p>
</section>`;
}

/** Where the Canvas API authorisation stands for the quiz's course (gate/canvas-connections.ts status). */
export type CanvasApiView = { key: false } | { key: true; siteUrl: string; authorizedBy?: string; authorizedAt?: Date; connectAction: string; csrf: string };

/** Canvas: the access code is the gate's password; with the API, Invigil sets and keeps it itself. */
export function canvasGateSection(gate: QuizGate, quiz: CanvasQuiz, api: CanvasApiView) {
  const where = quiz.kind === 'classic'
    ? html`open the quiz, <strong>Edit › Quiz Restrictions › Require an access code</strong>, paste it and save`
    : html`open the quiz, <strong>Settings › Require student access code</strong>, paste it and save`;
  const connected = api.key && api.authorizedBy;
  const apiLine = !api.key
    ? html`<p class="muted" id="canvas-api" data-canvas-api="no_key">Invigil cannot set the code itself yet: a Canvas administrator must create an API developer key and an Invigil administrator enter it (see the README, "Canvas"). Until then, paste the code by hand.</p>`
    : connected
      ? html`<p class="notice ok" id="canvas-api" data-canvas-api="connected">Invigil sets this code in Canvas itself (authorised by ${api.authorizedBy} on ${when(api.authorizedAt)}), puts it back if someone changes it, and replaces it after each proctored attempt and twice a day.${gate.appliedAt ? html` Last written ${when(gate.appliedAt)}.` : ''}${gate.reappliedAt ? html` Someone changed it in Canvas; Invigil put its own back on ${when(gate.reappliedAt)}.` : ''}</p>`
      : html`<form method="post" action="${api.connectAction}" id="canvas-connect"><input type="hidden" name="_csrf" value="${api.csrf}">
<p id="canvas-api" data-canvas-api="not_authorized">Let Invigil set and rotate this code in Canvas for you: authorise it once for this course (your Canvas account must be able to edit the quiz).</p>
<button type="submit">Connect Canvas</button></form>`;
  return html`<section aria-labelledby="gate-heading">
<h2 id="gate-heading">Quiz gate</h2>
${gateStatus(gate)}
${gate.serviceProblem ? html`<p class="notice error" role="alert" id="canvas-problem">Canvas refused Invigil's last request: ${gate.serviceProblem}</p>` : ''}
${apiLine}
<p>So that the quiz cannot be taken without proctoring, it needs this access code. ${connected ? 'Invigil has set it; you need do nothing.' : html`In Canvas: ${where}.`}
Students never see it: the extension types it once their checks passed and recording runs.</p>
<label for="gate-password">Access code</label>
<input type="text" id="gate-password" value="${gate.password}" readonly spellcheck="false" autocomplete="off">
</section>`;
}
