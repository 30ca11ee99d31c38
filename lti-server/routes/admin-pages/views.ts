// The admin page: the LMS platforms this install trusts, Moodle web-service connections, registration links.
import { html } from '../../pages/html.ts';
import { page } from '../../pages/layout.ts';
import type { listPlatforms } from '../../lti/platforms.ts';
import type { LmsConnectionStore } from '../../gate/lms-connections.ts';

type Platform = Awaited<ReturnType<typeof listPlatforms>>[number];
type Connection = Awaited<ReturnType<LmsConnectionStore['list']>>[number];

export function loginPage(problem?: string) {
  return page('Invigil administration', html`<h1>Invigil administration</h1>
<p>Sign in with the install's admin key: it was printed at the server's first start and is kept in <code>DATA_DIR/admin-key</code>
(or set as <code>ADMIN_KEY</code>). <code>npm run platform -- admin-link</code> prints a link that signs you in for ten minutes instead.</p>
<form method="post" action="/admin/login">
<label for="key">Admin key</label>
<input type="password" id="key" name="key" required autocomplete="current-password" ${problem ? html`aria-invalid="true" aria-describedby="key-error"` : ''}>
${problem ? html`<p class="notice error" id="key-error" role="alert">${problem}</p>` : ''}
<button type="submit">Sign in</button>
</form>`);
}

export function adminPage(options: { csrf: string; platforms: Platform[]; connections: Connection[]; notice?: { ok: boolean; text: string }; invite?: { url: string; expiresAt: string } }) {
  const { csrf } = options;
  const hidden = html`<input type="hidden" name="_csrf" value="${csrf}">`;
  const connectionOf = (url: string) => options.connections.find((c) => c.issuer === url);
  return page('Invigil administration', html`<h1>Invigil administration</h1>
${options.notice ? html`<div class="notice ${options.notice.ok ? 'ok' : 'error'}" role="${options.notice.ok ? 'status' : 'alert'}">${options.notice.text}</div>` : ''}
<section aria-labelledby="platforms-heading">
<h2 id="platforms-heading">LMS platforms</h2>
${options.platforms.length === 0 ? html`<p class="notice">No LMS is registered yet. Make a registration link below, or add one by hand with <code>npm run platform -- add</code>.</p>` : html`<table>
<caption class="muted">A platform registered by Dynamic Registration is inactive until you activate it.</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Issuer</th><th scope="col">Client id</th><th scope="col">State</th><th scope="col">Moodle web services</th><th scope="col"><span class="muted">Change</span></th></tr></thead>
<tbody>${options.platforms.map((p) => html`<tr data-platform="${p.url}">
<td>${p.name}</td><td>${p.url}</td><td>${p.clientId}</td><td class="platform-state">${p.active ? 'active' : 'inactive'}</td>
<td>${connectionOf(p.url) ? `connected (${connectionOf(p.url)!.siteUrl})` : 'not connected'}</td>
<td><form method="post" action="/admin/platforms/state">${hidden}<input type="hidden" name="url" value="${p.url}"><input type="hidden" name="clientId" value="${p.clientId}">
<input type="hidden" name="active" value="${p.active ? 'false' : 'true'}"><button type="submit">${p.active ? 'Deactivate' : 'Activate'}<span class="skip"> ${p.name}</span></button></form></td></tr>`)}</tbody>
</table>`}
</section>
<section aria-labelledby="ws-heading">
<h2 id="ws-heading">Moodle web services</h2>
<p>With a web-service token, every proctored start gets a quiz password for that student alone, and instructors see
Moodle attempts taken without Invigil. The token's service needs <code>mod_quiz_get_quizzes_by_courses</code>,
<code>mod_quiz_save_overrides</code> and <code>mod_quiz_get_user_attempts</code> (docs/moodle-admin.md says how). The token is checked before it is kept, and stored encrypted.</p>
${options.platforms.length ? html`<form method="post" action="/admin/lms-connections">${hidden}
<label for="issuer">Platform</label>
<select id="issuer" name="issuer">${options.platforms.map((p) => html`<option value="${p.url}">${p.name} (${p.url})</option>`)}</select>
<label for="siteUrl">Moodle site address</label>
<p class="muted" id="siteUrl-hint">Leave empty when it is the issuer (Moodle's usual case).</p>
<input type="url" id="siteUrl" name="siteUrl" aria-describedby="siteUrl-hint">
<label for="token">Web-service token</label>
<input type="password" id="token" name="token" required autocomplete="off">
<button type="submit">Connect</button>
</form>` : ''}
${options.connections.map((c) => html`<form method="post" action="/admin/lms-connections/remove">${hidden}<input type="hidden" name="issuer" value="${c.issuer}">
<button type="submit">Disconnect the web services of ${c.issuer}</button></form>`)}
</section>
<section aria-labelledby="invite-heading">
<h2 id="invite-heading">Registration link</h2>
<p>A one-time link for an LMS administrator to register Invigil by Dynamic Registration (Moodle: Manage tools › Tool URL; Canvas: Developer Keys › LTI Registration).</p>
${options.invite ? html`<p class="notice ok" role="status">Valid once, until ${options.invite.expiresAt}: <code id="invite-url">${options.invite.url}</code></p>` : ''}
<form method="post" action="/admin/invites">${hidden}
<label for="hours">Valid for (hours)</label>
<input type="number" id="hours" name="hours" min="1" max="720" value="24">
<button type="submit">Make a registration link</button>
</form>
</section>
<form method="post" action="/admin/logout">${hidden}<button type="submit">Sign out</button></form>`);
}
