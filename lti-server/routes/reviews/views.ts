import type { quizzes } from '../../../models/schema.ts';
import { html, jsonScript } from '../../pages/html.ts';
import { page } from '../../pages/layout.ts';
import type { presentAttemptRow } from '../../presenters/review.ts';
import type { QuizGate } from '../../gate/quiz-gates.ts';
import type { unproctoredAttempts } from '../../gate/unproctored-attempts.ts';
import { gateStatus } from '../quizzes/gate-views.ts';

type Quiz = typeof quizzes.$inferSelect;
type Row = ReturnType<typeof presentAttemptRow>;

const when = (iso: string | null) => (iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '—');

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
<td>${r.student}</td><td>${r.status.replace('_', ' ')}</td><td>${when(r.startedAt)}</td><td class="lms-attempt">${r.lmsAttemptId ?? '—'}</td>
<td class="recording-rung">${r.mediaDeletedAt ? `deleted ${when(r.mediaDeletedAt)} (retention)` : r.recording ?? '—'}</td>
<td class="flag-count">${r.flagCount}</td><td><a href="${links.review(r.id)}">Review<span class="skip"> attempt by ${r.student}</span></a></td></tr>`)}</tbody>
</table>`}
${unproctoredSection(lms.unproctored)}`);
}

export function reviewPage(title: string, dataUrl: string, backUrl: string) {
  return page(title, html`<p><a href="${backUrl}">← All attempts</a></p>
<h1>${title}</h1>
<p id="review-status" role="status" aria-live="polite">Loading…</p>
<div class="videos" id="videos"></div>
<h2>Flags</h2>
<p class="muted">Select a flag to jump both recordings to that moment.</p>
<ol class="timeline" id="flags"></ol>
<h2>Events</h2>
<ol class="timeline" id="events"></ol>`, {
    data: jsonScript('review-config', { dataUrl }),
    module: 'review',
  });
}
