import { z } from 'zod';

/** What an LMS adds to the admin's registration link (LTI Dynamic Registration 3.3). */
export const registrationQuery = z.object({
  invite: z.string({ error: 'This registration link is incomplete: ask the Invigil administrator for a new one.' }).min(16).max(200),
  openid_configuration: z.url({ error: 'The LMS did not send its OpenID configuration address.' }).max(2000),
  registration_token: z.string().max(4000).optional(),
});
