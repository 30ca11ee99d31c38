// The proctor's live dashboard: one EventSource; each `participant` event replaces that student's row, each `flag`
// event is an alert (listed, counted until seen, and a short tone when the proctor turned sound on), `session` updates
// the header. Elapsed and remaining time are counted here, every second, from the instants the server sent.
import type { DashboardFlag, DashboardRow } from '../live/dashboard-rows.ts';
import { byId, pageData } from './page-data.ts';

type LiveConfig = { streamUrl: string; snapshotUrl: string; rows: DashboardRow[]; session: { name: string; startedAt: string | null; endedAt: string | null } };

const config = pageData<LiveConfig>('invigil-live');
const rows = new Map(config.rows.map((r) => [r.id, r]));
const body = byId('live-participants').querySelector('tbody')!;
const connection = byId('connection');
const alerts = byId<HTMLOListElement>('alerts');
const unseenBadge = byId('unseen');
const soundButton = byId<HTMLButtonElement>('sound');
let unseen = 0;
let audio: AudioContext | undefined;

/** m:ss or h:mm:ss. */
function clock(ms: number) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

function times(row: DashboardRow, now: number) {
  if (!row.startedAt) return { elapsed: '—', remaining: row.timeLimitMinutes ? clock(row.timeLimitMinutes * 60_000) : '—' };
  const end = row.completedAt ? Date.parse(row.completedAt) : now;
  const used = end - Date.parse(row.startedAt);
  const limit = row.timeLimitMinutes ? (row.timeLimitMinutes + row.extraMinutes) * 60_000 : 0;
  return { elapsed: clock(used), remaining: limit ? (row.completedAt ? '—' : clock(limit - used)) : 'no limit' };
}

function cell(tr: HTMLTableRowElement, className: string, text: string, header = false) {
  const td = document.createElement(header ? 'th' : 'td');
  if (header) td.setAttribute('scope', 'row');
  td.className = className;
  td.textContent = text;
  tr.append(td);
}

function render(row: DashboardRow) {
  const tr = document.createElement('tr');
  tr.dataset.participant = String(row.id);
  tr.dataset.status = row.status;
  const t = times(row, Date.now());
  cell(tr, 'name', row.name, true);
  const picture = document.createElement('td');
  picture.className = 'snapshot';
  if (row.snapshotAt) {
    const img = document.createElement('img');
    img.src = config.snapshotUrl.replace('{id}', String(row.id)).replace('{at}', encodeURIComponent(row.snapshotAt));
    img.alt = `Webcam of ${row.name} at ${row.snapshotAt.slice(11, 19)} UTC`;
    img.width = 160;
    picture.append(img);
  } else picture.textContent = '—';
  tr.append(picture);
  cell(tr, 'status', row.pausedAt ? `${row.label}, paused` : row.endRequested && row.status !== 'complete' ? `${row.label}, ending` : row.label);
  cell(tr, 'elapsed', t.elapsed);
  cell(tr, 'remaining', t.remaining);
  cell(tr, 'flags', String(row.flags));
  cell(tr, 'id', row.idConfirmedAt ? 'confirmed' : 'not yet');
  cell(tr, 'messages', row.messages ? `${row.acknowledged} of ${row.messages} acknowledged` : '—');
  cell(tr, 'extra', row.extraMinutes ? `+${row.extraMinutes} min${row.extraTimeNote ? ` — ${row.extraTimeNote}` : ''}` : '—');
  const old = body.querySelector(`tr[data-participant="${row.id}"]`);
  if (old) old.replaceWith(tr);
  else body.append(tr);
}

function tick() {
  const now = Date.now();
  for (const row of rows.values()) {
    const tr = body.querySelector(`tr[data-participant="${row.id}"]`);
    if (!tr) continue;
    const t = times(row, now);
    tr.querySelector('.elapsed')!.textContent = t.elapsed;
    tr.querySelector('.remaining')!.textContent = t.remaining;
  }
}

function showUnseen() {
  unseenBadge.textContent = `${unseen} unseen`;
  document.title = `${unseen ? `(${unseen}) ` : ''}Live · ${config.session.name} · Invigil`;
}

function beep() {
  if (!audio) return;
  const tone = audio.createOscillator();
  const gain = audio.createGain();
  tone.frequency.value = 880;
  gain.gain.value = 0.15;
  tone.connect(gain).connect(audio.destination);
  tone.start();
  tone.stop(audio.currentTime + 0.25);
}

function alert(flag: DashboardFlag) {
  const item = document.createElement('li');
  item.dataset.flag = String(flag.id);
  item.className = `alert severity-${flag.severity}`;
  item.textContent = `${new Date(flag.at).toISOString().slice(11, 19)} UTC — ${flag.name}: ${flag.label} (${flag.severity}). ${flag.summary}`;
  alerts.prepend(item);
  unseen += 1;
  showUnseen();
  beep();
}

byId('mark-seen').addEventListener('click', () => {
  unseen = 0;
  showUnseen();
});
soundButton.addEventListener('click', () => {
  // The tone needs the proctor's own gesture first (browsers block sound a page starts by itself).
  if (audio) {
    void audio.close();
    audio = undefined;
  } else audio = new AudioContext();
  soundButton.setAttribute('aria-pressed', String(Boolean(audio)));
  soundButton.textContent = `Alert sound: ${audio ? 'on' : 'off'}`;
});

const stream = new EventSource(config.streamUrl);
stream.addEventListener('open', () => { connection.textContent = 'Live: updates arrive as they happen.'; });
stream.addEventListener('error', () => { connection.textContent = 'The live feed dropped; reconnecting…'; });
stream.addEventListener('participant', (e) => {
  const row = JSON.parse((e as MessageEvent<string>).data) as DashboardRow;
  rows.set(row.id, row);
  render(row);
});
stream.addEventListener('flag', (e) => alert(JSON.parse((e as MessageEvent<string>).data) as DashboardFlag));
stream.addEventListener('session', (e) => {
  const s = JSON.parse((e as MessageEvent<string>).data) as LiveConfig['session'];
  byId('session-state').textContent = s.endedAt ? `Ended ${s.endedAt.slice(0, 16).replace('T', ' ')} UTC` : s.startedAt ? `Started ${s.startedAt.slice(0, 16).replace('T', ' ')} UTC` : 'Scheduled';
});
for (const row of rows.values()) render(row);
tick();
setInterval(tick, 1000);
