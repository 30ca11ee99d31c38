import { z } from 'zod';
import { uuidPattern } from '../../../models/ids.ts';

export const answerForm = z.object({ answer: z.string().trim().min(1, 'Write your explanation.').max(4000, 'At most 4,000 characters.') });
export const requestParams = z.object({ requestId: z.string().regex(uuidPattern) });
