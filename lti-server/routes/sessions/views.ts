import type { proctoredSessions, quizzes, sessionAuditors, sessionChecklist, sessionLog, sessionParticipants } from '../../../models/schema.ts';
import { enrollmentModeLabels, enrollmentModes, participantStatusLabels, type ParticipantStatus } from '../../../models/sessions.ts';
import { policyProfiles, type Refusal } from '../../../models/session-profiles.ts';
import { html, jsonScript } from '../../pages/html.ts';
import { page } from '../../pages/layout.ts';
import type { RowReport } from '../../sessions/enrollment.ts';
import { entryClosesAt, sessionEndsAt } from '../../sessions/session-entry.ts';
import { utcToZoned } from '../../sessions/zoned-time.ts';
import type { SessionFormInput } from './schema.ts';
import { scoreBins, type QuizReport, type SessionReport } from '../../sessions/session-report.ts';
import { barChart, stepChart } from '../../pages/charts.ts';
import { dashboardSession, type DashboardRow } from '../../live/dashboard-rows.ts';

type Quiz = typeof quizzes.$inferSelect;
type Session = typeof proctoredSessions.$inferSelect;
type Participant = typeof sessionParticipants.$inferSelect;
type Auditor = typeof sessionAuditors.$inferSelect;
type LogEntry = typeof sessionLog.$inferSelect;

const utc = (d: Date | null | undefined) => (d ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '—');
const problemList = (title: string, problems: string[]) => (problems.length
  ? html`<div class="notice error" role="alert"><p>${title}</p><ul>${problems.map((p) => html`<li>${p}</li>`)}</ul></div>` : '');
const zones = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles', 'America/Anchorage', 'Pacific/Honolulu', 'America/Toronto', 'Europe/London', 'Europe/Paris', 'Asia/Kolkata', 'Asia/Tokyo', 'Australia/Sydney', 'UTC'];

export type FormValues = Partial<Record<keyof SessionFormInput, string>>;

function sessionFormHtml(action: string, csrf: string, v: FormValues) {
  const sel = (a: string | undefined, b: string) => (a === b ? html` selected` : '');
  return html`<form method="post" action="${action}" aria-labelledby="new-session-heading">
<h2 id="new-session-heading">New session</h2>
<input type="hidden" name="_csrf" value="${csrf}">
<label for="s-name">Session name</label><input id="s-name" name="name" required maxlength="200" value="${v.name ?? ''}">
<label for="s-start">Start (date and time)</label><input id="s-start" name="startsAt" type="datetime-local" required value="${v.startsAt ?? ''}">
<label for="s-zone">Time zone</label><select id="s-zone" name="timeZone">${zones.map((z) => html`<option${sel(v.timeZone ?? 'America/New_York', z)}>${z}</option>`)}</select>
<label for="s-duration">Duration (minutes)</label><input id="s-duration" name="durationMinutes" type="number" min="5" max="720" required value="${v.durationMinutes ?? '90'}">
<label class="check"><input type="checkbox" id="s-flexible" name="flexibleStart" value="on"${v.flexibleStart ? html` checked` : ''} aria-describedby="s-flexible-help"> Flexible start: I start the session myself, within a window that opens at the start above</label>
<p id="s-flexible-help" class="muted">Without it, the session starts at the time above.</p>
<label for="s-window">Start window (minutes, for a flexible start)</label><input id="s-window" name="windowMinutes" type="number" min="5" value="${v.windowMinutes ?? ''}">
<label for="s-max">Maximum users</label><input id="s-max" name="maxUsers" type="number" min="1" max="1000" required value="${v.maxUsers ?? '15'}">
<label for="s-late">Late entry (minutes after the start a student may still join; 0 for none)</label><input id="s-late" name="lateEntryMinutes" type="number" min="0" max="720" required value="${v.lateEntryMinutes ?? '10'}">
<label for="s-limit">Time limit per student (minutes; empty: the quiz's own)</label><input id="s-limit" name="timeLimitMinutes" type="number" min="1" max="720" value="${v.timeLimitMinutes ?? ''}">
<label for="s-code">Enrollment code (empty: one is made for you)</label><input id="s-code" name="enrollmentCode" maxlength="8" autocomplete="off" aria-describedby="s-code-help" value="${v.enrollmentCode ?? ''}">
<p id="s-code-help" class="muted">6 to 8 letters and digits; upper and lower case differ. The code expires when the session ends.</p>
<fieldset><legend>Enrollment</legend>${enrollmentModes.map((m) => html`<label class="check"><input type="radio" name="enrollmentMode" value="${m}"${(v.enrollmentMode ?? 'hybrid') === m ? html` checked` : ''}> ${enrollmentModeLabels[m]}</label>`)}</fieldset>
<label for="s-profile">Policy profile</label><select id="s-profile" name="profileKey">${Object.values(policyProfiles).map((p) => html`<option value="${p.key}"${sel(v.profileKey ?? 'none', p.key)}>${p.name}</option>`)}</select>
<button type="submit">Create the session</button></form>`;
}

