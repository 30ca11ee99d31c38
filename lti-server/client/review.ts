// The instructor's review of one attempt. The page is rendered by the server (flags, decisions, requests, audit);
// this module adds the players: both recordings on one wall-clock scrubber, seeking through each recording's
// timeline (models/timeline.ts: after a hole the file is shorter than the wall clock), speeds, flag to flag, the
// keyboard shortcuts the page lists, and the flag at the current moment beside the players.
import type { presentReview } from '../presenters/review.ts';
import { mediaToWall, timelineHoles, wallToMedia, type Timeline } from '../../models/timeline.ts';
import { byId, pageData } from './page-data.ts';
import { clock } from './review-format.ts';
import { createScrubber, type ScrubberHole } from './review-scrubber.ts';
import { neighbourFlag, shortcutFor, type ReviewAction } from './review-shortcuts.ts';

type Review = ReturnType<typeof presentReview>;
type RecordingData = Review['recordings'][number];
type Player = { stream: string; label: string; video: HTMLVideoElement; timeline: Timeline; caused?: 'play' | 'pause' | 'seeked'; renewing?: boolean };

const { dataUrl } = pageData<{ dataUrl: string }>('review-config');
const status = byId('review-status');
/** How often the page looks again while recordings are processing or the attempt is still running. */
const processingPollMs = 3000;
const runningPollMs = 15_000;
/** A link renewed less than this long ago is not renewed again (a broken file would loop). */
const renewQuietMs = 5000;
/** Followers closer than this to the leader are left alone (a seek costs a decode). */
const followToleranceMs = 250;
/** A flag is "at this moment" from a second before it began until this long after it ended. */
const currentFlagTailMs = 3000;

const players: Player[] = [];
let flags: { id: number; startedAtMs: number; endedAtMs: number; label: string; severity: string }[] = [];
let scrubber: ReturnType<typeof createScrubber> | null = null;
let rate: 1 | 2 | 4 = 1;
let shownFlag: number | null = null;

const utc = (ms: number) => new Date(ms).toISOString().slice(11, 19);

/** A recording's timeline; one made before timelines were stored is a single segment from its start. */
function timelineOf(r: RecordingData): Timeline {
  if (r.timeline.length) return r.timeline;
  return [{ segment: 0, wallStartMs: Date.parse(r.startedAt ?? ''), mediaOffsetMs: 0, durationMs: (r.durationSeconds ?? 0) * 1000 }];
}

/** The wall-clock moment the players show: the first player leads. */
function now() {
  const lead = players[0];
  return lead ? mediaToWall(lead.timeline, lead.video.currentTime * 1000) : 0;
}

function seekWall(wallMs: number) {
  for (const p of players) {
    p.caused = 'seeked';
    p.video.currentTime = wallToMedia(p.timeline, wallMs) / 1000;
  }
  refresh(wallMs);
}

// A follower's own play/pause/seeked event, caused by follow() or seekWall(), is not followed back: no timers,
// which background tabs throttle.
function follow(leader: Player, type: 'play' | 'pause' | 'seeked') {
  if (leader.caused === type) {
    leader.caused = undefined;
    if (type === 'seeked') refresh(now());
    return;
  }
  const at = mediaToWall(leader.timeline, leader.video.currentTime * 1000);
  for (const p of players) {
    if (p === leader) continue;
    if (type === 'play' && p.video.paused) {
      p.caused = 'play';
      p.video.play().catch(() => { p.caused = undefined; }); // refused autoplay: the follower stays paused, as it was
    }
    if (type === 'pause' && !p.video.paused) {
      p.caused = 'pause';
      p.video.pause();
    }
    if (type === 'seeked') {
      const target = wallToMedia(p.timeline, at);
      if (Math.abs(p.video.currentTime * 1000 - target) > followToleranceMs) {
        p.caused = 'seeked';
        p.video.currentTime = target / 1000;
      }
    }
  }
  refresh(at);
}

async function fetchReview(): Promise<Review> {
  const response = await fetch(dataUrl);
  const data = await response.json() as Review & { error?: { message?: string } };
  if (!response.ok) throw new Error(data.error?.message ?? 'Could not load this attempt.');
  return data;
}

