// Flags raised by the extension's detector, each with its explanation. The extension reports a flag while it is
// still open and again when it closes: one row per flag id, its end and explanation updated, evidence kept once.
import { Router } from 'express';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { flagsBody } from '../../../models/contracts.ts';
import { flags } from '../../../models/schema.ts';
import { badRequest } from '../../http/errors.ts';
import { attemptPolicy } from '../../policies/attempt.ts';
import { objectKeys } from '../../storage/bucket.ts';
import { extensionRoute } from '../attempts/extension-route.ts';
import { loadAttempt } from '../attempts/load.ts';
import { disabledFlagsFor } from '../accommodations/load.ts';
import type { RouteContext } from '../context.ts';
import { publishAttempt } from '../../live/session-feed.ts';
import { isJpeg } from '../../media/jpeg.ts';


export function flagApi({ db, tokens, bucket, limiter }: RouteContext) {
  const router = Router();
  extensionRoute(router, { tokens, limiter }, '/attempts/:attemptId/flags', 300)
    .validate(flagsBody)
    .load(loadAttempt(db), 'That attempt')
    .authorize(attemptPolicy, 'record')
    .handle(async ({ res, record: attempt, input }) => {
      const disabled = await disabledFlagsFor(db, attempt.quizId, attempt.userId);
      // A type turned off for this student is acknowledged and dropped, so an old extension cannot store it either.
      const incoming = input.flags.filter((f) => !(disabled as string[]).includes(f.type));
      const evidence = incoming.map((f) => (f.evidence ? Buffer.from(f.evidence, 'base64') : undefined));
      if (evidence.some((e) => e && !isJpeg(e))) throw badRequest('Evidence must be a JPEG image.');
      let created = 0;
      for (const [i, f] of incoming.entries()) {
        const [row] = await db.insert(flags).values({
          attemptId: attempt.id, source: 'extension', clientFlagId: f.id, type: f.type, severity: f.severity,
          startedAt: new Date(f.startedAt), endedAt: new Date(f.endedAt), explanation: f.explanation,
        }).onConflictDoUpdate({
          // The extension's own flags only: a server flag is never the target, whatever id is sent.
          target: [flags.attemptId, flags.source, flags.clientFlagId],
          set: { endedAt: new Date(f.endedAt), explanation: f.explanation },
          // A late, shorter report never shrinks a flag.
          setWhere: sql`${flags.endedAt} <= ${new Date(f.endedAt)}`,
        }).returning({ id: flags.id, inserted: sql<boolean>`(xmax = 0)` });
        if (row?.inserted) {
          created += 1;
          // A live session's proctor hears of it at once.
          await publishAttempt(db, attempt.id, row.id);
        }
        const image = evidence[i];
        if (image) {
          const key = objectKeys.evidence(attempt.id, 'extension', f.id);
          const [target] = await db.select({ id: flags.id }).from(flags)
            .where(and(eq(flags.attemptId, attempt.id), eq(flags.source, 'extension'), eq(flags.clientFlagId, f.id), isNull(flags.evidenceKey)));
          if (target) {
            await bucket.putBytes(key, image, 'image/jpeg');
            await db.update(flags).set({ evidenceKey: key }).where(eq(flags.id, target.id));
          }
        }
      }
      res.json({ accepted: input.flags.length, created });
    });
  return router;
}
