// Printing is blocked: Ctrl+P is stopped, and anything printed anyway (from the browser menu) comes out blank.
import { describeKeys } from '../describe.ts';
import { registerPageRule } from '../page-manager.ts';

registerPageRule({
  name: 'printing',
  init(signal, { report }) {
    const style = document.createElement('style');
    style.dataset.invigil = 'printing';
    style.textContent = '@media print { html { display: none !important; } }';
    (document.head ?? document.documentElement).append(style);
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== 'p') return;
      event.preventDefault();
      report('print_blocked', { keys: describeKeys(event), summary: `Blocked printing (${describeKeys(event)}).` });
    };
    const onPrint = () => report('print_blocked', { keys: 'menu', summary: 'Printing was started from the browser menu; the page printed blank.' });
    window.addEventListener('keydown', onKey, { capture: true, signal });
    window.addEventListener('beforeprint', onPrint, { signal });
    signal.addEventListener('abort', () => style.remove());
  },
});
