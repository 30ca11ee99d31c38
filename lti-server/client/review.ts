// The instructor's review of one attempt: both recordings on one timeline (play, pause and seek follow each other),
// links renewed when they expire, the flags with their explanations and evidence, and the events.
import type { presentReview } from '../presenters/review.ts';
import { byId, pageData } from './page-data.ts';
import { clock, describeEvent, explainFlag, mediaSeconds } from './review-format.ts';

type Review = ReturnType<typeof presentReview>;
type Player = { video: HTMLVideoElement; startedAt: number; caused?: 'play' | 'pause' | 'seeked'; renewing?: boolean };

const { dataUrl } = pageData<{ dataUrl: string }>('review-config');
const status = byId('review-status');
/** How often the page looks again while recordings are processing. */
const processingPollMs = 3000;
/** A link renewed less than this long ago is not renewed again (a broken file would loop). */
const renewQuietMs = 5000;
/** Followers closer than this to the leader are left alone (a seek costs a decode). */
const followToleranceSeconds = 0.25;
const players = new Map<string, Player>();

function seekTo(epochMs: number) {
  for (const { video, startedAt } of players.values()) video.currentTime = mediaSeconds(epochMs, startedAt);
}

// A follower's own play/pause/seeked event, caused by follow(), is not followed back: no timers, which background
// tabs throttle.
function follow(leader: string, type: 'play' | 'pause' | 'seeked') {
  const lead = players.get(leader)!;
  if (lead.caused === type) {
    lead.caused = undefined;
    return;
  }
  const at = lead.startedAt + lead.video.currentTime * 1000;
  for (const [stream, entry] of players) {
    if (stream === leader) continue;
    const { video, startedAt } = entry;
    if (type === 'play' && video.paused) {
      entry.caused = 'play';
      video.play().catch(() => { entry.caused = undefined; }); // refused autoplay: the follower stays paused, as it was
    }
    if (type === 'pause' && !video.paused) {
      entry.caused = 'pause';
      video.pause();
    }
    if (type === 'seeked') {
      const target = mediaSeconds(at, startedAt);
      if (Math.abs(video.currentTime - target) > followToleranceSeconds) {
        entry.caused = 'seeked';
        video.currentTime = target;
      }
    }
  }
}

async function fetchReview(): Promise<Review> {
  const response = await fetch(dataUrl);
  const data = await response.json() as Review & { error?: { message?: string } };
  if (!response.ok) throw new Error(data.error?.message ?? 'Could not load this attempt.');
  return data;
}

/** Links expire after a few minutes: when one has, fetch fresh ones and carry on from the same moment. */
async function renew(stream: string) {
  const entry = players.get(stream);
  if (!entry || entry.renewing) return;
  entry.renewing = true;
  try {
    const fresh = (await fetchReview()).recordings.find((r) => r.stream === stream && r.url);
    if (fresh?.url) {
      const at = entry.video.currentTime;
      entry.video.src = fresh.url;
      entry.video.addEventListener('loadedmetadata', () => { entry.video.currentTime = at; }, { once: true });
    }
  } finally {
    setTimeout(() => { entry.renewing = false; }, renewQuietMs);
  }
}

function showRecordings(data: Review) {
  const box = byId('videos');
  for (const r of data.recordings) {
    if (r.status !== 'ready' || !r.url || !r.startedAt || players.has(r.stream)) continue;
    const figure = document.createElement('figure');
    const video = document.createElement('video');
    video.controls = true;
    video.preload = 'metadata';
    video.src = r.url;
    video.id = `video-${r.stream}`;
    video.setAttribute('aria-label', `${r.label} recording`);
    const caption = document.createElement('figcaption');
    caption.textContent = `${r.label} · ${clock(r.durationSeconds ?? 0)}`;
    figure.append(video, caption);
    box.append(figure);
    players.set(r.stream, { video, startedAt: Date.parse(r.startedAt) });
    video.addEventListener('error', () => void renew(r.stream).catch((error: Error) => { status.textContent = `Could not renew the ${r.label} link: ${error.message}`; }));
    for (const type of ['play', 'pause', 'seeked'] as const) video.addEventListener(type, () => follow(r.stream, type));
  }
}

function showFlags(data: Review) {
  const list = byId('flags');
  if (!data.flags.length) {
    const none = document.createElement('li');
    none.textContent = 'No flags.';
    list.replaceChildren(none);
    return;
  }
  list.replaceChildren(...data.flags.map((f) => {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = `flag flag-${f.type}`;
    button.dataset.at = String(Date.parse(f.startedAt));
    button.textContent = `${f.offsetSeconds === null ? '' : `${clock(f.offsetSeconds)} · `}${f.label} (${f.severity})`;
    button.addEventListener('click', () => seekTo(Date.parse(f.startedAt)));
    const why = document.createElement('p');
    why.className = 'muted';
    why.textContent = explainFlag(f.explanation);
    li.append(button, sourceBadge(f), why);
    if (f.evidenceUrl) {
      const img = document.createElement('img');
      img.src = f.evidenceUrl;
      img.width = 160;
      img.className = 'evidence';
      img.alt = `Camera frame when the flag began: ${f.label}`;
      li.append(img);
    }
    return li;
  }));
}

/** Who said so: the student's extension, or the server. */
function sourceBadge(item: { source: string; sourceLabel: string }) {
  const badge = document.createElement('span');
  badge.className = `source source-${item.source}`;
  badge.dataset.source = item.source;
  badge.textContent = item.sourceLabel;
  return badge;
}

function showEvents(data: Review) {
  byId('events').replaceChildren(...data.events.map((e) => {
    const li = document.createElement('li');
    li.append(sourceBadge(e), ` ${describeEvent(e)}`);
    if (e.type === 'recording_gap') li.className = 'gap';
    return li;
  }));
}

async function load() {
  const data = await fetchReview();
  const processing = data.recordings.filter((r) => r.status === 'processing').length;
  const quality = data.attempt.recording ? ` Recorded as ${data.attempt.recording}.` : '';
  status.textContent = (data.attempt.mediaDeletedAt ? `The recordings were deleted under the retention policy on ${data.attempt.mediaDeletedAt.slice(0, 10)}.`
    : processing ? 'Recordings are processing; this page updates by itself.' : data.recordings.length ? 'Recordings ready.' : 'No recordings for this attempt.') + quality;
  document.body.dataset.recordings = processing ? 'processing' : 'ready';
  showRecordings(data);
  showFlags(data);
  showEvents(data);
  if (processing) setTimeout(() => void load().catch(showLoadError), processingPollMs);
}

function showLoadError(error: Error) {
  status.textContent = error.message;
}

void load().catch(showLoadError);