export function sessionsPage(quiz: Quiz, list: { session: Session; seated: number; invited: number }[], options: { csrf: string; query: string; values?: FormValues; problems?: string[] }) {
  const q = options.query;
  return page(`Sessions · ${quiz.title}`, html`<p><a href="/app/course?${q}">← Review queue</a></p>
<h1>Proctored sessions of ${quiz.title}</h1>
<p>A session is the quiz taken together under a proctor: students enter its code, wait in the lobby, and start when the proctor starts the session. While a session of this quiz is open, the quiz can only be started through one.</p>
${problemList('The session was not created:', options.problems ?? [])}
${list.length ? html`<table id="sessions"><caption class="muted">Sessions, latest first</caption>
<thead><tr><th scope="col">Session</th><th scope="col">Starts</th><th scope="col">Code</th><th scope="col">Joined / places</th><th scope="col">Invited</th><th scope="col">State</th></tr></thead>
<tbody>${list.map(({ session: s, seated, invited }) => html`<tr data-session="${s.id}"><th scope="row"><a href="/app/sessions/${s.id}?${q}">${s.name}</a></th>
<td>${utc(s.startsAt)}</td><td><code>${s.enrollmentCode}</code></td><td>${String(seated)} / ${String(s.maxUsers)}</td><td>${String(invited)}</td><td>${sessionState(s)}</td></tr>`)}</tbody></table>`
    : html`<p id="no-sessions">No session yet.</p>`}
${list.length ? html`<p><a href="/app/quizzes/${quiz.id}/sessions/report?${q}" id="quiz-report-link">Report over all sessions</a></p>` : ''}
${sessionFormHtml(`/app/quizzes/${quiz.id}/sessions?${q}`, options.csrf, options.values ?? {})}`);
}

export function sessionState(s: Session) {
  if (s.voidedAt) return `Void: ${s.voidReason ?? ''}`;
  if (s.endedAt) return `Ended ${utc(s.endedAt)}`;
  if (s.startedAt) return `Started ${utc(s.startedAt)}`;
  return 'Scheduled';
}

export type ParticipantRow = Participant & { live: ParticipantStatus };

