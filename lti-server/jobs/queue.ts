// Background work on pg-boss, in the same database: finalising an attempt remuxes each of its streams.
import { PgBoss, type ConstructorOptions } from 'pg-boss';
import { and, eq, sql } from 'drizzle-orm';
import { attempts, chunks, flags, quizzes, recordings } from '../../models/schema.ts';
import { flagLabel } from '../../models/flags.ts';
import { notify } from '../review/notifications.ts';
import type { Database } from '../database.ts';
import type { Bucket } from '../storage/bucket.ts';
import { compactChunks, runChunks } from './compact-chunks.ts';
import { remuxRecording } from './remux-recording.ts';
import { drainOutbox, mailTransport } from '../mail/outbox.ts';
import { applyRetention } from './retention.ts';
import { housekeeping } from './housekeeping.ts';
import { checkCanvasGates } from '../gate/canvas-access-code.ts';
import type { CanvasConnectionStore } from '../gate/canvas-connections.ts';
import type { StreamName } from '../../models/streams.ts';
import { deliverSessions } from '../sessions/session-delivery.ts';

export type Queue = Awaited<ReturnType<typeof startQueue>>;

const queues = { finalize: 'finalize-attempt', remux: 'remux-recording', compact: 'compact-chunks', retention: 'apply-retention', housekeeping: 'housekeeping', canvasGates: 'canvas-gates', mail: 'mail-outbox', deliveries: 'session-deliveries' } as const;

