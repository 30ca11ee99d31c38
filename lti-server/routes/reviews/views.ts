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
    script: html`${jsonScript('review-config', { dataUrl })}
<script>
(() => {
  const { dataUrl } = JSON.parse(document.getElementById('review-config').textContent);
  const status = document.getElementById('review-status');
  const fmt = (s) => { s = Math.max(0, Math.round(s)); return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0'); };
  const videos = new Map();
  function seekTo(epochMs) {
    for (const { video, startedAt } of videos.values()) video.currentTime = Math.max(0, (epochMs - startedAt) / 1000);
  }
  // A follower's own play/pause/seeked event, caused by follow(), is not followed back: no timers, which background
  // tabs throttle.
  function follow(leader, type) {
    const lead = videos.get(leader);
    if (lead.caused === type) { lead.caused = undefined; return; }
    const at = lead.startedAt + lead.video.currentTime * 1000;
    for (const [stream, entry] of videos) {
      if (stream === leader) continue;
      const { video, startedAt } = entry;
      if (type === 'play' && video.paused) { entry.caused = 'play'; void video.play().catch(() => { entry.caused = undefined; }); }
      if (type === 'pause' && !video.paused) { entry.caused = 'pause'; video.pause(); }
      if (type === 'seeked') {
        const target = Math.max(0, (at - startedAt) / 1000);
        if (Math.abs(video.currentTime - target) > 0.25) { entry.caused = 'seeked'; video.currentTime = target; }
      }
    }
  }
  async function renew(stream) {
    const entry = videos.get(stream);
    if (!entry || entry.renewing) return;
    entry.renewing = true;
    const response = await fetch(dataUrl);
    if (response.ok) {
      const fresh = (await response.json()).recordings.find((r) => r.stream === stream && r.url);
      if (fresh) {
        const at = entry.video.currentTime;
        entry.video.src = fresh.url;
        entry.video.addEventListener('loadedmetadata', () => { entry.video.currentTime = at; }, { once: true });
      }
    }
    setTimeout(() => { entry.renewing = false; }, 5000);
  }
  async function load() {
    const response = await fetch(dataUrl);
    const data = await response.json();
    if (!response.ok) { status.textContent = data.error?.message || 'Could not load this attempt.'; return; }
    const processing = data.recordings.filter((r) => r.status === 'processing').length;
    const quality = data.attempt.recording ? ' Recorded as ' + data.attempt.recording + '.' : '';
    status.textContent = (data.attempt.mediaDeletedAt ? 'The recordings were deleted under the retention policy on ' + data.attempt.mediaDeletedAt.slice(0, 10) + '.'
      : processing ? 'Recordings are processing; this page updates by itself.' : data.recordings.length ? 'Recordings ready.' : 'No recordings for this attempt.') + quality;
    document.body.dataset.recordings = processing ? 'processing' : 'ready';
    const box = document.getElementById('videos');
    for (const r of data.recordings) {
      if (r.status !== 'ready' || videos.has(r.stream)) continue;
      const figure = document.createElement('figure');
      const video = document.createElement('video');
      video.controls = true; video.preload = 'metadata'; video.src = r.url; video.id = 'video-' + r.stream;
      video.setAttribute('aria-label', r.stream + ' recording');
      const caption = document.createElement('figcaption');
      caption.textContent = (r.stream === 'webcam' ? 'Webcam' : 'Screen') + ' · ' + fmt(r.durationSeconds) ;
      figure.append(video, caption); box.append(figure);
      videos.set(r.stream, { video, startedAt: Date.parse(r.startedAt) });
      // Links expire after a few minutes: when one has, fetch fresh ones and carry on from the same moment.
      video.addEventListener('error', () => void renew(r.stream));
      // One timeline: playing, pausing or seeking one recording does the same to the others.
      for (const type of ['play', 'pause', 'seeked']) video.addEventListener(type, () => follow(r.stream, type));
    }
    const list = document.getElementById('flags');
    list.replaceChildren(...data.flags.map((f) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button'; button.className = 'flag flag-' + f.type; button.dataset.at = Date.parse(f.startedAt);
      button.textContent = (f.offsetSeconds === null ? '' : fmt(f.offsetSeconds) + ' · ') + f.label + ' (' + f.severity + ')';
      button.addEventListener('click', () => seekTo(Date.parse(f.startedAt)));
      const why = document.createElement('p'); why.className = 'muted';
      const e = f.explanation;
      const scores = e.scores.length ? ' Scores ' + Math.min(...e.scores).toFixed(2) + '–' + Math.max(...e.scores).toFixed(2) + ' (threshold ' + Object.entries(e.thresholds).map(([k, v]) => k + ' ' + v).join(', ') + ').' : '';
      const seen = (e.lightLevel === undefined ? '' : ' Light level ' + Math.round(e.lightLevel) + '/255') + (e.faceSize ? ', face ' + Math.round(e.faceSize * 100) + '% of the frame height.' : '.');
      // Detector flags say what was seen in how many samples; lockdown and tamper flags are one observation.
      why.textContent = e.scores.length || e.samples > 1
        ? e.summary + ' Seen in ' + e.samplesHeld + ' of ' + e.samples + ' samples by ' + e.model + '.' + scores + seen
        : e.summary + ' (Source: ' + e.model + '.)';
      li.append(button, why);
      if (f.evidenceUrl) {
        const img = document.createElement('img');
        img.src = f.evidenceUrl; img.width = 160; img.className = 'evidence';
        img.alt = 'Camera frame when the flag began: ' + f.label;
        li.append(img);
      }
      return li;
    }));
    if (!data.flags.length) list.innerHTML = '<li>No flags.</li>';
    document.getElementById('events').replaceChildren(...data.events.map((e) => {
      const li = document.createElement('li');
      li.textContent = new Date(e.at).toISOString().slice(11, 19) + ' ' + e.type.replace(/_/g, ' ') + (e.details && e.details.summary ? ': ' + e.details.summary : '');
      if (e.type === 'recording_gap') li.className = 'gap';
      return li;
    }));
    if (processing) setTimeout(load, 3000);
  }
  load();
})();
</script>`,
  });
}
