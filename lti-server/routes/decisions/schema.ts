import { z } from 'zod';
import { flagDecisionKinds } from '../../../models/review.ts';

const note = z.string().trim().max(4000).transform((v) => v || null).optional().default('');

export const flagDecisionForm = z.object({
  decision: z.enum(flagDecisionKinds, { message: 'Choose dismiss or confirm.' }),
  reason: z.string().trim().max(200).transform((v) => v || null).optional().default(''),
  note,
}).refine((d) => d.decision === 'confirmed' || d.reason || d.note, { message: 'Give a reason or a note for dismissing the flag.', path: ['reason'] });

export const outcomeForm = z.object({ outcome: z.string().trim().min(1, 'Choose an outcome.').max(40), note });

export const explanationRequestForm = z.object({
  flagId: z.coerce.number().int().positive().optional(),
  message: z.string().trim().min(1, 'Say what the student should explain.').max(2000),
  dueDays: z.coerce.number().int().min(1, 'Give at least one day.').max(60, 'Give at most 60 days.'),
});

export const flagParams = z.object({ flagId: z.coerce.number().int().positive() });
