// The review's one scrubber: a slider on the wall clock of the attempt (not on either file's time, which skips the
// holes), with the flags as marks coloured by severity, the holes as bands that say what happened, and stills along
// it. It knows nothing of the players: it is told the time and says where to go.
import { clock } from './review-format.ts';

export type ScrubberFlag = { id: number; startedAtMs: number; endedAtMs: number; severity: string; label: string };
export type ScrubberHole = { fromMs: number; toMs: number; sentence: string };
export type ScrubberStill = { atMs: number; url: string; label: string };

const utc = (ms: number) => new Date(ms).toISOString().slice(11, 19);

/** Where a wall-clock moment sits along the axis, from 0 to 1. */
export const axisFraction = (startMs: number, endMs: number, atMs: number) => (endMs <= startMs ? 0 : Math.min(1, Math.max(0, (atMs - startMs) / (endMs - startMs))));

export function createScrubber(box: HTMLElement, axis: { startMs: number; endMs: number }, parts: { flags: ScrubberFlag[]; holes: ScrubberHole[]; stills: ScrubberStill[] }, onSeek: (wallMs: number) => void) {
  const span = axis.endMs - axis.startMs;
  const place = (el: HTMLElement, fromMs: number, toMs = fromMs) => {
    el.style.left = `${axisFraction(axis.startMs, axis.endMs, fromMs) * 100}%`;
    if (toMs > fromMs) el.style.width = `${(axisFraction(axis.startMs, axis.endMs, toMs) - axisFraction(axis.startMs, axis.endMs, fromMs)) * 100}%`;
  };

  const slider = document.createElement('div');
  slider.id = 'scrubber';
  slider.className = 'scrubber';
  slider.tabIndex = 0;
  slider.setAttribute('role', 'slider');
  slider.setAttribute('aria-label', 'Attempt timeline (both recordings)');
  slider.setAttribute('aria-valuemin', '0');
  slider.setAttribute('aria-valuemax', String(Math.round(span / 1000)));
  slider.setAttribute('aria-describedby', 'scrubber-legend');

  // Marks and bands are drawn for the eye; the flag list and the gap events say the same to a screen reader.
  const track = document.createElement('div');
  track.className = 'scrubber-track';
  track.setAttribute('aria-hidden', 'true');
  for (const hole of parts.holes) {
    const band = document.createElement('div');
    band.className = 'gap-band';
    band.title = hole.sentence;
    place(band, hole.fromMs, hole.toMs);
    track.append(band);
  }
  for (const flag of parts.flags) {
    const mark = document.createElement('div');
    mark.className = `flag-mark severity-${flag.severity}`;
    mark.dataset.flag = String(flag.id);
    mark.title = `${utc(flag.startedAtMs)} UTC · ${flag.label} (${flag.severity})`;
    place(mark, flag.startedAtMs, Math.max(flag.endedAtMs, flag.startedAtMs + span / 400));
    track.append(mark);
  }
  const head = document.createElement('div');
  head.className = 'scrubber-head';
  track.append(head);
  slider.append(track);

  const stills = document.createElement('ol');
  stills.className = 'stills';
  stills.setAttribute('aria-label', 'Stills along the recording');
  for (const still of parts.stills) {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'still seek';
    button.dataset.atMs = String(still.atMs);
    const img = document.createElement('img');
    img.src = still.url;
    img.alt = `${still.label} at ${clock((still.atMs - axis.startMs) / 1000)}`;
    img.width = 96;
    button.append(img);
    li.append(button);
    place(li, still.atMs);
    stills.append(li);
  }

  const legend = document.createElement('p');
  legend.id = 'scrubber-legend';
  legend.className = 'muted scrubber-legend';
  legend.append(`Marks: flags (red high, orange medium, blue low severity). Hatched bands: nothing was recorded.`);
  if (parts.holes.length) {
    const list = document.createElement('ul');
    list.className = 'gap-sentences';
    for (const hole of parts.holes) {
      const li = document.createElement('li');
      li.textContent = hole.sentence;
      list.append(li);
    }
    legend.append(list);
  }
  box.replaceChildren(slider, stills, legend);

  const fromPointer = (event: PointerEvent) => {
    const rect = track.getBoundingClientRect();
    onSeek(axis.startMs + Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width)) * span);
  };
  slider.addEventListener('pointerdown', (event) => {
    slider.setPointerCapture(event.pointerId);
    fromPointer(event);
  });
  slider.addEventListener('pointermove', (event) => { if (slider.hasPointerCapture(event.pointerId)) fromPointer(event); });
  slider.addEventListener('keydown', (event) => {
    const to = { Home: axis.startMs, End: axis.endMs }[event.key as 'Home' | 'End'];
    if (to === undefined) return;
    event.preventDefault();
    onSeek(to);
  });

  return {
    /** Shows where the players are (wall clock). */
    update(nowMs: number) {
      const seconds = Math.round((nowMs - axis.startMs) / 1000);
      slider.setAttribute('aria-valuenow', String(Math.max(0, seconds)));
      slider.setAttribute('aria-valuetext', `${clock(seconds)} of ${clock(span / 1000)}, ${utc(nowMs)} UTC`);
      place(head, nowMs);
    },
  };
}