export function sessionPage(options: {
  quiz: Quiz; session: Session; participants: ParticipantRow[]; auditors: Auditor[]; log: LogEntry[]; csrf: string; query: string;
  report?: RowReport[]; refusals?: Refusal[]; notice?: string; auditorLink?: string;
}) {
  const { session: s, quiz, query: q, csrf } = options;
  const profile = policyProfiles[s.profileKey];
  const zone = profile?.window?.timeZone ?? 'UTC';
  const closes = entryClosesAt(s);
  const counts = new Map<ParticipantStatus, number>();
  for (const p of options.participants) counts.set(p.live, (counts.get(p.live) ?? 0) + 1);
  const post = (path: string, label: string, id: string) => html`<form method="post" action="/app/sessions/${s.id}/${path}?${q}" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" id="${id}">${label}</button></form>`;
  return page(`${s.name} · ${quiz.title}`, html`<p><a href="/app/quizzes/${quiz.id}/sessions?${q}">← Sessions of ${quiz.title}</a></p>
<h1>${s.name}</h1>
${options.notice ? html`<p class="notice ok" role="status" id="session-notice">${options.notice}</p>` : ''}
${problemList('Refused:', (options.refusals ?? []).map((r) => r.message))}
<dl class="facts">
<dt>Enrollment code</dt><dd><code id="enrollment-code" class="code">${s.enrollmentCode}</code> <span class="muted">(case-sensitive; expires at ${utc(sessionEndsAt(s))})</span></dd>
<dt>State</dt><dd id="session-state">${sessionState(s)}</dd>
<dt>Start</dt><dd>${utc(s.startsAt)}${zone !== 'UTC' ? ` (${utcToZoned(s.startsAt, zone).replace('T', ' ')} ${zone})` : ''}${s.flexibleStart ? ` — flexible: the proctor starts it${s.windowEndsAt ? ` by ${utc(s.windowEndsAt)}` : ''}` : ''}</dd>
<dt>Duration</dt><dd>${String(s.durationMinutes)} minutes${s.timeLimitMinutes ? `, ${s.timeLimitMinutes} minutes per student` : ''}</dd>
<dt>Places</dt><dd>${String(s.maxUsers)}</dd>
<dt>Late entry</dt><dd>${s.lateEntryMinutes ? `${s.lateEntryMinutes} minutes after the start${closes ? ` (until ${utc(closes)})` : ''}` : 'none'}</dd>
<dt>Enrollment</dt><dd>${enrollmentModeLabels[s.enrollmentMode]}</dd>
<dt>Policy profile</dt><dd>${profile?.name ?? s.profileKey}</dd>
<dt>Proctors</dt><dd>${s.proctors.map((p) => p.name ?? p.userId).join(', ')}</dd>
</dl>
<p><a href="/app/sessions/${s.id}/dashboard?${q}" id="dashboard-link">Open the live dashboard</a> · <a href="/app/sessions/${s.id}/report?${q}" id="report-link">Report</a></p>
<div class="actions">${!s.startedAt && !s.endedAt ? post('start', 'Start the session', 'start-session') : ''}${!s.endedAt ? post('end', 'End the session', 'end-session') : ''}</div>
<h2>Participants</h2>
<p id="participant-counts">${[...counts].map(([status, n]) => `${participantStatusLabels[status]}: ${n}`).join(' · ') || 'Nobody yet.'}</p>
${options.participants.length ? html`<table id="participants"><caption class="muted">Everyone invited or joined</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">LMS user id</th><th scope="col">Status</th><th scope="col">Joined</th><th scope="col">Added by</th></tr></thead>
<tbody>${options.participants.map((p) => html`<tr data-participant="${String(p.id)}" data-status="${p.live}"><th scope="row">${p.name ?? p.userId ?? ''}</th><td>${p.email ?? ''}</td><td>${p.lmsUserId ?? p.userId ?? ''}</td>
<td class="status">${participantStatusLabels[p.live]}</td><td>${utc(p.joinedAt)}</td><td>${{ csv: 'CSV import', roster: 'Course roster', code: 'Joined with the code' }[p.source]}</td></tr>`)}</tbody></table>` : ''}
${options.report ? importReport(options.report) : ''}
<form method="post" action="/app/sessions/${s.id}/participants?${q}" aria-labelledby="import-heading">
<h3 id="import-heading">Import students (CSV)</h3>
<input type="hidden" name="_csrf" value="${csrf}">
<p class="muted">Columns: name, email, LMS user id (a header row is fine). <a href="/app/sessions/${s.id}/participants-template.csv?${q}">Download the template</a>.</p>
<label for="csv-file">Choose a file, or paste its text below</label><input type="file" id="csv-file" accept=".csv,text/csv">
<label for="csv">CSV</label><textarea id="csv" name="csv" rows="6"></textarea>
<button type="submit">Import</button></form>
${s.enrollmentMode !== 'manual' ? html`<div class="actions">${post('roster', "Invite the course's students (Names and Roles)", 'invite-roster')}</div>` : ''}
<div class="actions">${post('invitations', 'Email the invitations (code, time, link and a calendar entry)', 'send-invitations')}</div>
<h2>Auditor</h2>
${options.auditorLink ? html`<p class="notice ok" role="status">Invitation sent. Its link, for your records: <code id="auditor-link">${options.auditorLink}</code></p>` : ''}
${options.auditors.length ? html`<ul id="auditors">${options.auditors.map((a) => html`<li>${a.name || a.email} &lt;${a.email}&gt;, invited ${utc(a.invitedAt)}; the link expires ${utc(a.expiresAt)}</li>`)}</ul>` : html`<p>No auditor invited.</p>`}
<form method="post" action="/app/sessions/${s.id}/auditors?${q}" aria-labelledby="auditor-heading">
<h3 id="auditor-heading">Invite an auditor</h3>
<input type="hidden" name="_csrf" value="${csrf}">
<label for="a-name">Name</label><input id="a-name" name="name" maxlength="200">
<label for="a-email">Email</label><input id="a-email" name="email" type="email" required>
<button type="submit">Invite</button></form>
<h2>Session log</h2>
${options.log.length ? html`<ol id="session-log">${options.log.map((e) => html`<li>${utc(e.at)}: ${e.actorName ?? e.actorId} — ${e.action.replace(/_/g, ' ')}${Object.keys(e.details).length ? ` (${JSON.stringify(e.details)})` : ''}</li>`)}</ol>` : html`<p>Nothing yet.</p>`}`,
  { module: 'session-admin' });
}