export async function startQueue(options: { db: Database; bucket: Bucket; queueOptions: ConstructorOptions; work?: boolean; canvas?: CanvasConnectionStore; mail?: { smtpUrl?: string; from: string } }) {
  const { db, bucket } = options;
  const boss = new PgBoss({ ...options.queueOptions, schema: 'pgboss' });
  /** Shown as "processing" from now on, even before the remux job is picked up. */
  async function remux(attemptId: string, stream: StreamName) {
    await db.insert(recordings).values({ attemptId, stream, status: 'processing', progress: 0, processingStartedAt: new Date() })
      .onConflictDoUpdate({ target: [recordings.attemptId, recordings.stream], set: { status: 'processing', progress: 0, processingStartedAt: new Date(), error: null, updatedAt: sql`now()` } });
    await boss.send(queues.remux, { attemptId, stream }, { singletonKey: `${attemptId}:${stream}`, retryLimit: 3, retryDelay: 5 });
  }
  boss.on('error', (error) => console.error('[jobs]', error.message));
  await boss.start();
  for (const name of Object.values(queues)) await boss.createQueue(name);

  const transport = mailTransport(options.mail?.smtpUrl);
  const drainMail = (now?: Date) => drainOutbox(db, transport, options.mail?.from ?? 'Invigil <invigil@localhost>', now);

  if (options.work !== false) {
    // Mail: right after something is queued, and every minute for what waits for a retry.
    await boss.work(queues.mail, async () => {
      const done = await drainMail();
      if (done.failed) console.warn(`[mail] ${done.failed} message(s) not sent yet (the SMTP server refused or is down); they wait in the outbox`);
    });
    await boss.schedule(queues.mail, '* * * * *', {}, { tz: 'UTC' });
    await boss.work<{ attemptId: string }>(queues.finalize, { pollingIntervalSeconds: 0.5 }, async ([job]) => {
      const streams = await db.selectDistinct({ stream: chunks.stream }).from(chunks)
        .where(and(eq(chunks.attemptId, job.data.attemptId), eq(chunks.uploaded, true)));
      for (const { stream } of streams) {
        await remux(job.data.attemptId, stream);
      }
      await tellInstructorsOfHighFlags(db, job.data.attemptId);
      await drainMail();
    });
    await boss.work<{ attemptId: string; stream: StreamName }>(queues.remux, { pollingIntervalSeconds: 0.5 }, async ([job]) => {
      await remuxRecording({ db, bucket }, job.data.attemptId, job.data.stream);
    });
    await boss.work<{ attemptId: string; stream: StreamName; segment: number }>(queues.compact, { pollingIntervalSeconds: 2 }, async ([job]) => {
      await compactChunks({ db, bucket }, job.data);
    });
    await boss.work(queues.retention, async () => {
      const receipts = await applyRetention({ db, bucket });
      if (receipts.length) console.log(`[retention] deleted the media of ${receipts.length} attempt(s)`);
    });
    // Every night at 03:17 UTC; pg-boss keeps one schedule per name however many servers run.
    await boss.schedule(queues.retention, '17 3 * * *', {}, { tz: 'UTC' });
    await boss.work(queues.housekeeping, async () => {
      await housekeeping(db);
    });
    await boss.schedule(queues.housekeeping, '41 * * * *', {}, { tz: 'UTC' });
    // Ended sessions' recordings to their auditors (a profile's 24-hour rule), and the late ones warned or voided.
    await boss.work(queues.deliveries, async () => {
      const { delivered } = await deliverSessions(db);
      if (delivered) {
        console.log(`[deliveries] ${delivered} session(s) delivered to their auditors`);
        await boss.send(queues.mail, {}, { singletonKey: 'drain', singletonSeconds: 2 });
      }
    });
    await boss.schedule(queues.deliveries, '*/5 * * * *', {}, { tz: 'UTC' });
    // Canvas access codes: every 10 minutes, a code someone changed is put back; twice a day each is replaced.
    const canvas = options.canvas;
    if (canvas) {
      await boss.work(queues.canvasGates, async () => {
        const done = await checkCanvasGates(db, canvas);
        if (done.reapplied || done.problems) console.log(`[canvas-gates] ${done.checked} checked, ${done.reapplied} re-applied, ${done.rotated} rotated, ${done.problems} refused by Canvas`);
      });
      await boss.schedule(queues.canvasGates, '*/10 * * * *', {}, { tz: 'UTC' });
    }
  }

  return {
    boss,
    async finalizeAttempt(attemptId: string) {
      await boss.send(queues.finalize, { attemptId }, { singletonKey: attemptId, retryLimit: 3 });
    },
    /** Something was put in the mail outbox: send it now rather than at the next minute. */
    /** A session ended: its delivery is tried now rather than at the next five-minute sweep. */
    async sessionEnded() {
      await boss.send(queues.deliveries, {});
    },
    /** The delivery sweep at `now` (the job's own work; tests call it with a later `now`). */
    deliverSessions: (now?: Date) => deliverSessions(db, now),
    async mailQueued() {
      await boss.send(queues.mail, {}, { singletonKey: 'drain', singletonSeconds: 2 });
    },
    /** Sends what is due at `now` (the job's own work; tests call it with a later `now` to play a retry). */
    drainMail,
    /** A failed recording made again (the reviewer's retry). */
    retryRecording: remux,
    /** After each chunk: every run's worth, ask for the segment's chunks to be joined (one job at a time per segment). */
    async chunkKept(ref: { attemptId: string; stream: StreamName; segment: number; seq: number }) {
      if ((ref.seq + 1) % runChunks !== 0) return;
      const { seq: _seq, ...segment } = ref;
      await boss.send(queues.compact, segment, { singletonKey: `${ref.attemptId}:${ref.stream}:${ref.segment}`, retryLimit: 3, retryDelay: 10 });
    },
    stop: () => boss.stop({ graceful: true, timeout: 10_000 }),
  };
}

/** An attempt that ended with a high-severity flag: its course's instructors are told (once). */
async function tellInstructorsOfHighFlags(db: Database, attemptId: string) {
  const high = await db.select({ type: flags.type }).from(flags).where(and(eq(flags.attemptId, attemptId), eq(flags.severity, 'high')));
  if (!high.length) return;
  const [row] = await db.select().from(attempts).innerJoin(quizzes, eq(attempts.quizId, quizzes.id)).where(eq(attempts.id, attemptId));
  if (row) await notify.highSeverityFlag(db, { ...row.attempts, quiz: row.quizzes }, high.map((f) => flagLabel(f.type)));
}
