// Browser shortcuts are blocked in the quiz page: new tab or window, developer tools, view source, save, open.
// Some (Ctrl+T, Ctrl+N) never reach a page in Chrome; the new-tabs rule closes what they open.
import { describeKeys } from '../describe.ts';
import { registerPageRule } from '../page-manager.ts';

/** Whether a key press is a browser shortcut the quiz page should not pass on. */
export function isBlockedShortcut(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>) {
  const key = e.key.toLowerCase();
  if (key === 'f12') return true;
  const command = e.ctrlKey || e.metaKey;
  if (!command) return false;
  if (e.shiftKey) return ['i', 'j', 'c', 'k', 'n', 'delete'].includes(key);
  if (e.altKey) return ['i', 'j', 'u'].includes(key); // macOS developer tools and source
  return ['t', 'n', 'u', 's', 'o', 'j', 'h', 'l'].includes(key);
}

registerPageRule({
  name: 'shortcuts',
  init(signal, { report }) {
    window.addEventListener('keydown', (event) => {
      if (!isBlockedShortcut(event)) return;
      event.preventDefault();
      report('shortcut_blocked', { keys: describeKeys(event), summary: `Blocked the browser shortcut ${describeKeys(event)}.` });
    }, { capture: true, signal });
  },
});
