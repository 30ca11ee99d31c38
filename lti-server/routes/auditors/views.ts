import type { sessionAuditors, sessionLog } from '../../../models/schema.ts';
import { participantStatusLabels } from '../../../models/sessions.ts';
import { policyProfiles } from '../../../models/session-profiles.ts';
import { html } from '../../pages/html.ts';
import { page } from '../../pages/layout.ts';
import type { LoadedSession } from '../sessions/load.ts';
import { sessionState, type ParticipantRow } from '../sessions/views.ts';

const utc = (d: Date | null | undefined) => (d ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '—');

export function auditorPage(session: LoadedSession, auditor: typeof sessionAuditors.$inferSelect, participants: ParticipantRow[], log: (typeof sessionLog.$inferSelect)[], token: string,
  files: { name: string; stream: string; url: string }[]) {
  return page(`Audit · ${session.name}`, html`<h1>Audit: ${session.name}</h1>
<p>${session.quiz.title}. You are observing as ${auditor.name || auditor.email} (invited ${utc(auditor.invitedAt)}); this view is read-only and its link expires ${utc(auditor.expiresAt)}.</p>
<dl class="facts"><dt>State</dt><dd id="session-state">${sessionState(session)}</dd><dt>Start</dt><dd>${utc(session.startsAt)}</dd>
<dt>Duration</dt><dd>${String(session.durationMinutes)} minutes</dd><dt>Policy profile</dt><dd>${policyProfiles[session.profileKey]?.name ?? session.profileKey}</dd></dl>
<p><a href="/app/audit/${token}/dashboard" id="live-link">Watch the session live</a></p>
<h2>Test-takers</h2>
${participants.length ? html`<table id="participants"><thead><tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Joined</th><th scope="col">Completed</th></tr></thead>
<tbody>${participants.map((p) => html`<tr data-status="${p.live}"><th scope="row">${p.name ?? p.userId ?? ''}</th><td>${participantStatusLabels[p.live]}</td><td>${utc(p.joinedAt)}</td><td>${utc(p.completedAt)}</td></tr>`)}</tbody></table>` : html`<p>Nobody yet.</p>`}
<h2>Recordings</h2>
${session.deliveredAt ? html`<p id="delivered">Delivered ${utc(session.deliveredAt)}.</p>` : session.voidedAt ? html`<p class="notice error" id="void">This session is void: ${session.voidReason ?? ''}</p>` : ''}
${files.length ? html`<ul id="recordings">${files.map((f) => html`<li><a href="${f.url}" rel="noreferrer">${f.name}: ${f.stream}</a> <span class="muted">(the link works for an hour; open this page again for a new one)</span></li>`)}</ul>` : html`<p>No recording is ready yet.</p>`}
<h2>Session log</h2>
<ol id="session-log">${log.map((e) => html`<li>${utc(e.at)}: ${e.actorName ?? e.actorId} — ${e.action.replace(/_/g, ' ')}</li>`)}</ol>`);
}
