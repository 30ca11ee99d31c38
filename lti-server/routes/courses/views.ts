import type { quizzes } from '../../../models/schema.ts';
import { flagKinds, flagLabel, type AnyFlagType } from '../../../models/flags.ts';
import { flagDecisionLabels, occurrenceLabel, riskFormula } from '../../../models/review.ts';
import { html } from '../../pages/html.ts';
import { page } from '../../pages/layout.ts';
import { attemptStatusLabels } from '../../presenters/review.ts';
import type { QueueFilters, QueueRow } from '../../review/course-queue.ts';
import { when } from '../reviews/views.ts';

type Quiz = typeof quizzes.$inferSelect;

const reviewLink = (r: QueueRow, q: string) => `/app/attempts/${r.attempt.id}/review?${q}`;
const flagSummary = (r: QueueRow) => {
  const counts = new Map<string, number>();
  for (const f of r.flags) if (f.decision?.decision !== 'dismissed') counts.set(f.label, (counts.get(f.label) ?? 0) + 1);
  return [...counts].map(([label, n]) => `${label} ×${n}`).join(', ') || 'none';
};

function quizTable(list: { quiz: Quiz; attempts: number; flagged: number }[], query: string) {
  if (!list.length) return html`<p id="no-quizzes">No proctored quiz yet. Add one as an assignment: <strong>Assignments › + Assignment › Submission type: External Tool › Find › Invigil</strong> (or from a module, "External Tool"); in Moodle, add the activity "External tool" and choose Invigil.</p>`;
  return html`<table id="course-quizzes"><caption class="muted">Each proctored quiz, with its attempts and flags.</caption>
<thead><tr><th scope="col">Quiz</th><th scope="col">Proctored attempts</th><th scope="col">With flags</th><th scope="col"><span class="visually-hidden">Links</span></th></tr></thead>
<tbody>${list.map(({ quiz, attempts, flagged }) => html`<tr data-quiz="${quiz.id}"><th scope="row">${quiz.title}</th><td>${String(attempts)}</td><td>${String(flagged)}</td>
<td><a href="/app/quizzes/${quiz.id}/attempts?${query}">Attempts<span class="visually-hidden"> of ${quiz.title}</span></a> · <a href="/app/quizzes/${quiz.id}/settings?${query}">Settings<span class="visually-hidden"> of ${quiz.title}</span></a> · <a href="/app/quizzes/${quiz.id}/sessions?${query}">Sessions<span class="visually-hidden"> of ${quiz.title}</span></a></td></tr>`)}</tbody></table>`;
}

export function queuePage(options: { quizzes: Quiz[]; all: QueueRow[]; shown: QueueRow[]; filters: QueueFilters; query: string }) {
  const { filters: f, query: q } = options;
  const selected = (a: string | undefined, b: string) => (a === b ? html` selected` : '');
  const perQuiz = options.quizzes.sort((a, b) => a.title.localeCompare(b.title)).map((quiz) => {
    const mine = options.all.filter((r) => r.quiz.id === quiz.id);
    return { quiz, attempts: mine.length, flagged: mine.filter((r) => r.flags.length).length };
  });
  return page('Review queue', html`<h1>Review queue</h1>
<p>Every proctored attempt in this course, highest risk first. A flag is not a finding of cheating: it marks a moment to look at.</p>
<p class="muted" id="risk-formula">${riskFormula}</p>
<form method="get" action="/app/course" class="filters" aria-label="Filter the queue">
<input type="hidden" name="c" value="${q.replace(/^c=/, '')}">
<label for="f-reviewed">Reviewed</label><select id="f-reviewed" name="reviewed"><option value="all">All attempts</option><option value="no"${selected(f.reviewed, 'no')}>Not reviewed</option><option value="yes"${selected(f.reviewed, 'yes')}>Reviewed</option></select>
<label for="f-type">Flag type</label><select id="f-type" name="flagType"><option value="">Any</option>${Object.keys(flagKinds).map((t) => html`<option value="${t}"${selected(f.flagType, t)}>${flagLabel(t as AnyFlagType)}</option>`)}</select>
<label for="f-quiz">Quiz</label><select id="f-quiz" name="quizId"><option value="">Any</option>${options.quizzes.map((quiz) => html`<option value="${quiz.id}"${selected(f.quizId, quiz.id)}>${quiz.title}</option>`)}</select>
<label for="f-student">Student</label><input id="f-student" name="student" value="${f.student ?? ''}">
<button type="submit">Filter</button></form>
<p><a href="/app/course/attempts.csv?${q}">Export attempts, flags and outcomes (CSV)</a> · <a href="/app/course/audit.csv?${q}">Export the audit log (CSV)</a> · <a href="/app/course/profile?${q}">Outcome words for this course</a></p>
${options.shown.length === 0 ? html`<p class="notice" id="queue-empty">No attempt matches.</p>` : html`<table id="queue"><caption class="muted">${String(options.shown.length)} of ${String(options.all.length)} attempts</caption>
<thead><tr><th scope="col">Risk</th><th scope="col">Student</th><th scope="col">Quiz</th><th scope="col">Started</th><th scope="col">Status</th><th scope="col">Flags (not dismissed)</th><th scope="col">Reviewed</th><th scope="col"><span class="visually-hidden">Review</span></th></tr></thead>
<tbody>${options.shown.map((r) => html`<tr data-attempt="${r.attempt.id}" data-risk="${String(r.risk)}">
<td class="risk">${String(r.risk)}</td>
<td><a href="/app/course/students/${encodeURIComponent(r.attempt.userId)}?${q}">${r.attempt.userName ?? r.attempt.userId}</a>${r.earlierOccurrences ? html` <strong class="badge error occurrence">${occurrenceLabel(r.earlierOccurrences)}</strong>` : ''}</td>
<td>${r.quiz.title}</td><td>${when(r.attempt.startedAt?.toISOString() ?? null)}</td><td>${attemptStatusLabels[r.attempt.status] ?? r.attempt.status}</td>
<td>${flagSummary(r)}</td><td class="reviewed">${r.outcome ? r.outcome.label : html`<span class="badge">not reviewed</span>`}</td>
<td><a href="${reviewLink(r, q)}">Review<span class="visually-hidden"> the attempt by ${r.attempt.userName ?? r.attempt.userId} at ${r.quiz.title}</span></a></td></tr>`)}</tbody></table>`}
<h2>Proctored quizzes</h2>
${quizTable(perQuiz, q)}`);
}

