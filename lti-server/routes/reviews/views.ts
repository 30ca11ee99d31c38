import type { quizzes } from '../../../models/schema.ts';
import { html, jsonScript } from '../../pages/html.ts';
import { page } from '../../pages/layout.ts';
import type { presentAttemptRow } from '../../presenters/review.ts';

type Quiz = typeof quizzes.$inferSelect;
type Row = ReturnType<typeof presentAttemptRow>;

const when = (iso: string | null) => (iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '—');

export function attemptListPage(quiz: Quiz, rows: Row[], links: { review: (id: string) => string; settings: string; accommodations: string }) {
  return page(`Attempts · ${quiz.title}`, html`<h1>${quiz.title}: proctored attempts</h1>
<p><a href="${links.settings}">Proctoring settings</a> · <a href="${links.accommodations}">Accommodations</a> · LMS quiz: <a href="${quiz.quizUrl}" target="_blank" rel="noopener">${quiz.quizUrl}</a></p>
${rows.length === 0 ? html`<p class="notice">No attempts yet.</p>` : html`<table>
<caption class="muted">Most recent first</caption>
<thead><tr><th scope="col">Student</th><th scope="col">Status</th><th scope="col">Started</th><th scope="col">Recording</th><th scope="col">Flags</th><th scope="col"><span class="muted">Review</span></th></tr></thead>
<tbody>${rows.map((r) => html`<tr data-attempt="${r.id}">
<td>${r.student}</td><td>${r.status.replace('_', ' ')}</td><td>${when(r.startedAt)}</td>
<td class="recording-rung">${r.mediaDeletedAt ? `deleted ${when(r.mediaDeletedAt)} (retention)` : r.recording ?? '—'}</td>
<td class="flag-count">${r.flagCount}</td><td><a href="${links.review(r.id)}">Review<span class="skip"> attempt by ${r.student}</span></a></td></tr>`)}</tbody>
</table>`}`);
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