function importReport(report: RowReport[]) {
  const added = report.filter((r) => r.result === 'added').length;
  return html`<section aria-labelledby="report-heading" id="import-report"><h3 id="report-heading">Import: ${String(added)} added, ${String(report.length - added)} refused</h3>
<table><thead><tr><th scope="col">Row</th><th scope="col">Name</th><th scope="col">Result</th><th scope="col">Why</th></tr></thead>
<tbody>${report.map((r) => html`<tr data-line="${String(r.line)}" data-result="${r.result}"><td>${String(r.line)}</td><td>${r.name}</td><td>${r.result === 'added' ? 'Added' : 'Refused'}</td><td>${r.reason ?? ''}</td></tr>`)}</tbody></table></section>`;
}

/** The student's first step in a session quiz: the code. */
export function codeEntryPage(quiz: Quiz, options: { action: string; csrf: string; error?: string; code?: string }) {
  return page(quiz.title, html`<h1>${quiz.title}</h1>
<p>This quiz is taken in a proctored session. Enter the enrollment code your proctor gave you.</p>
${options.error ? html`<p class="notice error" role="alert" id="code-error">${options.error}</p>` : ''}
<form method="post" action="${options.action}">
<input type="hidden" name="_csrf" value="${options.csrf}">
<label for="code">Enrollment code</label>
<input id="code" name="code" autocomplete="off" autocapitalize="off" spellcheck="false" maxlength="20" required aria-describedby="code-help"${options.error ? html` aria-invalid="true"` : ''} value="${options.code ?? ''}">
<p id="code-help" class="muted">6 to 8 letters and digits; upper and lower case differ.</p>
<button type="submit">Join the session</button></form>`);
}

/** The lobby: waiting for the proctor; the page moves on by itself when the session starts. */
export function lobbyPage(quiz: Quiz, session: Session, options: { statusUrl: string; takeUrl: string }) {
  return page(`Lobby · ${quiz.title}`, html`<h1>${quiz.title}</h1>
<p class="badge" id="participant-status">Waiting</p>
<p id="lobby-status" class="notice" role="status" aria-live="polite">Waiting for your proctor to start the session.</p>
<p>${session.name}: scheduled for ${utc(session.startsAt)}. Keep this page open; it continues by itself when the session starts.</p>`,
  { data: jsonScript('invigil-lobby', options), module: 'lobby' });
}

const rowHtml = (r: DashboardRow) => html`<tr data-participant="${String(r.id)}" data-status="${r.status}"><th scope="row">${r.name}</th><td class="snapshot">—</td><td class="status">${r.label}</td>
<td class="elapsed">—</td><td class="remaining">—</td><td class="flags">${String(r.flags)}</td><td class="id">${r.idConfirmedAt ? 'confirmed' : 'not yet'}</td><td class="messages">${r.messages ? `${r.acknowledged} of ${r.messages} acknowledged` : '—'}</td><td class="extra">${r.extraMinutes ? `+${r.extraMinutes} min` : '—'}</td></tr>`;

