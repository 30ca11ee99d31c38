import { z } from 'zod';
import { streamNames } from '../../../models/streams.ts';

export const retryParams = z.object({ stream: z.enum(streamNames) });
