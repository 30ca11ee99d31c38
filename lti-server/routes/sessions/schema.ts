import { z } from 'zod';
import { uuidPattern } from '../../../models/ids.ts';
import { enrollmentCodePattern, enrollmentCodeRule, enrollmentModes } from '../../../models/sessions.ts';
import { policyProfiles } from '../../../models/session-profiles.ts';

const blankAsUndefined = (v: unknown) => (v === '' ? undefined : v);
const minutes = (label: string, min: number, max: number) => z.coerce.number({ message: `${label}: a number of minutes.` }).int(`${label}: whole minutes.`)
  .min(min, `${label}: at least ${min} minutes.`).max(max, `${label}: at most ${max} minutes.`);
const knownZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const sessionParams = z.object({ sessionId: z.string().regex(uuidPattern) });

/** The proctor's new-session form; times are the proctor's wall clock in the chosen time zone. */
export const sessionForm = z.object({
  name: z.string().trim().min(1, 'Give the session a name.').max(200, 'The name: at most 200 characters.'),
  startsAt: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'The start: a date and a time.'),
  timeZone: z.string().max(60).refine(knownZone, 'Choose a time zone from the list.'),
  durationMinutes: minutes('The duration', 5, 720),
  flexibleStart: z.literal('on').optional(),
  windowMinutes: z.preprocess(blankAsUndefined, minutes('The start window', 5, 7 * 24 * 60).optional()),
  maxUsers: z.coerce.number({ message: 'Maximum users: a number.' }).int().min(1, 'Maximum users: at least 1.').max(1000, 'Maximum users: at most 1,000.'),
  lateEntryMinutes: minutes('Late entry', 0, 720),
  timeLimitMinutes: z.preprocess(blankAsUndefined, minutes('The time limit', 1, 720).optional()),
  enrollmentCode: z.preprocess(blankAsUndefined, z.string().regex(enrollmentCodePattern, enrollmentCodeRule).optional()),
  enrollmentMode: z.enum(enrollmentModes, { message: 'Choose how students are enrolled.' }),
  profileKey: z.string().refine((k) => k in policyProfiles, 'Choose a policy profile from the list.'),
});
export type SessionFormInput = z.infer<typeof sessionForm>;

export const importForm = z.object({ csv: z.string().max(2_000_000, 'The file is larger than 2 MB.') });
export const codeForm = z.object({ code: z.string().trim().max(20) });
export const auditorForm = z.object({
  name: z.string().trim().max(200),
  email: z.string().trim().email('The auditor\'s email address is not valid.'),
});
/** A button's form: nothing but its CSRF token. */
export const actionForm = z.object({});
/** The dashboard's one control form: who (a participant or everyone), what, and its words or minutes. */
export const controlsForm = z.object({
  who: z.union([z.literal('all'), z.coerce.number().int().min(1)]),
  action: z.enum(['message', 'pause', 'resume', 'extra_time', 'end', 'confirm_id', 'allow_resume'], { message: 'Choose an action.' }),
  text: z.string().trim().max(500, 'The message: at most 500 characters.').default(''),
  minutes: z.coerce.number({ message: 'Extra minutes: a number.' }).int().min(1, 'Extra minutes: at least 1.').max(600, 'Extra minutes: at most 600.').default(5),
});
export const checklistForm = z.object({ item: z.string().min(1).max(300) });
