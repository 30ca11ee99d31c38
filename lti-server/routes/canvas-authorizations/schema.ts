import { z } from 'zod';

/** Connect Canvas: the form carries nothing but its CSRF token. */
export const connectForm = z.object({});

/** Canvas's redirect back: a code (or an error) and our state. */
export const authorizedQuery = z.object({
  state: z.string().min(1).max(2000),
  code: z.string().min(1).max(2000).optional(),
  error: z.string().max(200).optional(),
});
