// Opening, reaching and closing the recorder page from the background. Chrome: one offscreen document (it owns the
// camera and screen streams). Firefox has no offscreen documents: a pinned tab.
import { browser } from 'wxt/browser';
import { MessageError, send, type RecorderProtocol } from '../messaging/protocol.ts';

const recorderPath = '/recorder.html';

export async function openRecorder() {
  if (browser.offscreen) {
    const existing = await browser.runtime.getContexts?.({ contextTypes: ['OFFSCREEN_DOCUMENT'] });
    if (existing?.length) return;
    await browser.offscreen.createDocument({
      url: recorderPath,
      reasons: ['USER_MEDIA', 'DISPLAY_MEDIA'] as never,
      justification: 'Records the webcam and screen during a proctored quiz attempt and checks webcam frames on the device.',
    });
  } else {
    const [tab] = await browser.tabs.query({ url: browser.runtime.getURL(recorderPath) });
    if (!tab) await browser.tabs.create({ url: browser.runtime.getURL(recorderPath), pinned: true, active: false });
  }
}

export async function closeRecorder() {
  if (browser.offscreen) {
    const existing = await browser.runtime.getContexts?.({ contextTypes: ['OFFSCREEN_DOCUMENT'] });
    if (existing && !existing.length) return;
    await browser.offscreen.closeDocument();
  } else {
    const tabs = await browser.tabs.query({ url: browser.runtime.getURL(recorderPath) });
    if (tabs.length) await browser.tabs.remove(tabs.map((t) => t.id!));
  }
}

/** Sends to the recorder page, waiting for it to load and answer; a refusal from the recorder rejects at once. */
export async function tellRecorder<K extends keyof RecorderProtocol>(
  name: K, payload: RecorderProtocol[K]['payload'], timeoutMs = 30_000,
): Promise<RecorderProtocol[K]['reply']> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      // One call shape for every recorder message: the payload-less ones are sent with `undefined`.
      return await (send as (to: 'recorder', name: K, payload: unknown) => Promise<RecorderProtocol[K]['reply']>)('recorder', name, payload);
    } catch (error) {
      // The recorder's own refusal is final; no receiver (yet) means the page is still loading.
      if (error instanceof MessageError) throw error;
    }
    if (Date.now() > deadline) throw new Error('The recorder did not answer.');
    await new Promise((r) => setTimeout(r, 200));
  }
}
