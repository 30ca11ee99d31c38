// The right-click menu is blocked in the quiz page (it offers copy, search, inspect and save).
import { registerPageRule } from '../page-manager.ts';

registerPageRule({
  name: 'context-menu',
  init(signal, { report }) {
    window.addEventListener('contextmenu', (event) => {
      event.preventDefault();
      report('context_menu_blocked', { summary: 'Blocked the right-click menu in the quiz page.' });
    }, { capture: true, signal });
  },
});
