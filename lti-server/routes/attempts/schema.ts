import { z } from 'zod';

export const createAttemptBody = z.object({
  acknowledged: z.literal(true, { error: 'You must acknowledge the proctoring policy before starting.' }),
});
export { startAttemptBody, heartbeatBody } from '../../../models/contracts.ts';