/** Links expire after a few minutes: when one has, fetch fresh ones and carry on from the same moment. */
async function renew(player: Player) {
  if (player.renewing) return;
  player.renewing = true;
  try {
    const fresh = (await fetchReview()).recordings.find((r) => r.stream === player.stream && r.url);
    if (fresh?.url) {
      const at = player.video.currentTime;
      player.video.src = fresh.url;
      player.video.addEventListener('loadedmetadata', () => { player.video.currentTime = at; }, { once: true });
    }
  } finally {
    setTimeout(() => { player.renewing = false; }, renewQuietMs);
  }
}

function addPlayer(r: RecordingData) {
  const figure = document.createElement('figure');
  const video = document.createElement('video');
  video.controls = true;
  video.preload = 'auto';
  video.src = r.url!;
  video.id = `video-${r.stream}`;
  video.playbackRate = rate;
  video.setAttribute('aria-label', `${r.label} recording`);
  const caption = document.createElement('figcaption');
  caption.textContent = `${r.label} · ${clock(r.durationSeconds ?? 0)} recorded`;
  figure.append(video, caption);
  byId('videos').append(figure);
  const player: Player = { stream: r.stream, label: r.label, video, timeline: timelineOf(r) };
  players.push(player);
  video.addEventListener('error', () => void renew(player).catch((error: Error) => { status.textContent = `Could not renew the ${r.label} link: ${error.message}`; }));
  for (const type of ['play', 'pause', 'seeked'] as const) video.addEventListener(type, () => follow(player, type));
  video.addEventListener('timeupdate', () => { if (player === players[0]) refresh(now()); });
  video.addEventListener('play', () => syncPlayButton());
  video.addEventListener('pause', () => syncPlayButton());
}

/** What the holes were, in a sentence: the gap event's own words where one was recorded. */
function holeSentences(data: Review, ready: RecordingData[]): ScrubberHole[] {
  const gaps = data.events.filter((e) => e.type === 'recording_gap');
  return ready.flatMap((r) => timelineHoles(timelineOf(r)).map((h) => {
    const event = gaps.find((e) => e.details?.stream === r.stream && Math.abs(Date.parse(e.at) - h.fromMs) < 15_000);
    const why = typeof event?.details?.summary === 'string' ? ` ${event.details.summary}` : ' The browser or the recorder stopped; nothing was uploaded for this time.';
    return { ...h, sentence: `${r.label}: no recording from ${utc(h.fromMs)} to ${utc(h.toMs)} UTC (${clock((h.toMs - h.fromMs) / 1000)}).${why}` };
  }));
}

function buildPlayers(data: Review) {
  const ready = data.recordings.filter((r) => r.status === 'ready' && r.url && r.startedAt);
  // The webcam leads when there is one: flags are seen through it.
  ready.sort((a, b) => Number(b.stream === 'webcam') - Number(a.stream === 'webcam'));
  for (const r of ready) if (!players.some((p) => p.stream === r.stream)) addPlayer(r);
  if (scrubber || !players.length) return;
  const timelines = players.map((p) => p.timeline);
  const startMs = Math.min(...timelines.map((t) => t[0].wallStartMs));
  const endMs = Math.max(...timelines.map((t) => t[t.length - 1].wallStartMs + t[t.length - 1].durationMs));
  const stills = ready.flatMap((r) => r.thumbnails.map((t) => ({ atMs: t.atMs, url: t.url, label: `${r.label} still` })));
  scrubber = createScrubber(byId('scrubber-box'), { startMs, endMs }, { flags, holes: holeSentences(data, ready), stills }, seekWall);
  buildControls();
  refresh(startMs);
}

function controlButton(label: string, action: () => void, id: string) {
  const button = document.createElement('button');
  button.type = 'button';
  button.id = id;
  button.textContent = label;
  button.addEventListener('click', action);
  return button;
}

