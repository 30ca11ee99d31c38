import { z } from 'zod';

export const createAttemptBody = z.object({
  acknowledged: z.literal(true, { error: 'You must acknowledge the proctoring policy before starting.' }),
});
export { startAttemptBody, heartbeatBody } from '../../../models/contracts.ts';

export const removalQuery = z.object({ key: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/) });
export const acknowledgeParams = z.object({ attemptId: z.string(), messageId: z.coerce.number().int().min(1) });
