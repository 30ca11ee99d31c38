// Other extensions enabled during the attempt are listed for the instructor. When the quiz asks, they are turned off
// for the attempt and back on after it; the list of what we turned off is stored first, so a crash cannot leave a
// student's extensions off.
import { browser, type Browser } from 'wxt/browser';
import { registerRule } from '../manager.ts';
import { failed } from '../../attempt/failures.ts';

type ExtensionInfo = Browser.management.ExtensionInfo;
const storageKey = 'extensionsDisabledForAttempt';

const describe = (e: ExtensionInfo) => `${e.name} ${e.version}`;
const isOther = (e: ExtensionInfo) => e.id !== browser.runtime.id && e.type === 'extension' && e.enabled;

async function remembered(): Promise<string[]> {
  return ((await browser.storage.local.get(storageKey))[storageKey] as string[] | undefined) ?? [];
}

async function enableRemembered() {
  for (const id of await remembered()) await browser.management.setEnabled(id, true).catch(failed(`turning extension ${id} back on`));
  await browser.storage.local.remove(storageKey);
}

registerRule({
  name: 'other-extensions',
  async init(signal, { settings, report }) {
    const turnOff = async (list: ExtensionInfo[]) => {
      const disabling = list.filter((e) => e.mayDisable);
      if (!disabling.length) return;
      await browser.storage.local.set({ [storageKey]: [...new Set([...(await remembered()), ...disabling.map((e) => e.id)])] });
      const failed: string[] = [];
      for (const e of disabling) await browser.management.setEnabled(e.id, false).catch(() => failed.push(describe(e)));
      report('extensions_disabled', {
        names: disabling.map(describe).join(', '),
        summary: `Turned off for the attempt: ${disabling.map(describe).join(', ')}.${failed.length ? ` Could not turn off: ${failed.join(', ')}.` : ''}`,
      });
    };
    const others = (await browser.management.getAll()).filter(isOther);
    report('other_extensions', {
      count: others.length,
      names: others.map(describe).join(', '),
      summary: others.length ? `Other extensions enabled at the start: ${others.map(describe).join(', ')}.` : 'No other extensions were enabled at the start.',
    });
    if (settings.lockdown.disableOtherExtensions) await turnOff(others);

    const onAdded = (e: ExtensionInfo) => {
      if (!isOther(e)) return;
      report('extension_enabled', { name: describe(e), summary: `An extension was installed or turned on during the attempt: ${describe(e)}.` });
      if (settings.lockdown.disableOtherExtensions) void turnOff([e]);
    };
    browser.management.onInstalled.addListener(onAdded);
    browser.management.onEnabled.addListener(onAdded);
    signal.addEventListener('abort', () => {
      browser.management.onInstalled.removeListener(onAdded);
      browser.management.onEnabled.removeListener(onAdded);
      void enableRemembered();
    });
  },
  release: enableRemembered,
});
