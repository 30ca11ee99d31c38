import { z } from 'zod';
import { uuidPattern } from '../../../models/ids.ts';

const optional = (schema: z.ZodString) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const queueQuery = z.object({
  reviewed: z.preprocess((v) => (v === '' || v === 'all' ? undefined : v), z.enum(['yes', 'no']).optional()),
  flagType: optional(z.string().max(60)),
  quizId: optional(z.string().regex(uuidPattern, 'Choose a quiz from the list.')),
  student: optional(z.string().max(200)),
});

export const studentParams = z.object({ userId: z.string().min(1).max(300) });

export const profileForm = z.object({
  outcomes: z.string().max(8000),
  dismissReasons: z.string().max(8000),
});
