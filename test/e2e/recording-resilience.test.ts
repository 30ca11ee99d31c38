// No recorded second is lost: in Chromium with the built extension, the recorder's network goes offline for more than
// 20 s mid-recording and comes back, then the browser is killed with chunks still waiting in the outbox and
// relaunched with the same profile. Every chunk the recorder emitted (its ledger) must be on the server exactly once,
// byte for byte, and the remuxed recording must last as long as what was recorded.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { CDPSession } from 'puppeteer-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chunks, recordings } from '../../models/schema.ts';
import type { LedgerEntry } from '../../extension/recording/outbox.ts';
import type { TestPlatform } from '../lti-platform/platform.ts';
import { launchChromium } from '../support/chromium.ts';
import { deepLinkQuiz, startToolAndPlatform } from '../support/flows.ts';
import type { TestInvigil } from '../support/invigil.ts';
import { extensionStatus, finishFromPopup, startAttemptInBrowser } from '../support/student.ts';
import { until } from '../support/wait.ts';

let both: Awaited<ReturnType<typeof startToolAndPlatform>>;
let invigil: TestInvigil;
let platform: TestPlatform;
let resourceLinkId: string;

beforeAll(async () => {
  both = await startToolAndPlatform();
  ({ invigil, platform } = both);
  ({ resourceLinkId } = await deepLinkQuiz(platform, {
    title: 'Resilience', quizUrl: `${platform.issuer}/mod/quiz/view.php?id=1`, recordWebcam: 'on', recordScreen: 'on',
    lockdownPreset: 'off', policyText: 'Recorded.',
  }));
});
afterAll(() => both?.close());

type Chromium = Awaited<ReturnType<typeof launchChromium>>;

/** Cuts (or restores) the network of the recorder page, as DevTools' offline switch does. */
async function recorderNetwork(chromium: Chromium, offline: boolean): Promise<CDPSession> {
  const target = await chromium.browser.waitForTarget((t) => t.url().endsWith('/recorder.html'), { timeout: 30_000 });
  const session = await target.createCDPSession();
  await session.send('Network.enable');
  await session.send('Network.emulateNetworkConditions', { offline, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  return session;
}

type Status = Awaited<ReturnType<typeof extensionStatus>> & { recorder?: { pendingChunks: number; uploadedChunks: number; recording: string[] } };
const status = (chromium: Chromium) => extensionStatus(chromium) as Promise<Status>;

/** The recorder's ledger of emitted chunks, read from the extension's IndexedDB. */
const ledgerOf = (chromium: Chromium, attemptId: string) => chromium.inExtension((id) => new Promise<LedgerEntry[]>((resolve, reject) => {
  const open = indexedDB.open('invigil-outbox');
  open.onsuccess = () => {
    const all = open.result.transaction('ledger').objectStore('ledger').getAll(IDBKeyRange.bound([id], [id, []]));
    all.onsuccess = () => { open.result.close(); resolve(all.result as LedgerEntry[]); };
    all.onerror = () => reject(all.error);
  };
  open.onerror = () => reject(open.error);
}), attemptId);

it('keeps every chunk through 20 s offline and a browser kill, and the recording lasts as long as what was recorded', async () => {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'invigil-resilience-'));
  let chromium = await launchChromium({ clip: 'single_person', userDataDir });
  try {
    const { attemptId } = await startAttemptInBrowser(chromium, platform, resourceLinkId, 'student-resilience');
    await until('the first chunks to upload', async () => ((await status(chromium)).recorder?.uploadedChunks ?? 0) >= 2, 30_000);

    // Offline for 22 s: chunks pile up in the outbox, none reach the server.
    const session = await recorderNetwork(chromium, true);
    const kept = (await invigil.db.select().from(chunks).where(eq(chunks.attemptId, attemptId))).length;
    await new Promise((r) => setTimeout(r, 22_000));
    const offline = await status(chromium);
    expect(offline.recorder!.pendingChunks).toBeGreaterThanOrEqual(10);
    expect((await invigil.db.select().from(chunks).where(eq(chunks.attemptId, attemptId))).filter((c) => c.uploaded).length).toBeLessThanOrEqual(kept);

    // Back online: the outbox drains.
    await session.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await until('the outbox to drain', async () => (await status(chromium)).recorder?.pendingChunks === 0, 60_000);

    // Offline again, then the browser dies with chunks still in the outbox.
    await recorderNetwork(chromium, true);
    await until('chunks waiting in the outbox', async () => ((await status(chromium)).recorder?.pendingChunks ?? 0) >= 4, 30_000);
    await chromium.kill();

    // Relaunched with the same profile: the attempt resumes in a new segment and the old chunks drain.
    chromium = await launchChromium({ clip: 'single_person', userDataDir });
    await until('the attempt to resume recording', async () => ((await status(chromium)).recorder?.recording.length ?? 0) === 2, 60_000);
    await new Promise((r) => setTimeout(r, 7000));
    await finishFromPopup(chromium);

    const ledger = await ledgerOf(chromium, attemptId);
    const onServer = await invigil.db.select().from(chunks).where(eq(chunks.attemptId, attemptId));
    const key = (c: { stream: string; segment: number; seq: number }) => `${c.stream}/${c.segment}/${c.seq}`;
    expect(new Set(ledger.map((e) => e.segment))).toEqual(new Set([0, 1]));
    // Every emitted chunk is on the server once, uploaded, with the same size; nothing else is.
    expect(onServer.filter((c) => c.uploaded).map(key).sort()).toEqual(ledger.map(key).sort());
    for (const stream of ['webcam', 'screen']) {
      const bytes = (list: { stream: string; bytes: number }[]) => list.filter((c) => c.stream === stream).reduce((sum, c) => sum + c.bytes, 0);
      expect(bytes(onServer), stream).toBe(bytes(ledger));
    }
    const objects = await invigil.bucket.list(`chunks/${attemptId}/`);
    expect(objects).toHaveLength(ledger.length);
    expect(objects.reduce((sum, o) => sum + o.bytes, 0)).toBe(ledger.reduce((sum, e) => sum + e.bytes, 0));

    // The remuxed webcam recording lasts as long as the segments recorded (within 2 s).
    const webcam = await until('the webcam recording', async () => {
      const [r] = await invigil.db.select().from(recordings).where(eq(recordings.attemptId, attemptId)).then((rows) => rows.filter((x) => x.stream === 'webcam'));
      if (r?.status === 'failed') throw new Error(r.error ?? 'remux failed');
      return r?.status === 'ready' && r;
    }, 120_000);
    const recordedMs = [0, 1].reduce((sum, segment) => {
      const entries = ledger.filter((e) => e.stream === 'webcam' && e.segment === segment);
      return sum + Math.max(...entries.map((e) => e.emittedAt)) - entries[0].segmentStartedAt;
    }, 0);
    expect(Math.abs(webcam.durationMs! - recordedMs)).toBeLessThan(2000);
  } catch (error) {
    console.error(`Extension log:\n${chromium.extensionLog.slice(-40).join('\n')}\nStatus: ${JSON.stringify(await status(chromium).catch((e) => String(e)))}`);
    throw error;
  } finally {
    await chromium.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}, 300_000);
