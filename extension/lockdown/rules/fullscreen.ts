// The quiz window is kept full screen. Leaving it is recorded with how long it lasted, and the window goes back.
import { browser } from 'wxt/browser';
import { describeDuration } from '../describe.ts';
import { registerRule } from '../manager.ts';
import { failed } from '../../attempt/failures.ts';

registerRule({
  name: 'fullscreen',
  async init(signal, { quizTabId, report }) {
    const windowOf = async () => (await browser.tabs.get(quizTabId)).windowId;
    const windowId = await windowOf();
    const stateBefore = (await browser.windows.get(windowId)).state;
    await browser.windows.update(windowId, { state: 'fullscreen' });
    let exitedAt: number | undefined;
    let checking = false;
    const check = async () => {
      if (checking || signal.aborted) return;
      checking = true;
      try {
        // The quiz tab may have been dragged into another window.
        const id = await windowOf();
        const { state } = await browser.windows.get(id);
        if (state !== 'fullscreen') {
          if (exitedAt === undefined) {
            exitedAt = Date.now();
            report('fullscreen_exited', { state: state ?? 'unknown', summary: `The quiz window left full screen (${state}).` });
          }
          await browser.windows.update(id, { state: 'fullscreen' });
        } else if (exitedAt !== undefined) {
          const outMs = Date.now() - exitedAt;
          report('fullscreen_restored', { outMs, summary: `The quiz window was full screen again after ${describeDuration(outMs)}.` });
          exitedAt = undefined;
        }
      } catch {
        // The quiz tab is gone; the tab-close event says so.
      } finally {
        checking = false;
      }
    };
    // onBoundsChanged is Chrome's; a timer catches the rest (Firefox, minimising).
    const onBounds = () => void check().catch(failed('checking the quiz window is full screen'));
    browser.windows.onBoundsChanged?.addListener(onBounds);
    const timer = setInterval(onBounds, 1000);
    signal.addEventListener('abort', () => {
      clearInterval(timer);
      browser.windows.onBoundsChanged?.removeListener(onBounds);
      void windowOf().then((id) => browser.windows.update(id, { state: stateBefore === 'fullscreen' ? 'normal' : stateBefore ?? 'normal' })).catch(failed('restoring the quiz window'));
    });
  },
});