/** The proctor's controls: one form, for one student or all. */
function controlsHtml(rows: DashboardRow[], action: string, csrf: string, notice?: string) {
  return html`<section aria-labelledby="controls-heading"><h2 id="controls-heading">Proctor controls</h2>
${notice ? html`<p class="notice ok" role="status" id="controls-notice">${notice}</p>` : ''}
<form method="post" action="${action}" id="controls">
<input type="hidden" name="_csrf" value="${csrf}">
<label for="c-who">Student</label><select id="c-who" name="who"><option value="all">Everyone in the session</option>${rows.map((r) => html`<option value="${String(r.id)}">${r.name}</option>`)}</select>
<fieldset><legend>Action</legend>
<label class="check"><input type="radio" name="action" value="message" checked> Send a message (the student acknowledges it)</label>
<label class="check"><input type="radio" name="action" value="pause"> Pause: cover the quiz with the message</label>
<label class="check"><input type="radio" name="action" value="resume"> Resume (the pause comes back as extra time)</label>
<label class="check"><input type="radio" name="action" value="extra_time"> Give extra time</label>
<label class="check"><input type="radio" name="action" value="end"> End the attempt</label>
<label class="check"><input type="radio" name="action" value="confirm_id"> Confirm the student's identification</label>
<label class="check"><input type="radio" name="action" value="allow_resume"> Let the student continue on another device (their computer failed)</label></fieldset>
<label for="c-text">Message</label><textarea id="c-text" name="text" rows="2" maxlength="500"></textarea>
<label for="c-minutes">Extra minutes</label><input id="c-minutes" name="minutes" type="number" min="1" max="600" value="5">
<button type="submit">Do it</button></form></section>`;
}

/** The live dashboard: every student's status and times, and new flags as alerts (seen and heard). */
type ScriptOptions = { action: string; items: string[]; ticked: (typeof sessionChecklist.$inferSelect)[] };

/** The profile's script: each item with a button until it is ticked, then who ticked it and when. */
function scriptHtml(script: ScriptOptions, csrf: string) {
  if (!script.items.length) return '';
  return html`<section aria-labelledby="script-heading"><h2 id="script-heading">Proctor's script</h2><ul id="script">${script.items.map((item) => {
    const done = script.ticked.find((t) => t.item === item);
    return done ? html`<li data-ticked="yes">✓ ${item} — ${done.tickedByName ?? done.tickedBy}, ${utc(done.tickedAt)}</li>`
      : html`<li data-ticked="no"><form method="post" action="${script.action}" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="item" value="${item}"><button type="submit">Done<span class="visually-hidden">: ${item}</span></button></form> ${item}</li>`;
  })}</ul></section>`;
}

export function dashboardPage(session: Session, quiz: Quiz, rows: DashboardRow[], options: {
  streamUrl: string; backUrl?: string; readOnly: boolean; controls?: { action: string; csrf: string; notice?: string }; script?: ScriptOptions;
  /** Where each student's latest picture is, with {id} and {at} to fill in. */
  snapshotUrl: string;
}) {
  return page(`Live · ${session.name}`, html`${options.backUrl ? html`<p><a href="${options.backUrl}">← ${session.name}</a></p>` : ''}
<h1>Live: ${session.name}</h1>
<p>${quiz.title}. <span id="session-state">${sessionState(session)}</span>${options.readOnly ? ' · read-only' : ''}</p>
<p id="connection" role="status" aria-live="polite" class="muted">Connecting to the live feed…</p>
<section aria-labelledby="alerts-heading">
<h2 id="alerts-heading">Alerts <span id="unseen" class="badge" aria-live="polite">0 unseen</span></h2>
<p><button type="button" id="mark-seen">Mark all seen</button> <button type="button" id="sound" aria-pressed="false">Alert sound: off</button></p>
<ol id="alerts" aria-live="polite" aria-relevant="additions"></ol>
</section>
<h2>Students</h2>
<table id="live-participants"><caption class="muted">Elapsed and remaining time count from each student's start</caption>
<thead><tr><th scope="col">Student</th><th scope="col">Webcam</th><th scope="col">Status</th><th scope="col">Elapsed</th><th scope="col">Remaining</th><th scope="col">Flags</th><th scope="col">ID</th><th scope="col">Messages</th><th scope="col">Extra time</th></tr></thead>
<tbody>${rows.map(rowHtml)}</tbody></table>
${options.controls && !options.readOnly ? controlsHtml(rows, options.controls.action, options.controls.csrf, options.controls.notice) : ''}
${options.controls && options.script && !options.readOnly ? scriptHtml(options.script, options.controls.csrf) : ''}`, {
    data: jsonScript('invigil-live', { streamUrl: options.streamUrl, snapshotUrl: options.snapshotUrl, rows, session: dashboardSession(session) }),
    module: 'live-dashboard',
  });
}

const percent = (r: number | null) => (r === null ? '—' : `${Math.round(r * 100)} %`);

