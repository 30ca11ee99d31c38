// The student's start page: find the extension (through its page bridge), run the camera check, acknowledge the
// policy, then create the attempt and hand the extension its single-use start token.
import { bridgeSource, type BridgeMessage } from '../../models/bridge.ts';
import { byId, pageData } from './page-data.ts';

type Config = { createUrl: string; windowUrl: string; apiBase: string; csrf: string };
const config = pageData<Config>('invigil-config');
const status = byId('extension-status');
const startStatus = byId('start-status');
const ack = byId<HTMLInputElement>('acknowledge');
const start = byId<HTMLButtonElement>('start');
const check = byId<HTMLButtonElement>('check');
const checkResult = byId('check-result');
const missing = byId('extension-missing');
const connect = byId<HTMLButtonElement>('connect');
// The install page's section for this browser.
byId<HTMLAnchorElement>('install-link').hash = /Firefox\//.test(navigator.userAgent) ? 'firefox' : 'chrome';

/** How long to look for the extension before saying it is missing. */
const extensionWaitMs = 4000;
let extensionFound = false;
let checking = false;

const refresh = () => {
  start.disabled = !(extensionFound && ack.checked) || checking;
  check.disabled = !extensionFound || checking;
};
const toBridge = (message: BridgeMessage) => window.postMessage(message, window.location.origin);

function showCheck(m: Extract<BridgeMessage, { type: 'check-result' }>) {
  checking = false;
  refresh();
  const list = document.createElement('ul');
  for (const warning of m.warnings) {
    const li = document.createElement('li');
    li.textContent = warning;
    list.append(li);
  }
  const summary = document.createElement('p');
  summary.textContent = m.ok ? 'Your camera and lighting look good.' : 'Please fix this before you start:';
  checkResult.className = `notice ${m.ok ? 'ok' : 'error'}`;
  checkResult.replaceChildren(summary, ...(m.ok ? [] : [list]));
  document.body.dataset.check = m.ok ? 'ok' : 'warnings';
}

function showError(message: string) {
  if (checking) {
    checking = false;
    checkResult.className = 'notice error';
    checkResult.textContent = `The camera check did not work: ${message}`;
    refresh();
    return;
  }
  startStatus.textContent = `Could not start: ${message}`;
  start.disabled = false;
}

ack.addEventListener('change', refresh);
window.addEventListener('message', (event: MessageEvent<BridgeMessage | undefined>) => {
  const m = event.data;
  if (event.source !== window || m?.source !== bridgeSource) return;
  if (m.type === 'pong' && !extensionFound) {
    extensionFound = true;
    status.textContent = `Invigil extension ${m.version} is ready.`;
    status.className = 'notice ok';
    document.body.dataset.extension = 'ready';
    missing.hidden = true;
    refresh();
  } else if (m.type === 'check-result') {
    showCheck(m);
  } else if (m.type === 'started') {
    startStatus.textContent = 'Proctoring is on. Your quiz opened in a new tab; finish it there.';
    document.body.dataset.attempt = m.attemptId;
  } else if (m.type === 'error') {
    showError(m.message);
  }
});

const ping = () => toBridge({ source: bridgeSource, type: 'ping' });
ping();
const pinger = setInterval(() => (extensionFound ? clearInterval(pinger) : ping()), 500);
// Inside the LMS's iframe (Moodle's "embed" container, Canvas): the page offers to move to a window of its own.
const framed = window.top !== window;
const framedBox = byId('framed');
framedBox.hidden = !framed;
byId<HTMLButtonElement>('open-window').addEventListener('click', () => {
  // Opened at once, within the click, so no popup blocker stops it; the address follows.
  const opened = window.open('about:blank', '_blank');
  fetch(config.windowUrl, { method: 'POST', headers: { 'x-csrf-token': config.csrf } })
    .then(async (response) => {
      const body = await response.json() as { url?: string; error?: { message?: string } };
      if (!response.ok || !body.url) throw new Error(body.error?.message ?? 'the server refused');
      if (opened) opened.location.href = body.url;
      else window.location.href = body.url;
      byId('framed-text').textContent = 'This page continues in its own window.';
    })
    .catch((error: Error) => {
      opened?.close();
      byId('framed-text').textContent = `The page could not open its own window: ${error.message}`;
    });
});

setTimeout(() => {
  if (extensionFound) return;
  if (framed) {
    // In a frame the extension may be there but out of reach: the window is the way on, not "install".
    status.textContent = 'Invigil could not be reached from inside your course page. Press "Open in its own window" above.';
    status.className = 'notice error';
    document.body.dataset.extension = 'framed';
    byId<HTMLButtonElement>('open-window').focus();
    return;
  }
  status.textContent = 'The Invigil extension was not found. Install it, then reload this page.';
  status.className = 'notice error';
  document.body.dataset.extension = 'missing';
  missing.hidden = false;
}, extensionWaitMs);

// Invigil answers only sites it trusts: on the student's click, ask it to let the student allow this one. The
// extension never replies to this; the pings above find the bridge once the student allows the site.
connect.addEventListener('click', () => {
  toBridge({ source: bridgeSource, type: 'request-approval' });
  status.textContent = 'If Invigil is installed, a window asks you to allow this site. Choose Allow, and this page carries on.';
});

check.addEventListener('click', () => {
  checking = true;
  refresh();
  checkResult.className = 'notice';
  checkResult.textContent = 'Checking your camera…';
  toBridge({ source: bridgeSource, type: 'check' });
});

async function createAttempt(): Promise<string> {
  const response = await fetch(config.createUrl, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': config.csrf }, body: JSON.stringify({ acknowledged: ack.checked }),
  });
  const body = await response.json() as { startToken?: string; error?: { message?: string } };
  if (!response.ok || !body.startToken) throw new Error(body.error?.message ?? 'the server refused');
  return body.startToken;
}

start.addEventListener('click', () => {
  start.disabled = true;
  startStatus.textContent = 'Starting…';
  createAttempt().then(
    (startToken) => toBridge({ source: bridgeSource, type: 'start', apiBase: config.apiBase, startToken }),
    (error: Error) => showError(error.message),
  );
});
