import { z } from 'zod';
import { platformInput } from '../../lti/platforms.ts';

export const addPlatformBody = platformInput;
export const platformRef = z.object({ url: z.string().min(1), clientId: z.string().min(1) });
export const platformStateBody = platformRef.extend({ active: z.boolean() });
export const inviteBody = z.object({ hours: z.number().positive().max(24 * 30).default(24) });
export const connectionRef = z.object({ issuer: z.string().min(1) });
