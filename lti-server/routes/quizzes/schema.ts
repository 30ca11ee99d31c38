import { z } from 'zod';
import { mostAttempts, quizSettingsSchema, sensitivities } from '../../../models/contracts.ts';
import { lockdownSettingsSchema } from '../../../models/contracts.ts';
import { lockdownPresets, lockdownRuleNames } from '../../../models/lockdown.ts';
import { defaultKbps, kbpsBounds } from '../../../models/recording.ts';

/** HTML checkboxes send "on" when ticked and nothing otherwise. */
const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean());

const kbps = (fallback: number) => z.coerce.number({ error: 'Enter a bitrate in kbit/s' }).int('Enter whole kbit/s')
  .min(kbpsBounds.min, `At least ${kbpsBounds.min} kbit/s`).max(kbpsBounds.max, `At most ${kbpsBounds.max} kbit/s`).default(fallback);

export const quizForm = z.object({
  title: z.string().trim().min(1, 'Give the quiz a title').max(200),
  quizUrl: z.url({ protocol: /^https?$/, error: 'Enter the full address (http:// or https://) of the LMS quiz' }).max(2000),
  sensitivity: z.enum(sensitivities, { error: 'Choose a detection sensitivity' }).default('normal'),
  sampleSeconds: z.coerce.number({ error: 'Enter a number of seconds' }).min(0.5, 'Sample at most twice a second').max(10, 'Sample at least every 10 seconds').default(1),
  recordWebcam: checkbox,
  recordScreen: checkbox,
  recordMicrophone: checkbox,
  webcamKbps: kbps(defaultKbps.webcam),
  screenKbps: kbps(defaultKbps.screen),
  pauseOnStreamLoss: checkbox,
  lockdownPreset: z.enum(lockdownPresets, { error: 'Choose a lockdown preset' }).default('closed_book'),
  /** Ticked rule boxes: one value, several, or none. */
  lockdownRules: z.preprocess((v) => (v === undefined ? [] : [v].flat()), z.array(z.enum(lockdownRuleNames))),
  /** One address per line. */
  allowedUrls: z.preprocess((v) => (typeof v === 'string' ? v : '').split(/\r?\n/).map((line) => line.trim()).filter(Boolean), lockdownSettingsSchema.shape.allowedUrls),
  disableOtherExtensions: checkbox,
  timeLimitMinutes: z.preprocess((v) => (v === '' || v === undefined ? null : v), z.coerce.number({ error: 'Enter a number of minutes, or leave it empty' })
    .int('Enter whole minutes').min(1, 'At least 1 minute').max(24 * 60, 'At most 24 hours').nullable()),
  maxAttempts: z.preprocess((v) => (v === '' || v === undefined ? null : v), z.coerce.number({ error: 'Enter a number of attempts, or leave it empty' })
    .int('Enter a whole number').min(1, 'Allow at least 1 attempt').max(mostAttempts, `At most ${mostAttempts} attempts`).nullable()),
  retentionDays: z.coerce.number({ error: 'Enter a number of days' }).int('Enter whole days').min(1, 'Keep recordings at least 1 day').max(3650, 'Keep recordings at most 10 years').default(30),
  policyText: quizSettingsSchema.shape.policyText,
}).transform(({ lockdownPreset, lockdownRules, allowedUrls, disableOtherExtensions, ...rest }) => ({
  ...rest,
  lockdown: { preset: lockdownPreset, rules: lockdownRules, allowedUrls, disableOtherExtensions },
}));
export type QuizForm = z.infer<typeof quizForm>;
