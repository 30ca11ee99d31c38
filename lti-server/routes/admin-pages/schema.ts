import { z } from 'zod';
import { lmsConnectionInput } from '../../gate/lms-connections.ts';

export const loginForm = z.object({ key: z.string().min(1, 'Enter the admin key').max(200) });
const csrf = { _csrf: z.string() };
export const platformStateForm = z.object({ ...csrf, url: z.string().min(1), clientId: z.string().min(1), active: z.enum(['true', 'false']).transform((v) => v === 'true') });
export const connectionForm = z.object({
  ...csrf,
  issuer: lmsConnectionInput.shape.issuer,
  siteUrl: z.preprocess((v) => (v === '' ? undefined : v), lmsConnectionInput.shape.siteUrl),
  token: lmsConnectionInput.shape.token,
});
export const connectionRemoveForm = z.object({ ...csrf, issuer: z.string().min(1) });
export const inviteForm = z.object({ ...csrf, hours: z.coerce.number().positive().max(24 * 30).default(24) });
export const linkQuery = z.object({ token: z.string().min(20).max(2000) });
