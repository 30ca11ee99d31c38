// Notifications by email, never lost: a message is a row in the outbox first; a job sends what is due through
// nodemailer and, when the SMTP server refuses or is down, keeps it with the error and tries again later.
import nodemailer, { type Transporter } from 'nodemailer';
import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import { mailOutbox } from '../../models/schema.ts';
import type { Database } from '../database.ts';

export type OutgoingMail = { to: string; subject: string; text: string; kind: string; attachments?: { filename: string; contentType: string; content: string }[] };

/** Waits between tries: 30 s, 2 min, 10 min, then every hour. */
const retryDelaysMs = [30_000, 120_000, 600_000, 3_600_000];
/** How many messages one drain sends at most. */
const batchSize = 50;

export async function enqueueMail(db: Pick<Database, 'insert'>, mail: OutgoingMail | OutgoingMail[]) {
  const list = (Array.isArray(mail) ? mail : [mail]).filter((m) => m.to);
  if (list.length) await db.insert(mailOutbox).values(list);
}

export function mailTransport(smtpUrl: string | undefined): Transporter | undefined {
  // A short connection timeout: a server that is down fails the try quickly and the message waits.
  if (!smtpUrl) return undefined;
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  return nodemailer.createTransport({
    host: url.hostname, port: Number(url.port || (secure ? 465 : 587)), secure,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000,
  });
}

/**
 * Sends what is due. Each message is claimed (its next try pushed forward) in the statement that picks it, so two
 * server processes never send one message twice; a sent message is marked sent, a refused one keeps its error.
 */
export async function drainOutbox(db: Database, transport: Transporter | undefined, from: string, now = new Date()) {
  if (!transport) return { sent: 0, failed: 0 };
  const claimed = await db.transaction(async (tx) => {
    const due = await tx.select().from(mailOutbox).where(and(isNull(mailOutbox.sentAt), lte(mailOutbox.nextAttemptAt, now)))
      .orderBy(asc(mailOutbox.id)).limit(batchSize).for('update', { skipLocked: true });
    for (const m of due) {
      await tx.update(mailOutbox).set({ attempts: sql`${mailOutbox.attempts} + 1`, nextAttemptAt: new Date(now.getTime() + retryDelaysMs[Math.min(m.attempts, retryDelaysMs.length - 1)]) })
        .where(eq(mailOutbox.id, m.id));
    }
    return due;
  });
  let sent = 0;
  let failed = 0;
  for (const m of claimed) {
    try {
      await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text, attachments: m.attachments ?? undefined });
      await db.update(mailOutbox).set({ sentAt: new Date(), lastError: null }).where(eq(mailOutbox.id, m.id));
      sent++;
    } catch (error) {
      await db.update(mailOutbox).set({ lastError: String((error as Error).message).slice(0, 500) }).where(eq(mailOutbox.id, m.id));
      failed++;
    }
  }
  return { sent, failed };
}
