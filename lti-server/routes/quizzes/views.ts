import { defaultMaxAttempts, defaultPolicyText, mostAttempts } from '../../../models/contracts.ts';
import { lockdownPresetLabels, lockdownPresets, lockdownRuleLabels, lockdownRuleNames, rulesFor } from '../../../models/lockdown.ts';
import { readQuizSettings } from './settings.ts';
import { defaultKbps, kbpsBounds } from '../../../models/recording.ts';
import { streamLabels, streamNames } from '../../../models/streams.ts';
import type { quizzes } from '../../../models/schema.ts';
import { html } from '../../pages/html.ts';
import { page } from '../../pages/layout.ts';
import type { SafeHtml } from '../../pages/html.ts';

type Quiz = typeof quizzes.$inferSelect;
type Problem = { path: string; message: string };

export function quizFormPage(options: { heading: string; action: string; csrf: string; quiz?: Partial<Quiz>; problems?: Problem[]; saved?: boolean; gate?: SafeHtml }) {
  const { quiz, problems = [] } = options;
  const s = quiz?.settings ? readQuizSettings(quiz.settings) : undefined;
  const lockdown = s?.lockdown ?? { preset: 'closed_book' as const, rules: [], allowedUrls: [], disableOtherExtensions: false };
  // Custom starts from the rules the current preset runs, so switching to it changes nothing until a box is untouched.
  const customRules = rulesFor(lockdown);
  const problemFor = (field: string) => problems.find((p) => p.path === field || p.path.startsWith(`${field}.`))?.message;
  const field = (name: string, label: string, type: 'text' | 'url', value: string | undefined, hint?: string) => {
    const problem = problemFor(name);
    return html`<label for="${name}">${label}</label>
${hint ? html`<p class="muted" id="${name}-hint">${hint}</p>` : ''}
<input type="${type}" id="${name}" name="${name}" value="${value ?? ''}" required
  aria-describedby="${[hint ? `${name}-hint` : '', problem ? `${name}-error` : ''].filter(Boolean).join(' ')}" ${problem ? html`aria-invalid="true"` : ''}>
${problem ? html`<p class="notice error" id="${name}-error">${problem}</p>` : ''}`;
  };
  const numberField = (name: string, label: string, hint: string, value: number | string, bounds: { min: number; max: number }) => {
    const problem = problemFor(name);
    return html`<label for="${name}">${label}</label>
<p class="muted" id="${name}-hint">${hint}</p>
<input type="number" id="${name}" name="${name}" min="${bounds.min}" max="${bounds.max}" step="1" value="${String(value)}"
  aria-describedby="${name}-hint${problem ? ` ${name}-error` : ''}" ${problem ? html`aria-invalid="true"` : ''}>
${problem ? html`<p class="notice error" id="${name}-error">${problem}</p>` : ''}`;
  };
  const box = (name: string, label: string, checked: boolean) =>
    html`<label class="check"><input type="checkbox" name="${name}" ${checked ? html`checked` : ''}> ${label}</label>`;
  return page(options.heading, html`<h1>${options.heading}</h1>
${problems.length ? html`<div class="notice error" role="alert">Please correct ${problems.length === 1 ? 'the field' : 'the fields'} marked below.</div>` : ''}
${options.saved ? html`<div class="notice ok" role="status">Settings saved.</div>` : ''}
${options.gate ?? ''}
${options.gate ? html`<h2>Settings</h2>` : ''}
<form method="post" action="${options.action}" novalidate>
<input type="hidden" name="_csrf" value="${options.csrf}">
${field('title', 'Title shown to students', 'text', quiz?.title)}
${field('quizUrl', 'Address of the LMS quiz', 'url', quiz?.quizUrl, 'Open the quiz in your LMS and copy its address, e.g. https://moodle.example.edu/mod/quiz/view.php?id=42, or in Canvas https://school.instructure.com/courses/7/quizzes/42 (a New Quiz: its assignment, …/courses/7/assignments/51)')}
<fieldset><legend>Proctoring</legend>
${box('recordWebcam', 'Record the webcam', s?.recordWebcam ?? true)}
${box('recordScreen', 'Record the entire screen', s?.recordScreen ?? true)}
${box('recordMicrophone', 'Record the microphone with the webcam', s?.recordMicrophone ?? false)}
${box('pauseOnStreamLoss', 'Hide the quiz until a stopped camera or screen share is restarted (otherwise the quiz goes on and the stop is flagged)', s?.pauseOnStreamLoss ?? false)}
</fieldset>
<fieldset><legend>Browser lockdown</legend>
<p class="muted" id="lockdown-hint">What the extension blocks or records in the student's browser during the attempt. Students see the rules before they start and during the quiz.</p>
${lockdownPresets.map((p) => html`<label class="check"><input type="radio" name="lockdownPreset" value="${p}" aria-describedby="lockdown-hint" ${lockdown.preset === p ? html`checked` : ''}> ${lockdownPresetLabels[p]}</label>`)}
<fieldset class="rules"><legend>Rules for the custom preset</legend>
${lockdownRuleNames.map((r) => html`<label class="check"><input type="checkbox" name="lockdownRules" value="${r}" ${customRules.includes(r) ? html`checked` : ''}> ${lockdownRuleLabels[r]}</label>`)}
</fieldset>
<label for="allowedUrls">Allowed addresses</label>
<p class="muted" id="allowedUrls-hint">One per line, e.g. a formula sheet or your single sign-on page. They may load in the quiz tab and open in new tabs (logged); everything under each address is allowed. The quiz's own site is always allowed.</p>
<textarea id="allowedUrls" name="allowedUrls" rows="3" aria-describedby="allowedUrls-hint${problemFor('allowedUrls') ? ' allowedUrls-error' : ''}" ${problemFor('allowedUrls') ? html`aria-invalid="true"` : ''}>${lockdown.allowedUrls.join('\n')}</textarea>
${problemFor('allowedUrls') ? html`<p class="notice error" id="allowedUrls-error">${problemFor('allowedUrls')}</p>` : ''}
${box('disableOtherExtensions', 'Turn other extensions off during the attempt and back on after it (Chrome; Firefox only lists them)', lockdown.disableOtherExtensions)}
</fieldset>
<label for="sensitivity">Detection sensitivity</label>
<p class="muted" id="sensitivity-hint">Low raises fewer flags; high catches more and asks more of your review.</p>
<select id="sensitivity" name="sensitivity" aria-describedby="sensitivity-hint${problemFor('sensitivity') ? ' sensitivity-error' : ''}" ${problemFor('sensitivity') ? html`aria-invalid="true"` : ''}>
${(['low', 'normal', 'high'] as const).map((v) => html`<option value="${v}" ${(s?.sensitivity ?? 'normal') === v ? html`selected` : ''}>${v[0].toUpperCase() + v.slice(1)}</option>`)}
</select>
${problemFor('sensitivity') ? html`<p class="notice error" id="sensitivity-error">${problemFor('sensitivity')}</p>` : ''}
<label for="sampleSeconds">Seconds between camera checks</label>
<p class="muted" id="sampleSeconds-hint">The extension looks at one webcam frame this often (0.5 to 10). Every second is the default.</p>
<input type="number" id="sampleSeconds" name="sampleSeconds" min="0.5" max="10" step="0.5" value="${s?.sampleSeconds ?? 1}"
  aria-describedby="sampleSeconds-hint${problemFor('sampleSeconds') ? ' sampleSeconds-error' : ''}" ${problemFor('sampleSeconds') ? html`aria-invalid="true"` : ''}>
${problemFor('sampleSeconds') ? html`<p class="notice error" id="sampleSeconds-error">${problemFor('sampleSeconds')}</p>` : ''}
${streamNames.map((stream) => ({ stream, name: `${stream}Kbps` as const })).map(({ stream, name }) => html`<label for="${name}">${streamLabels[stream].title} bitrate (kbit/s)</label>
<p class="muted" id="${name}-hint">At full quality; on a slow connection the extension records less. ${defaultKbps[stream]} is the default.</p>
<input type="number" id="${name}" name="${name}" min="${kbpsBounds.min}" max="${kbpsBounds.max}" step="10" value="${s?.[name] ?? defaultKbps[stream]}"
  aria-describedby="${name}-hint${problemFor(name) ? ` ${name}-error` : ''}" ${problemFor(name) ? html`aria-invalid="true"` : ''}>
${problemFor(name) ? html`<p class="notice error" id="${name}-error">${problemFor(name)}</p>` : ''}`)}
${numberField('timeLimitMinutes', 'Time limit (minutes)', 'The LMS quiz\'s time limit, if it has one. It bounds how much one attempt may upload; leave it empty for an untimed quiz.', s?.timeLimitMinutes ?? '', { min: 1, max: 1440 })}
${numberField('maxAttempts', 'Proctored attempts per student', `How many times each student may start this quiz under proctoring. Leave it empty to follow the LMS's limit when its launch says it (Canvas: the custom field allowed_attempts=$Canvas.assignment.allowedAttempts), else ${defaultMaxAttempts}.`, s?.maxAttempts ?? '', { min: 1, max: mostAttempts })}
<label for="retentionDays">Days to keep recordings</label>
<p class="muted" id="retentionDays-hint">After this many days from the end of an attempt, its recordings, uploaded chunks and flag thumbnails are deleted from storage and a deletion receipt is kept. Flags and events stay.</p>
<input type="number" id="retentionDays" name="retentionDays" min="1" max="3650" step="1" value="${s?.retentionDays ?? 30}"
  aria-describedby="retentionDays-hint${problemFor('retentionDays') ? ' retentionDays-error' : ''}" ${problemFor('retentionDays') ? html`aria-invalid="true"` : ''}>
${problemFor('retentionDays') ? html`<p class="notice error" id="retentionDays-error">${problemFor('retentionDays')}</p>` : ''}
<label for="policyText">Policy students must acknowledge</label>
<textarea id="policyText" name="policyText" rows="6" required>${s?.policyText ?? defaultPolicyText}</textarea>
${problemFor('policyText') ? html`<p class="notice error">${problemFor('policyText')}</p>` : ''}
<button type="submit">${options.quiz?.id ? 'Save settings' : 'Add proctored quiz'}</button>
</form>`);
}

/**
 * Hands the Deep Linking response back to the LMS. A client module submits it at once; without script, the button
 * does (ltijs's own form uses an inline script, which the pages' Content-Security-Policy forbids).
 */
export function deepLinkReturnPage(returnUrl: string, jwt: string, title: string) {
  return page('Returning to your LMS', html`<h1>Proctoring enabled for ${title}</h1>
<form id="deep-link-return" method="post" action="${returnUrl}">
<input type="hidden" name="JWT" value="${jwt}">
<p>Returning to your LMS…</p>
<button type="submit">Continue to your LMS</button>
</form>`, { module: 'deep-link-return' });
}
