// The offline-and-crash scenario shared by the recording test and the recording benchmark: a real attempt in
// Chromium whose recorder goes offline for a while and comes back, then goes offline again and the browser is killed
// with chunks in the outbox, relaunched with the same profile, and finished. Returns what the recorder emitted (its
// ledger) beside what the server and the bucket hold.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { CDPSession } from 'puppeteer-core';
import { chunks, recordings } from '../../models/schema.ts';
import type { LedgerEntry } from '../../extension/recording/outbox.ts';
import type { TestPlatform } from '../lti-platform/platform.ts';
import { launchChromium } from './chromium.ts';
import type { TestInvigil } from './invigil.ts';
import { extensionStatus, finishFromPopup, startAttemptInBrowser } from './student.ts';
import { until } from './wait.ts';

type Chromium = Awaited<ReturnType<typeof launchChromium>>;

/** Cuts (or restores) the network of the recorder page, as DevTools' offline switch does. */
async function recorderNetwork(chromium: Chromium, offline: boolean): Promise<CDPSession> {
  const target = await chromium.browser.waitForTarget((t) => t.url().endsWith('/recorder.html'), { timeout: 30_000 });
  const session = await target.createCDPSession();
  await session.send('Network.enable');
  await session.send('Network.emulateNetworkConditions', { offline, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  return session;
}

const status = (chromium: Chromium) => extensionStatus(chromium);

/** The recorder's ledger of emitted chunks, read from the extension's IndexedDB. */
const ledgerOf = (chromium: Chromium, attemptId: string) => chromium.inExtension((id) => new Promise<LedgerEntry[]>((resolve, reject) => {
  const open = indexedDB.open('invigil-outbox');
  open.onsuccess = () => {
    const all = open.result.transaction('ledger').objectStore('ledger').getAll(IDBKeyRange.bound([id], [id, []]));
    all.onsuccess = () => { open.result.close(); resolve(all.result as LedgerEntry[]); };
    all.onerror = () => reject(all.error ?? new Error('read failed'));
  };
  open.onerror = () => reject(open.error ?? new Error('open failed'));
}), attemptId);

export async function offlineAndCrashScenario(options: { invigil: TestInvigil; platform: TestPlatform; resourceLinkId: string; user: string; offlineMs?: number; clip?: string }) {
  const clip = options.clip ?? 'single_person';
  const { invigil } = options;
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'invigil-resilience-'));
  let chromium = await launchChromium({ clip, userDataDir });
  const observed: { pendingWhileOffline?: number; pendingAtKill?: number } = {};
  try {
    const { attemptId } = await startAttemptInBrowser(chromium, options.platform, options.resourceLinkId, options.user);
    await until('the first chunks to upload', async () => ((await status(chromium)).recorder?.uploadedChunks ?? 0) >= 2, 30_000);

    // Offline: chunks pile up in the outbox.
    const session = await recorderNetwork(chromium, true);
    await new Promise((r) => setTimeout(r, options.offlineMs ?? 22_000));
    observed.pendingWhileOffline = (await status(chromium)).recorder?.pendingChunks;

    // Back online: the outbox drains.
    await session.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await until('the outbox to drain', async () => (await status(chromium)).recorder?.pendingChunks === 0, 60_000);

    // Offline again, then the browser dies with chunks still in the outbox.
    await recorderNetwork(chromium, true);
    observed.pendingAtKill = await until('chunks waiting in the outbox', async () => {
      const pending = (await status(chromium)).recorder?.pendingChunks ?? 0;
      return pending >= 4 && pending;
    }, 30_000);
    await chromium.kill();

    // Relaunched with the same profile: the attempt resumes in a new segment and the old chunks drain.
    chromium = await launchChromium({ clip, userDataDir });
    await until('the attempt to resume recording', async () => ((await status(chromium)).recorder?.recording.length ?? 0) === 2, 60_000);
    await new Promise((r) => setTimeout(r, 7000));
    await finishFromPopup(chromium);

    const ledger = await ledgerOf(chromium, attemptId);
    const onServer = await invigil.db.select().from(chunks).where(eq(chunks.attemptId, attemptId));
    const objects = await invigil.bucket.list(`chunks/${attemptId}/`);
    const webcam = await until('the webcam recording', async () => {
      const [r] = (await invigil.db.select().from(recordings).where(eq(recordings.attemptId, attemptId))).filter((x) => x.stream === 'webcam');
      if (r?.status === 'failed') throw new Error(r.error ?? 'remux failed');
      return r?.status === 'ready' && r;
    }, 120_000);
    /** Recorded time per stream: each segment from its start to its last emitted chunk. */
    const recordedMs = (stream: string) => [...new Set(ledger.map((e) => e.segment))].reduce((sum, segment) => {
      const entries = ledger.filter((e) => e.stream === stream && e.segment === segment);
      return entries.length ? sum + Math.max(...entries.map((e) => e.emittedAt)) - entries[0].segmentStartedAt : sum;
    }, 0);
    const key = (c: { stream: string; segment: number; seq: number }) => `${c.stream}/${c.segment}/${c.seq}`;
    const kept = new Set(onServer.filter((c) => c.uploaded).map(key));
    return { attemptId, ledger, onServer, objects, webcam, recordedMs, observed, key, lost: ledger.filter((e) => !kept.has(key(e))) };
  } catch (error) {
    console.error(`Extension log:\n${chromium.extensionLog.slice(-40).join('\n')}\nStatus: ${JSON.stringify(await status(chromium).catch((e) => String(e)))}`);
    throw error;
  } finally {
    await chromium.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}