function syncPlayButton() {
  const button = document.getElementById('play-pause');
  if (!button) return;
  const playing = players.some((p) => !p.video.paused);
  button.textContent = playing ? 'Pause' : 'Play';
}

function togglePlay() {
  const lead = players[0];
  if (!lead) return;
  if (lead.video.paused) lead.video.play().catch((error: Error) => { status.textContent = `Could not play: ${error.message}`; });
  else lead.video.pause();
}

function setRate(next: 1 | 2 | 4) {
  rate = next;
  for (const p of players) p.video.playbackRate = next;
  for (const b of document.querySelectorAll<HTMLButtonElement>('#controls .speed')) b.setAttribute('aria-pressed', String(Number(b.dataset.rate) === next));
}

function goToFlag(direction: 1 | -1) {
  const target = neighbourFlag(flags, now(), direction);
  if (!target) {
    status.textContent = direction === 1 ? 'No flag after this moment.' : 'No flag before this moment.';
    return;
  }
  shownFlag = target.id;
  seekWall(target.startedAtMs);
}

function buildControls() {
  const speeds = document.createElement('span');
  speeds.setAttribute('role', 'group');
  speeds.setAttribute('aria-label', 'Playback speed');
  for (const r of [1, 2, 4] as const) {
    const b = controlButton(`${r}×`, () => setRate(r), `speed-${r}`);
    b.className = 'speed';
    b.dataset.rate = String(r);
    b.setAttribute('aria-pressed', String(r === rate));
    speeds.append(b);
  }
  const time = document.createElement('span');
  time.id = 'review-clock';
  time.className = 'review-clock';
  byId('controls').replaceChildren(
    controlButton('Play', togglePlay, 'play-pause'),
    controlButton('Previous flag', () => goToFlag(-1), 'previous-flag'),
    controlButton('Next flag', () => goToFlag(1), 'next-flag'),
    speeds, time,
  );
}

/** The scrubber, the clock and the flag beside the players follow the players. */
function refresh(wallMs: number) {
  scrubber?.update(wallMs);
  const clockText = document.getElementById('review-clock');
  if (clockText) clockText.textContent = `${utc(wallMs)} UTC`;
  const here = flags.find((f) => wallMs >= f.startedAtMs - 1000 && wallMs <= Math.max(f.endedAtMs, f.startedAtMs) + currentFlagTailMs);
  showCurrentFlag(here?.id ?? shownFlag);
}

/** The flag at this moment, beside the players: its explanation, the decision and the student's answer, from the page. */
function showCurrentFlag(id: number | null) {
  const aside = byId('current-flag');
  if (aside.dataset.flag === String(id ?? '')) return;
  aside.dataset.flag = String(id ?? '');
  for (const li of document.querySelectorAll('.flag-item.current')) li.classList.remove('current');
  const item = id === null ? null : document.getElementById(`flag-${id}`);
  if (!item) {
    aside.replaceChildren();
    return;
  }
  item.classList.add('current');
  const heading = document.createElement('h2');
  heading.textContent = item.querySelector('h3 .flag')?.firstChild?.textContent ?? 'Flag';
  const parts = ['.badge.severity', '.why', '.decision', '.answer'].flatMap((s) => [...item.querySelectorAll(s)]).map((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    copy.removeAttribute('id');
    return copy;
  });
  const link = document.createElement('a');
  link.href = `#flag-${id}`;
  link.textContent = 'Decide on this flag';
  aside.replaceChildren(heading, ...parts, link);
}

function act(action: ReviewAction) {
  if (!players.length) return;
  switch (action.kind) {
    case 'toggle': return togglePlay();
    case 'step': return seekWall(now() + action.seconds * 1000);
    case 'flag': return goToFlag(action.direction);
    case 'speed': return setRate(action.rate);
  }
}

document.addEventListener('keydown', (event) => {
  const target = event.target as HTMLElement;
  const action = shortcutFor(event.key, { tagName: target.tagName, isContentEditable: target.isContentEditable }, { ctrl: event.ctrlKey, alt: event.altKey, meta: event.metaKey });
  // The players' own controls keep their keys.
  if (!action || target.tagName === 'VIDEO') return;
  event.preventDefault();
  act(action);
});

