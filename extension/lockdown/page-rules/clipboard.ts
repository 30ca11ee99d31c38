// Copy, cut and paste are blocked in the quiz page, from the keyboard and from menus alike.
import { describeKeys } from '../describe.ts';
import { registerPageRule } from '../page-manager.ts';

const clipboardKeys = new Set(['c', 'x', 'v']);

registerPageRule({
  name: 'clipboard',
  init(signal, { report }) {
    const block = (event: ClipboardEvent) => {
      event.preventDefault();
      report('clipboard_blocked', { action: event.type, summary: `Blocked ${event.type === 'paste' ? 'pasting' : event.type === 'cut' ? 'cutting' : 'copying'} in the quiz page.` });
    };
    const onKey = (event: KeyboardEvent) => {
      // Ctrl+Shift+C opens developer tools: the shortcuts rule handles it.
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey || !clipboardKeys.has(event.key.toLowerCase())) return;
      event.preventDefault();
      report('clipboard_blocked', { action: describeKeys(event), summary: `Blocked ${describeKeys(event)} in the quiz page.` });
    };
    for (const type of ['copy', 'cut', 'paste'] as const) document.addEventListener(type, block, { capture: true, signal });
    window.addEventListener('keydown', onKey, { capture: true, signal });
  },
});