export function historyPage(userId: string, rows: QueueRow[], q: string) {
  const name = rows.find((r) => r.attempt.userName)?.attempt.userName ?? userId;
  const counted = rows.filter((r) => r.outcome?.countsAsOccurrence).length;
  return page(`History · ${name}`, html`<p><a href="/app/course?${q}">← Review queue</a></p>
<h1>${name}: proctoring history in this course</h1>
<p id="occurrences" class="${counted > 1 ? 'notice error' : 'notice'}">${counted === 0 ? 'No outcome that counts as an occurrence.' : `${String(counted)} outcome${counted === 1 ? '' : 's'} counting as an occurrence${counted > 1 ? ` — this is a ${occurrenceLabel(counted - 1).toLowerCase()}` : ''}.`}</p>
${rows.length === 0 ? html`<p>No proctored attempts.</p>` : html`<table id="history"><caption class="muted">Oldest first</caption>
<thead><tr><th scope="col">Quiz</th><th scope="col">Started</th><th scope="col">Flags</th><th scope="col">Decisions</th><th scope="col">Outcome</th><th scope="col"><span class="visually-hidden">Review</span></th></tr></thead>
<tbody>${rows.map((r) => html`<tr data-attempt="${r.attempt.id}"><td>${r.quiz.title}</td><td>${when(r.attempt.startedAt?.toISOString() ?? null)}</td>
<td>${r.flags.map((f) => f.label).join(', ') || 'none'}</td>
<td>${r.flags.filter((f) => f.decision).map((f) => `${f.label}: ${flagDecisionLabels[f.decision!.decision]}`).join('; ') || '—'}</td>
<td>${r.outcome ? html`${r.outcome.label}${r.outcome.countsAsOccurrence ? html` <span class="badge error">occurrence</span>` : ''}` : 'not reviewed'}</td>
<td><a href="${reviewLink(r, q)}">Review<span class="visually-hidden"> ${r.quiz.title}</span></a></td></tr>`)}</tbody></table>`}`);
}

export function profilePage(values: { outcomes: string; dismissReasons: string }, options: { csrf: string; query: string; saved: boolean; problems: string[] }) {
  return page('Outcome words', html`<p><a href="/app/course?${options.query}">← Review queue</a></p>
<h1>Outcome words for this course</h1>
${options.saved ? html`<p class="notice ok" role="status">Saved.</p>` : ''}
${options.problems.length ? html`<div class="notice error" role="alert"><p>Not saved:</p><ul>${options.problems.map((p) => html`<li>${p}</li>`)}</ul></div>` : ''}
<form method="post" action="/app/course/profile?${options.query}">
<input type="hidden" name="_csrf" value="${options.csrf}">
<label for="outcomes">Outcomes, one per line: <code>key | words</code>, with <code>*</code> at the end when it counts as an occurrence</label>
<textarea id="outcomes" name="outcomes" rows="6" aria-describedby="outcomes-help">${values.outcomes}</textarea>
<p id="outcomes-help" class="muted">Earlier decisions keep the words they were given.</p>
<label for="dismiss-reasons">Reasons for dismissing a flag, one per line</label>
<textarea id="dismiss-reasons" name="dismissReasons" rows="5">${values.dismissReasons}</textarea>
<button type="submit">Save</button></form>`);
}