// Every "go to this moment" button on the page (a flag's time, a still) seeks both players.
document.addEventListener('click', (event) => {
  const button = (event.target as HTMLElement).closest<HTMLElement>('.seek[data-at-ms]');
  if (!button) return;
  const at = Number(button.dataset.atMs);
  const flagItem = button.closest<HTMLElement>('.flag-item');
  if (flagItem) shownFlag = Number(flagItem.dataset.flag);
  if (!players.length) {
    status.textContent = 'There is no recording to go to yet.';
    return;
  }
  seekWall(at);
});

function statusText(data: Review) {
  if (data.attempt.mediaDeletedAt) return `The recordings were deleted under the retention policy on ${data.attempt.mediaDeletedAt.slice(0, 10)}.`;
  const processing = data.recordings.filter((r) => r.status === 'processing');
  const ready = data.recordings.filter((r) => r.status === 'ready');
  const failed = data.recordings.filter((r) => r.status === 'failed');
  const parts: string[] = [];
  if (processing.length) {
    const progress = Math.min(...processing.map((r) => r.progress ?? 0));
    const eta = Math.max(0, ...processing.map((r) => r.etaSeconds ?? 0));
    parts.push(`Processing the ${processing.map((r) => r.label.toLowerCase()).join(' and ')} recording: ${Math.round(progress * 100)} % done${eta ? `, about ${eta} s left` : ''}. This page updates by itself.`);
  }
  if (ready.length) parts.push(`Ready: ${ready.map((r) => `${r.label.toLowerCase()} (${clock(r.durationSeconds ?? 0)})`).join(', ')}.`);
  if (failed.length) parts.push(`Failed: ${failed.map((r) => r.label.toLowerCase()).join(' and ')} recording (see above).`);
  if (!data.recordings.length) parts.push(`No review recording yet. ${data.state}`);
  if (data.attempt.recording) parts.push(`Recorded as ${data.attempt.recording}.`);
  return parts.join(' ');
}

function showProgress(data: Review) {
  const processing = data.recordings.filter((r) => r.status === 'processing');
  let bar = document.getElementById('processing-progress') as HTMLProgressElement | null;
  if (!processing.length) {
    bar?.remove();
    return;
  }
  if (!bar) {
    bar = document.createElement('progress');
    bar.id = 'processing-progress';
    bar.max = 1;
    bar.setAttribute('aria-label', 'Processing the recordings');
    status.after(bar);
  }
  bar.value = Math.min(...processing.map((r) => r.progress ?? 0));
}

function showSideProblems(data: Review) {
  const problems = data.recordings.flatMap((r) => r.sideProblems.map((p) => `${r.label}: ${p}`));
  document.getElementById('side-problems')?.remove();
  if (!problems.length) return;
  const box = document.createElement('div');
  box.id = 'side-problems';
  box.className = 'notice';
  const lead = document.createElement('p');
  lead.textContent = 'The recordings are complete; some extras could not be made:';
  const list = document.createElement('ul');
  for (const p of problems) {
    const li = document.createElement('li');
    li.textContent = p;
    list.append(li);
  }
  box.append(lead, list);
  byId('videos').before(box);
}

async function load() {
  const data = await fetchReview();
  flags = data.flags.map((f) => ({ id: f.id, startedAtMs: Date.parse(f.startedAt), endedAtMs: Date.parse(f.endedAt), label: f.label, severity: f.severity }));
  byId('attempt-state').textContent = data.state;
  status.textContent = statusText(data);
  showProgress(data);
  showSideProblems(data);
  buildPlayers(data);
  const processing = data.recordings.some((r) => r.status === 'processing');
  document.body.dataset.recordings = processing ? 'processing' : data.recordings.length ? 'ready' : 'none';
  if (processing || data.attempt.status === 'in_progress') setTimeout(() => void load().catch(showLoadError), processing ? processingPollMs : runningPollMs);
}

function showLoadError(error: Error) {
  status.textContent = error.message;
}

void load().catch(showLoadError);
