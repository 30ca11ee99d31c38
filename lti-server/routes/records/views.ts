import { flagDecisionLabels } from '../../../models/review.ts';
import { explainFlag } from '../../client/review-format.ts';
import { html } from '../../pages/html.ts';
import { page } from '../../pages/layout.ts';
import type { AttemptReview } from '../reviews/load.ts';
import { when } from '../reviews/views.ts';

type Request = AttemptReview['requests'][number];

function requestItem(r: Request, options: { csrf: string; answerUrl: (id: string) => string }) {
  const open = !r.answer && Date.parse(r.dueAt) > Date.now();
  return html`<div class="request" id="request-${r.id}" data-request="${r.id}">
<p><strong>Your instructor asks</strong> (${when(r.at)}): ${r.message}</p>
<p class="muted">Answer by ${when(r.dueAt)}.</p>
${r.answer ? html`<blockquote class="answer">Your answer (${when(r.answeredAt)}): ${r.answer}</blockquote>`
    : open ? html`<form method="post" action="${options.answerUrl(r.id)}"><input type="hidden" name="_csrf" value="${options.csrf}">
<label for="answer-${r.id}">Your explanation</label><textarea id="answer-${r.id}" name="answer" rows="4" required maxlength="4000"></textarea>
<button type="submit">Send my explanation</button></form>`
      : html`<p class="notice error">The deadline has passed; write to your instructor directly.</p>`}
</div>`;
}

export function recordPage(reviews: AttemptReview[], options: { csrf: string; answerUrl: (id: string) => string; answered: boolean }) {
  return page('My proctoring record', html`<h1>My proctoring record</h1>
<p>Your proctored attempts in this course. A flag is something the proctoring noticed, not a finding of cheating: your instructor reviews each one, and may ask you to explain.</p>
${options.answered ? html`<p class="notice ok" role="status">Your explanation was sent to your instructor.</p>` : ''}
${reviews.length === 0 ? html`<p class="notice" id="no-attempts">No proctored attempts yet.</p>` : reviews.map((r) => html`<section class="my-attempt" data-attempt="${r.attempt.id}" aria-labelledby="attempt-${r.attempt.id}">
<h2 id="attempt-${r.attempt.id}">${r.quiz.title} <span class="muted">· ${when(r.attempt.startedAt)}</span></h2>
<p>${r.state}</p>
<p class="outcome">${r.outcomes.length ? html`Decision: <strong data-outcome="${r.outcomes.at(-1)!.outcome}">${r.outcomes.at(-1)!.label}</strong>${r.outcomes.at(-1)!.note ? ` — ${r.outcomes.at(-1)!.note}` : ''}` : 'Not reviewed yet.'}</p>
${r.requests.map((q) => requestItem(q, options))}
${r.flags.length === 0 ? html`<p>No flags.</p>` : html`<h3>Flags</h3><ol class="timeline">${r.flags.map((f) => html`<li data-flag="${String(f.id)}"><strong>${f.label}</strong> at ${when(f.startedAt)}
<p>${explainFlag(f.explanation)}</p>
${f.evidenceUrl ? html`<img src="${f.evidenceUrl}" width="160" alt="Camera frame when the flag began: ${f.label}">` : ''}
<p class="decision">${f.decision ? html`Your instructor: <strong>${flagDecisionLabels[f.decision.decision]}</strong>${f.decision.reason ? ` (${f.decision.reason})` : ''}` : 'Not reviewed yet.'}</p>
${f.requests.map((q) => requestItem(q, options))}</li>`)}</ol>`}
</section>`)}`);
}
