import type { quizzes } from '../../../models/schema.ts';
import { html, jsonScript } from '../../pages/html.ts';
import { page } from '../../pages/layout.ts';
import type { presentAttemptRow } from '../../presenters/review.ts';
import type { QuizGate } from '../../gate/quiz-gates.ts';
import type { unproctoredAttempts } from '../../gate/unproctored-attempts.ts';
import { gateStatus } from '../quizzes/gate-views.ts';
import { auditActionLabels, flagDecisionLabels, occurrenceLabel } from '../../../models/review.ts';
import { clock, describeEvent, explainFlag } from '../../client/review-format.ts';
import type { CourseProfile } from '../../review/course-profile.ts';
import type { AttemptReview } from './load.ts';

type Quiz = typeof quizzes.$inferSelect;
type Row = ReturnType<typeof presentAttemptRow> & { failedStreams: string[] };

export const when = (iso: string | null) => (iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '—');

/** Moodle's attempt states, and Canvas's submission states. */
const stateLabels: Record<string, string> = {
  inprogress: 'in progress', overdue: 'overdue', finished: 'finished', abandoned: 'abandoned',
  untaken: 'in progress', complete: 'submitted', pending_review: 'submitted, to grade', submitted: 'submitted', graded: 'submitted',
};

/** Attempts in the LMS that no proctored attempt covered (with the LMS's web services only). */
function unproctoredSection(list: Awaited<ReturnType<typeof unproctoredAttempts>>) {
  if (!list.available) {
    return html`<p class="muted" id="unproctored">Attempts taken without Invigil are listed here once the LMS's API is connected (Moodle: an administrator connects its web services in Invigil; Canvas: an instructor connects Canvas in the quiz's settings).</p>`;
  }
  return html`<section aria-labelledby="unproctored-heading" id="unproctored">
<h2 id="unproctored-heading">Not proctored</h2>
${list.problem ? html`<p class="notice error" role="alert">The LMS's attempts could not all be read: ${list.problem}</p>` : ''}
${list.rows.length === 0 ? html`<p class="notice ok">Every attempt in the LMS quiz was proctored.</p>` : html`<p class="notice error">${String(list.rows.length)} LMS attempt${list.rows.length === 1 ? '' : 's'} without a proctored attempt behind ${list.rows.length === 1 ? 'it' : 'them'}.</p>
<table><caption class="muted">Attempts in the LMS quiz that Invigil did not proctor</caption>
<thead><tr><th scope="col">Student</th><th scope="col">LMS attempt</th><th scope="col">State</th><th scope="col">Started</th><th scope="col">Finished</th></tr></thead>
<tbody>${list.rows.map((r) => html`<tr data-lms-attempt="${r.lmsAttemptId}"><td>${r.student}</td><td>${r.lmsAttemptId} <span class="badge">not proctored</span></td><td>${stateLabels[r.state] ?? r.state}</td><td>${when(r.startedAt?.toISOString() ?? null)}</td><td>${when(r.finishedAt?.toISOString() ?? null)}</td></tr>`)}</tbody>
</table>`}
</section>`;
}

export function attemptListPage(quiz: Quiz, rows: Row[], lms: { gate: QuizGate; unproctored: Awaited<ReturnType<typeof unproctoredAttempts>> }, links: { review: (id: string) => string; settings: string; accommodations: string }) {
  return page(`Attempts · ${quiz.title}`, html`<h1>${quiz.title}: proctored attempts</h1>
<p><a href="${links.settings}">Proctoring settings</a> · <a href="${links.accommodations}">Accommodations</a> · LMS quiz: <a href="${quiz.quizUrl}" target="_blank" rel="noopener">${quiz.quizUrl}</a></p>
${gateStatus(lms.gate)}
${rows.length === 0 ? html`<p class="notice">No attempts yet.</p>` : html`<table>
<caption class="muted">Most recent first</caption>
<thead><tr><th scope="col">Student</th><th scope="col">Status</th><th scope="col">Started</th><th scope="col">LMS attempt</th><th scope="col">Recording</th><th scope="col">Flags</th><th scope="col"><span class="muted">Review</span></th></tr></thead>
<tbody>${rows.map((r) => html`<tr data-attempt="${r.id}">
<td>${r.student}</td><td>${r.statusLabel}</td><td>${when(r.startedAt)}</td><td class="lms-attempt">${r.lmsAttemptId ?? '—'}</td>
<td class="recording-rung">${r.mediaDeletedAt ? `deleted ${when(r.mediaDeletedAt)} (retention)` : r.recording ?? '—'}${r.failedStreams.length ? html` <strong class="badge error recording-failed">${r.failedStreams.join(' and ')} recording failed</strong>` : ''}</td>
<td class="flag-count">${r.flagCount}</td><td><a href="${links.review(r.id)}">Review<span class="skip"> attempt by ${r.student}</span></a></td></tr>`)}</tbody>
</table>`}
${unproctoredSection(lms.unproctored)}`);
}

type ReviewLinks = { back: string; data: string; flagDecision: (flagId: number) => string; outcome: string; request: string; retry: (stream: string) => string; report: string; history: string; query: string };

const selectOptions = (list: string[], selected?: string | null) => list.map((o) => html`<option value="${o}"${o === selected ? html` selected` : ''}>${o}</option>`);

function decisionForm(f: AttemptReview['flags'][number], profile: CourseProfile, links: ReviewLinks, csrf: string) {
  const id = `flag-${f.id}`;
  return html`<form method="post" action="${links.flagDecision(f.id)}" class="decision-form" aria-label="Decide on the flag ${f.label} at ${clock(f.offsetSeconds ?? 0)}">
<input type="hidden" name="_csrf" value="${csrf}">
<fieldset><legend>${f.decision ? 'Revise the decision' : 'Decide'}</legend>
<label><input type="radio" name="decision" value="dismissed" required> Dismiss</label>
<label><input type="radio" name="decision" value="confirmed" required> Confirm</label>
<label for="${id}-reason">Reason for dismissing</label>
<select id="${id}-reason" name="reason"><option value="">—</option>${selectOptions(profile.dismissReasons)}</select>
<label for="${id}-note">Note</label>
<textarea id="${id}-note" name="note" rows="2" maxlength="2000"></textarea>
<button type="submit">Save the decision</button></fieldset></form>`;
}

function requestForm(links: ReviewLinks, csrf: string, flagId: number | null, what: string) {
  const id = `request-${flagId ?? 'attempt'}`;
  return html`<details class="request-form"><summary>Ask the student to explain ${what}</summary>
<form method="post" action="${links.request}">
<input type="hidden" name="_csrf" value="${csrf}">
${flagId === null ? '' : html`<input type="hidden" name="flagId" value="${String(flagId)}">`}
<label for="${id}-message">What to explain</label>
<textarea id="${id}-message" name="message" rows="2" required maxlength="2000"></textarea>
<label for="${id}-days">Answer within (days)</label>
<input id="${id}-days" name="dueDays" type="number" min="1" max="60" value="7" required>
<button type="submit">Send the request</button></form></details>`;
}

function requestList(list: AttemptReview['requests']) {
  if (!list.length) return '';
  return html`<ul class="requests">${list.map((r) => html`<li class="request" data-request="${r.id}"><strong>${r.by}</strong> asked on ${when(r.at)} (answer by ${when(r.dueAt)}): ${r.message}
${r.answer ? html`<blockquote class="answer" data-answer="${r.id}"><strong>The student's explanation</strong> (${when(r.answeredAt)}): ${r.answer}</blockquote>` : html`<p class="muted">Not answered yet.</p>`}</li>`)}</ul>`;
}

function flagItem(f: AttemptReview['flags'][number], profile: CourseProfile, links: ReviewLinks, csrf: string) {
  return html`<li id="flag-${String(f.id)}" class="flag-item severity-${f.severity}" data-flag="${String(f.id)}" data-at-ms="${String(Date.parse(f.startedAt))}">
<h3><button type="button" class="flag flag-${f.type} seek" data-at-ms="${String(Date.parse(f.startedAt))}">${f.offsetSeconds === null ? '' : `${clock(f.offsetSeconds)} · `}${f.label}<span class="visually-hidden">: go to this moment</span></button>
<span class="badge severity severity-${f.severity}">${f.severity} severity</span> <span class="source source-${f.source}" data-source="${f.source}">${f.sourceLabel}</span></h3>
<p class="why">${explainFlag(f.explanation)}</p>
${f.evidenceUrl ? html`<img src="${f.evidenceUrl}" width="160" class="evidence" alt="Camera frame when the flag began: ${f.label}">` : ''}
${f.decision ? html`<p class="decision decision-${f.decision.decision}" data-decision="${f.decision.decision}"><strong>${flagDecisionLabels[f.decision.decision]}</strong>${f.decision.reason ? `: ${f.decision.reason}` : ''}${f.decision.note ? ` — ${f.decision.note}` : ''} (${f.decision.by}, ${when(f.decision.at)})</p>` : html`<p class="decision muted">Not decided yet.</p>`}
${f.decisions.length > 1 ? html`<details><summary>Earlier decisions (${String(f.decisions.length - 1)})</summary><ol class="decision-history">${f.decisions.slice(0, -1).map((d) => html`<li>${flagDecisionLabels[d.decision]}${d.reason ? `: ${d.reason}` : ''}${d.note ? ` — ${d.note}` : ''} (${d.by}, ${when(d.at)})</li>`)}</ol></details>` : ''}
${requestList(f.requests)}
${decisionForm(f, profile, links, csrf)}
${requestForm(links, csrf, f.id, 'this flag')}
</li>`;
}

function outcomeSection(review: AttemptReview, profile: CourseProfile, occurrences: { label: string }[], links: ReviewLinks, csrf: string) {
  const current = review.outcomes.at(-1);
  return html`<section aria-labelledby="outcome-heading" id="outcome">
<h2 id="outcome-heading">Outcome</h2>
<p id="occurrence" class="${occurrences.length ? 'notice error' : 'muted'}">${occurrenceLabel(occurrences.length)} for this student in this course${occurrences.length ? `: earlier ${occurrences.map((o) => o.label).join(', ')}` : ''}. <a href="${links.history}">History of this student</a></p>
${current ? html`<p class="current-outcome" data-outcome="${current.outcome}"><strong>${current.label}</strong>${current.note ? ` — ${current.note}` : ''} (${current.by}, ${when(current.at)})</p>` : html`<p class="current-outcome muted">Not reviewed yet.</p>`}
${review.outcomes.length > 1 ? html`<details><summary>Earlier outcomes (${String(review.outcomes.length - 1)})</summary><ol>${review.outcomes.slice(0, -1).map((o) => html`<li>${o.label}${o.note ? ` — ${o.note}` : ''} (${o.by}, ${when(o.at)})</li>`)}</ol></details>` : ''}
<form method="post" action="${links.outcome}" id="outcome-form">
<input type="hidden" name="_csrf" value="${csrf}">
<fieldset><legend>${current ? 'Revise the outcome' : 'Decide the outcome'}</legend>
${profile.outcomes.map((o) => html`<label><input type="radio" name="outcome" value="${o.key}" required> ${o.label}</label>`)}
<label for="outcome-note">Note</label><textarea id="outcome-note" name="note" rows="2" maxlength="4000"></textarea>
<button type="submit">Save the outcome</button></fieldset></form>
${requestList(review.requests)}
${requestForm(links, csrf, null, 'the attempt')}
</section>`;
}

export function auditTable(list: AttemptReview['audit'], caption: string) {
  if (!list.length) return html`<p class="muted">Nothing recorded yet.</p>`;
  return html`<table class="audit"><caption class="muted">${caption}</caption><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th></tr></thead>
<tbody>${list.map((a) => html`<tr data-action="${a.action}"><td>${when(a.at)}</td><td>${a.by}</td><td>${auditActionLabels[a.action] ?? a.action}${describeAudit(a.details)}</td></tr>`)}</tbody></table>`;
}

function describeAudit(details: Record<string, unknown>) {
  const parts = ['decision', 'reason', 'outcome', 'label', 'stream', 'flagId'].filter((k) => typeof details[k] === 'string' || typeof details[k] === 'number').map((k) => `${k}: ${String(details[k])}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

export function reviewPage(review: AttemptReview, options: { title: string; csrf: string; profile: CourseProfile; occurrences: { label: string }[]; links: ReviewLinks }) {
  const { links, csrf, profile } = options;
  const failed = review.recordings.filter((r) => r.status === 'failed');
  return page(options.title, html`<p><a href="${links.back}">← Review queue</a> · <a href="${links.report}">Report (PDF)</a></p>
<h1>${options.title}</h1>
<p id="attempt-state" data-status="${review.attempt.status}">${review.state}</p>
${failed.map((r) => html`<div class="notice error recording-failed" role="alert" data-stream="${r.stream}"><p><strong>The ${r.label} recording could not be made.</strong> ${r.error ?? ''}</p>
<form method="post" action="${links.retry(r.stream)}"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit">Try the ${r.label} recording again</button></form></div>`)}
<p id="review-status" role="status" aria-live="polite">Loading…</p>
<div class="review-layout">
<div class="players"><div class="videos" id="videos"></div>
<div id="scrubber-box"></div>
<div class="controls" id="controls"></div></div>
<aside class="current-flag" id="current-flag" aria-live="polite" aria-label="The flag at this moment"></aside>
</div>
<details id="shortcuts" open><summary>Keyboard shortcuts</summary>
<dl class="shortcuts"><dt>Space</dt><dd>Play or pause</dd><dt>← / →</dt><dd>Back or forward 5 seconds</dd><dt>J / K</dt><dd>Back or forward 30 seconds</dd><dt>N / P</dt><dd>Next or previous flag</dd><dt>1 / 2 / 4</dt><dd>Play at 1×, 2× or 4×</dd></dl>
<p class="muted">Shortcuts work anywhere on the page except while typing in a field.</p></details>
<h2>Flags</h2>
<p class="muted">Select a flag's time to jump both recordings to that moment.</p>
${review.flags.length ? html`<ol class="timeline" id="flags">${review.flags.map((f) => flagItem(f, profile, links, csrf))}</ol>` : html`<p id="flags">No flags.</p>`}
${outcomeSection(review, profile, options.occurrences, links, csrf)}
<h2>Events</h2>
<ol class="timeline" id="events">${review.events.map((e) => html`<li class="${e.type === 'recording_gap' ? 'gap' : ''}"><span class="source source-${e.source}" data-source="${e.source}">${e.sourceLabel}</span> ${describeEvent(e)}</li>`)}</ol>
<h2>Audit log</h2>
<div id="audit">${auditTable(review.audit, 'Who viewed or decided what on this attempt')}</div>`, {
    data: jsonScript('review-config', { dataUrl: links.data }),
    module: 'review',
  });
}
