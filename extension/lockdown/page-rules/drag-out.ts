// Dragging selected text, images or links out of the quiz page is blocked. Elements the page itself made draggable
// (drag-and-drop questions) still work.
import { registerPageRule } from '../page-manager.ts';

const pageDraggable = (target: EventTarget | null) => target instanceof HTMLElement && target.closest('[draggable="true"]') !== null;

registerPageRule({
  name: 'drag-out',
  init(signal, { report }) {
    window.addEventListener('dragstart', (event) => {
      if (pageDraggable(event.target)) return;
      event.preventDefault();
      report('drag_blocked', { summary: 'Blocked dragging content out of the quiz page.' });
    }, { capture: true, signal });
  },
});
