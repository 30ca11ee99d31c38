// The bar every quiz page shows while lockdown runs: that proctoring is on, which rules apply, and a way to end the
// attempt (with a confirmation step). When the camera or screen share stops, it says so at once with a way to restart
// it, and hides the quiz meanwhile if the quiz asks. In a shadow root, so the LMS's styles and ours never mix.
import { streamLabels, type StreamName } from '../../models/streams.ts';
import type { LostStream } from '../messaging/protocol.ts';
import type { ProctorState } from '../../models/contracts.ts';

export function showOverlay(options: { labels: string[]; onEnd: () => void; onRestart: (stream: StreamName) => void; onAcknowledge: (messageId: number) => void }) {
  const host = document.createElement('invigil-overlay');
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = `<style>
  :host { all: initial; }
  .bar { position: fixed; z-index: 2147483647; left: 0; right: 0; bottom: 0; background: #12263f; color: #fff;
    font: 14px/1.4 system-ui, sans-serif; padding: .5rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center;
    box-shadow: 0 -2px 6px rgba(0,0,0,.3); }
  .bar strong { margin-right: auto; }
  button { font: inherit; padding: .35rem .8rem; border-radius: 4px; border: 1px solid #fff; background: transparent; color: #fff; cursor: pointer; }
  button.end { background: #fff; color: #12263f; }
  button:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
  ul { flex-basis: 100%; margin: .25rem 0 0; padding-left: 1.25rem; }
  .gate { flex-basis: 100%; background: #e8f0fe; color: #1b1f24; padding: .5rem; border-radius: 4px; }
  .lost { flex-basis: 100%; background: #ffdd57; color: #1b1f24; padding: .5rem; border-radius: 4px; }
  .lost button { border-color: #1b1f24; color: #1b1f24; margin-left: .5rem; }
  .pause { position: fixed; inset: 0; z-index: 2147483646; background: #12263f; color: #fff; display: flex; flex-direction: column;
    align-items: center; justify-content: center; gap: 1rem; font: 18px/1.5 system-ui, sans-serif; text-align: center; padding: 2rem; }
  .pause button { font-size: 18px; background: #fff; color: #12263f; }
  .proctor-pause { z-index: 2147483645; }
  .messages { flex-basis: 100%; display: grid; gap: .5rem; }
  .message { background: #fff; color: #1b1f24; padding: .5rem; border-radius: 4px; display: flex; gap: 1rem; align-items: center; }
  .message p { margin: 0; flex: 1; }
  .message button { border-color: #1b1f24; color: #1b1f24; }
  [hidden] { display: none !important; }
</style>
<div class="pause" hidden role="alertdialog" aria-modal="true" aria-labelledby="pause-text">
  <p id="pause-text"></p>
  <button type="button" class="restart-paused">Restart</button>
</div>
<div class="pause proctor-pause" hidden role="alertdialog" aria-modal="true" aria-labelledby="proctor-pause-text">
  <p><strong>Your proctor paused the quiz.</strong></p>
  <p id="proctor-pause-text"></p>
  <p>The quiz is hidden until your proctor resumes it; your answers are kept, and the time of the pause is given back to you.</p>
</div>
<div class="bar" role="region" aria-label="Invigil proctoring">
  <div class="messages" role="alert" hidden></div>
  <strong class="headline"></strong>
  <button type="button" class="rules" aria-expanded="false" aria-controls="rules">Show the rules</button>
  <button type="button" class="end">End attempt</button>
  <span class="confirm" hidden role="alert">End the proctored attempt now? Recording stops and the lockdown is lifted.
    <button type="button" class="yes">Yes, end it</button> <button type="button" class="no">Keep going</button></span>
  <ul id="rules" hidden></ul>
  <div class="gate" role="status" aria-live="polite" hidden></div>
  <div class="lost" role="alert" hidden><span class="lost-text"></span> <button type="button" class="restart">Restart</button></div>
</div>`;
  // Text goes in through textContent only: nothing from outside is ever parsed as HTML.
  root.querySelector('.headline')!.textContent = options.labels.length ? 'Proctoring is on: the browser is locked to this quiz.' : 'Proctoring is on: this attempt is recorded.';
  const list = root.querySelector('ul')!;
  list.append(...options.labels.map((label) => Object.assign(document.createElement('li'), { textContent: label })));
  const toggle = root.querySelector<HTMLButtonElement>('button.rules')!;
  toggle.addEventListener('click', () => {
    list.hidden = !list.hidden;
    toggle.setAttribute('aria-expanded', String(!list.hidden));
    toggle.textContent = list.hidden ? 'Show the rules' : 'Hide the rules';
  });
  const end = root.querySelector<HTMLButtonElement>('button.end')!;
  const confirm = root.querySelector<HTMLElement>('.confirm')!;
  end.addEventListener('click', () => {
    confirm.hidden = false;
    end.hidden = true;
    root.querySelector<HTMLButtonElement>('button.no')!.focus();
  });
  root.querySelector('button.no')!.addEventListener('click', () => {
    confirm.hidden = true;
    end.hidden = false;
    end.focus();
  });
  root.querySelector('button.yes')!.addEventListener('click', () => {
    confirm.textContent = 'Ending the attempt: uploading the rest of the recording…';
    options.onEnd();
  });
  const lost = root.querySelector<HTMLElement>('.lost')!;
  const pause = root.querySelector<HTMLElement>('.pause')!;
  let first: LostStream | undefined;
  for (const button of root.querySelectorAll<HTMLButtonElement>('button.restart, button.restart-paused')) {
    button.addEventListener('click', () => {
      if (!first) return;
      button.disabled = true;
      button.textContent = 'Restarting…';
      options.onRestart(first.stream);
    });
  }
  const proctorPause = root.querySelector<HTMLElement>('.proctor-pause')!;
  const messages = root.querySelector<HTMLElement>('.messages')!;
  document.documentElement.append(host);
  const room = keepRoomFor(root.querySelector<HTMLElement>('.bar')!);
  return {
    remove: () => {
      room.stop();
      host.remove();
    },
    /** The session proctor's pause (the quiz covered with their words) and messages, each with its acknowledgement. */
    proctor(state: ProctorState) {
      proctorPause.hidden = !state.paused;
      root.querySelector('#proctor-pause-text')!.textContent = state.paused?.message ?? '';
      const shown = new Set([...messages.querySelectorAll<HTMLElement>('.message')].map((m) => Number(m.dataset.id)));
      const wanted = new Set(state.messages.map((m) => m.id));
      for (const element of messages.querySelectorAll<HTMLElement>('.message')) if (!wanted.has(Number(element.dataset.id))) element.remove();
      for (const message of state.messages) {
        if (shown.has(message.id)) continue;
        const item = Object.assign(document.createElement('div'), { className: 'message' });
        item.dataset.id = String(message.id);
        item.append(Object.assign(document.createElement('p'), { textContent: `Message from your proctor: ${message.text}` }));
        const ok = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Acknowledge', className: 'acknowledge' });
        ok.addEventListener('click', () => {
          item.remove();
          messages.hidden = !messages.querySelector('.message');
          options.onAcknowledge(message.id);
        });
        item.append(ok);
        messages.append(item);
        ok.focus();
      }
      messages.hidden = !messages.querySelector('.message');
    },
    /** A sentence about the quiz password (being typed, refused); empty hides it. */
    gate(notice: string) {
      const line = root.querySelector<HTMLElement>('.gate')!;
      line.textContent = notice;
      line.hidden = !notice;
    },
    /** Shows the streams that stopped (none: hides the warning and uncovers the quiz). */
    streams(list: LostStream[]) {
      first = list[0];
      const wasPaused = !pause.hidden;
      lost.hidden = !first;
      pause.hidden = !list.some((l) => l.pause);
      if (!first) return;
      const what = list.map((l) => streamLabels[l.stream].inSentence).join(' and ');
      const text = `Your ${what} stopped recording${first.error ? ` and could not restart: ${first.error}` : ''}. Restart it to go on with the quiz.`;
      root.querySelector('.lost-text')!.textContent = text;
      root.querySelector('#pause-text')!.textContent = `${text} The quiz is hidden until it records again; your answers are kept.`;
      for (const button of root.querySelectorAll<HTMLButtonElement>('button.restart, button.restart-paused')) {
        button.disabled = false;
        button.textContent = `Restart the ${streamLabels[first.stream].inSentence}`;
      }
      if (!pause.hidden && !wasPaused) root.querySelector<HTMLButtonElement>('button.restart-paused')!.focus();
    },
  };
}

/**
 * The bar is fixed over the bottom of the page: the page gets as much room at its end, and scrolling (a focused
 * button, a link followed) stops above the bar, so nothing of the quiz (its last button, say) is ever hidden under it.
 */
function keepRoomFor(bar: HTMLElement) {
  const spacer = document.createElement('div');
  spacer.setAttribute('aria-hidden', 'true');
  spacer.dataset.invigil = 'room-for-the-bar';
  const root = document.documentElement;
  const before = root.style.getPropertyValue('scroll-padding-bottom');
  const fit = () => {
    const height = `${Math.ceil(bar.getBoundingClientRect().height)}px`;
    spacer.style.height = height;
    root.style.setProperty('scroll-padding-bottom', height);
  };
  const observer = new ResizeObserver(fit);
  observer.observe(bar);
  (document.body ?? root).append(spacer);
  fit();
  return {
    stop() {
      observer.disconnect();
      spacer.remove();
      if (before) root.style.setProperty('scroll-padding-bottom', before);
      else root.style.removeProperty('scroll-padding-bottom');
    },
  };
}
