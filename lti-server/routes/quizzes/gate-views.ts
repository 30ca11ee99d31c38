// The quiz gate as the instructor sees it: whether it works, the password to paste and where.
import { gateState, type GateState } from '../../../models/lms-quiz.ts';
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
