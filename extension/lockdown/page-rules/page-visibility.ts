// The quiz page becoming hidden (another tab, a minimised window, a locked screen) is recorded with how long.
import { describeDuration } from '../describe.ts';
import { registerPageRule } from '../page-manager.ts';

registerPageRule({
  name: 'page-visibility',
  init(signal, { report }) {
    let hiddenSince: number | undefined = document.visibilityState === 'hidden' ? Date.now() : undefined;
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') {
        hiddenSince = Date.now();
        report('page_hidden', { summary: 'The quiz page was hidden.' });
      } else if (hiddenSince !== undefined) {
        const hiddenMs = Date.now() - hiddenSince;
        report('page_visible', { hiddenMs, summary: `The quiz page was visible again after ${describeDuration(hiddenMs)}.` });
        hiddenSince = undefined;
      }
    }, { signal });
  },
});