/** The figures, the three charts (each with its table) and a row per student: a session's report or a quiz's. */
function reportBody(report: SessionReport, rowSession?: string[]) {
  const bins = scoreBins(report.scores.values);
  return html`<dl class="facts" id="report-figures">
<dt>Invited</dt><dd>${String(report.invited)}</dd><dt>Joined</dt><dd>${String(report.joined)}</dd><dt>Started</dt><dd>${String(report.started)}</dd>
<dt>Completed</dt><dd>${String(report.completed)}</dd><dt>Completion rate</dt><dd id="completion-rate">${percent(report.completionRate)} (completed ÷ started)</dd>
<dt>Average time</dt><dd id="average-time">${report.averageMinutes === null ? '—' : `${report.averageMinutes} minutes`}</dd>
<dt>Messages</dt><dd>${String(report.messagesSent)} sent, ${String(report.messagesAcknowledged)} acknowledged</dd>
<dt>Extra time given</dt><dd>${String(report.extraMinutes)} minutes in all</dd>
</dl>
<h2>Score distribution</h2>
<p class="muted" id="score-note">${report.scores.note}</p>
${barChart('score-chart', 'Students by score (marks)', bins.map((b) => ({ label: `${Math.round(b.from * 10) / 10}–${Math.round(b.to * 10) / 10}`, value: b.count })), 'Students')}
<h2>Completion over time</h2>
${stepChart('completion-chart', 'Students completed, by minutes after the start', report.completions.map((c) => ({ x: c.minute, y: c.completed })), 'minutes', 'completed')}
<h2>Flags by type</h2>
${barChart('flag-chart', 'Flags raised, by type', report.flagsByType.map((f) => ({ label: f.label, value: f.count })), 'Flags')}
<h2>Students</h2>
<table id="report-rows"><thead><tr><th scope="col">Student</th>${rowSession ? html`<th scope="col">Session</th>` : ''}<th scope="col">Status</th><th scope="col">Minutes</th><th scope="col">Score</th><th scope="col">Flags</th><th scope="col">Messages (acknowledged)</th><th scope="col">Extra minutes</th><th scope="col">ID confirmed</th></tr></thead>
<tbody>${report.rows.map((r, i) => html`<tr><th scope="row">${r.name}</th>${rowSession ? html`<td>${rowSession[i]}</td>` : ''}<td>${r.status}</td><td>${r.minutes === null ? '—' : String(r.minutes)}</td><td>${r.score === null ? '—' : String(r.score)}</td>
<td>${String(r.flags)}</td><td>${String(r.messages)} (${String(r.acknowledged)})</td><td>${String(r.extraMinutes)}</td><td>${utc(r.idConfirmedAt)}</td></tr>`)}</tbody></table>`;
}

/** The session's report: participation, completion, time, scores, flags, messages and extra time, with charts. */
export function reportPage(session: Session, quiz: Quiz, report: SessionReport, query: string) {
  const base = `/app/sessions/${session.id}`;
  return page(`Report · ${session.name}`, html`<p><a href="${base}?${query}">← ${session.name}</a></p>
<h1>Report: ${session.name}</h1>
<p>${quiz.title}. ${sessionState(session)}.</p>
<p><a href="${base}/report.csv?${query}">Download as CSV</a> · <a href="${base}/report.pdf?${query}">Download as PDF</a></p>
${reportBody(report)}`);
}

/** Every session of a quiz: the same figures over all, and a line per session. */
export function quizReportPage(quiz: Quiz, report: QuizReport, query: string) {
  return page(`Sessions report · ${quiz.title}`, html`<p><a href="/app/quizzes/${quiz.id}/sessions?${query}">← Sessions of ${quiz.title}</a></p>
<h1>All sessions of ${quiz.title}</h1>
<table id="report-sessions"><caption class="muted">Each session</caption><thead><tr><th scope="col">Session</th><th scope="col">State</th><th scope="col">Invited</th><th scope="col">Joined</th><th scope="col">Completed</th><th scope="col">Completion rate</th></tr></thead>
<tbody>${report.sessions.map(({ session, report: r }) => html`<tr><th scope="row"><a href="/app/sessions/${session.id}/report?${query}">${session.name}</a></th><td>${sessionState(session)}</td><td>${String(r.invited)}</td><td>${String(r.joined)}</td><td>${String(r.completed)}</td><td>${percent(r.completionRate)}</td></tr>`)}</tbody></table>
${reportBody(report, report.rowSessions)}`);
}
