// The bandwidth check before recording: the extension uploads a probe (discarded here), times it, and reports the
// time; the server picks the recording rung from it, keeps both on the attempt, and puts them on the timeline.
import { Router } from 'express';
import { eq } from 'drizzle-orm';
import { bandwidthBody } from '../../../models/contracts.ts';
import { bandwidthProbeBytes, rungFor, rungs } from '../../../models/recording.ts';
import { attemptEvents, attempts } from '../../../models/schema.ts';
import { attemptBearer } from '../../http/authenticate.ts';
import { HttpError } from '../../http/errors.ts';
import { route } from '../../http/route.ts';
import { attemptPolicy } from '../../policies/attempt.ts';
import { loadAttempt } from '../attempts/load.ts';
import type { RouteContext } from '../context.ts';

export function bandwidthApi({ db, tokens, limiter }: RouteContext) {
  const router = Router();
  const limit = { name: 'bandwidth', max: 10, windowMs: 60_000 };
  const recordingAttempt = () => route(router, 'post', '/attempts/:attemptId/bandwidth').authenticate(attemptBearer(tokens)).limit(limiter, limit);

  // Read and dropped: only its transfer time matters, which the extension measures.
  route(router, 'post', '/attempts/:attemptId/bandwidth-probe').authenticate(attemptBearer(tokens)).limit(limiter, limit)
    .load(loadAttempt(db), 'That attempt').authorize(attemptPolicy, 'record')
    .handle(async ({ req, res }) => {
    let bytes = 0;
    for await (const part of req) {
      bytes += (part as Buffer).length;
      if (bytes > bandwidthProbeBytes * 2) throw new HttpError(413, 'payload_too_large', 'The probe is too large.');
    }
    res.json({ bytes });
  });

  recordingAttempt().validate(bandwidthBody).load(loadAttempt(db), 'That attempt').authorize(attemptPolicy, 'record')
    .handle(async ({ res, record: attempt, input: { bytes, elapsedMs } }) => {
    const kbps = Math.round((bytes * 8) / elapsedMs);
    const rung = rungFor(kbps);
    await db.update(attempts).set({ bandwidthKbps: kbps, recordingRung: rung }).where(eq(attempts.id, attempt.id));
    await db.insert(attemptEvents).values({
      attemptId: attempt.id, source: 'server', clientEventId: `bandwidth-${Date.now()}`, type: 'bandwidth_checked', occurredAt: new Date(),
      details: { kbps, rung, summary: `Upload measured at ${kbps} kbit/s before recording: recording ${rungs[rung].label}.` },
    }).onConflictDoNothing();
    res.json({ kbps, rung });
  });
  return router;
}
