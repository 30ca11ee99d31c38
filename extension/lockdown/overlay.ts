// The bar every quiz page shows while lockdown runs: that proctoring is on, which rules apply, and a way to end the
// attempt (with a confirmation step). In a shadow root, so the LMS's styles and ours never mix.
export function showOverlay(options: { labels: string[]; onEnd: () => void }) {
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
  [hidden] { display: none !important; }
</style>
<div class="bar" role="region" aria-label="Invigil proctoring">
  <strong>Proctoring is on: the browser is locked to this quiz.</strong>
  <button type="button" class="rules" aria-expanded="false" aria-controls="rules">Show the rules</button>
  <button type="button" class="end">End attempt</button>
  <span class="confirm" hidden role="alert">End the proctored attempt now? Recording stops and the lockdown is lifted.
    <button type="button" class="yes">Yes, end it</button> <button type="button" class="no">Keep going</button></span>
  <ul id="rules" hidden></ul>
</div>`;
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
  document.documentElement.append(host);
  return { remove: () => host.remove() };
}
