// A second display is flagged at the start of the attempt and whenever the displays change. Chrome tells us through
// system.display; Firefox has no such API, so there the rule says it cannot know.
import { browser } from 'wxt/browser';
import { registerRule } from '../manager.ts';
import { flagKinds } from '../../../models/flags.ts';

type Display = { id: string; bounds: { width: number; height: number }; isPrimary: boolean };
type SystemDisplay = { getInfo(): Promise<Display[]>; onDisplayChanged: { addListener(f: () => void): void; removeListener(f: () => void): void } };

/** How an instructor reads a set of displays. */
export function describeDisplays(displays: Display[]) {
  return displays.map((d) => `${d.bounds.width}×${d.bounds.height}${d.isPrimary ? ' (main)' : ''}`).join(', ');
}

registerRule({
  name: 'multiple-monitors',
  async init(signal, { report, flag }) {
    const system = (browser as unknown as { system?: { display?: SystemDisplay } }).system?.display
      ?? (globalThis as unknown as { chrome?: { system?: { display?: SystemDisplay } } }).chrome?.system?.display;
    if (!system) {
      report('displays_unknown', { summary: 'This browser cannot tell the extension how many displays are connected.' });
      return;
    }
    let lastKey = '';
    const check = async () => {
      const displays = await system.getInfo();
      const key = displays.map((d) => d.id).sort().join(',');
      if (key === lastKey) return;
      const first = lastKey === '';
      lastKey = key;
      const summary = `${displays.length} display${displays.length === 1 ? '' : 's'} connected: ${describeDisplays(displays)}.`;
      report(first ? 'displays_at_start' : 'displays_changed', { count: displays.length, summary });
      if (displays.length > 1) {
        const now = Date.now();
        flag({
          id: `displays-${now}`, type: 'multiple_displays', severity: flagKinds.multiple_displays.severity, startedAt: now, endedAt: now,
          explanation: { model: 'chrome.system.display', thresholds: { maxDisplays: 1 }, scores: [], samples: 1, samplesHeld: 1, summary },
        });
      }
    };
    const onChanged = () => void check();
    system.onDisplayChanged.addListener(onChanged);
    signal.addEventListener('abort', () => system.onDisplayChanged.removeListener(onChanged));
    await check();
  },
});
