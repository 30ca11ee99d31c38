import type { quizzes } from '../../../models/schema.ts';
import { html } from '../../pages/html.ts';
import { page } from '../../pages/layout.ts';

type Quiz = typeof quizzes.$inferSelect;

export function coursePage(list: { quiz: Quiz; attempts: number; flagged: number }[], query: string) {
  return page('Proctored quizzes', html`<h1>Proctored quizzes in this course</h1>
${list.length === 0
    ? html`<p id="no-quizzes">No proctored quiz yet. Add one as an assignment: <strong>Assignments › + Assignment › Submission type: External Tool › Find › Invigil</strong> (or from a module, "External Tool").</p>`
    : html`<table id="course-quizzes"><caption class="muted">Each proctored quiz, with its attempts and flags.</caption>
<thead><tr><th scope="col">Quiz</th><th scope="col">Proctored attempts</th><th scope="col">With flags</th><th scope="col"><span class="visually-hidden">Links</span></th></tr></thead>
<tbody>${list.map(({ quiz, attempts, flagged }) => html`<tr data-quiz="${quiz.id}"><th scope="row">${quiz.title}</th><td>${String(attempts)}</td><td>${String(flagged)}</td>
<td><a href="/app/quizzes/${quiz.id}/attempts?${query}">Review attempts<span class="visually-hidden"> of ${quiz.title}</span></a> · <a href="/app/quizzes/${quiz.id}/settings?${query}">Settings<span class="visually-hidden"> of ${quiz.title}</span></a></td></tr>`)}</tbody></table>`}`);
}
