import { flagKinds, flagTypes } from '../../../models/flags.ts';
import type { quizzes } from '../../../models/schema.ts';
import { html } from '../../pages/html.ts';
import { page } from '../../pages/layout.ts';

type Student = { userId: string; name: string; disabled: string[] };

export function accommodationsPage(quiz: typeof quizzes.$inferSelect, students: Student[], options: { action: string; csrf: string; back: string; saved: boolean; source: string }) {
  return page(`Accommodations · ${quiz.title}`, html`<p><a href="${options.back}">← All attempts</a></p>
<h1>Accommodations: ${quiz.title}</h1>
<p>Turn off a flag type for one student, for example when a condition means their face often leaves the frame. That
student's extension then never raises it. Students listed: ${options.source}.</p>
${options.saved ? html`<div class="notice ok" role="status">Accommodations saved.</div>` : ''}
${students.length === 0 ? html`<p class="notice">No students found yet.</p>` : html`<form method="post" action="${options.action}">
<input type="hidden" name="_csrf" value="${options.csrf}">
<table>
<caption class="muted">Ticked flag types are turned off for that student</caption>
<thead><tr><th scope="col">Student</th>${flagTypes.map((t) => html`<th scope="col">${flagKinds[t].label}</th>`)}</tr></thead>
<tbody>${students.map((s) => html`<tr><th scope="row">${s.name}<input type="hidden" name="student:${s.userId}" value="${s.name}"></th>
${flagTypes.map((t) => html`<td><input type="checkbox" name="off:${s.userId}" value="${t}" aria-label="${flagKinds[t].label} off for ${s.name}" ${s.disabled.includes(t) ? html`checked` : ''}></td>`)}</tr>`)}</tbody>
</table>
<button type="submit">Save accommodations</button>
</form>`}`);
}
