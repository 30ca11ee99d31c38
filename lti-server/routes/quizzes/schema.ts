import { z } from 'zod';
import { quizSettingsSchema, sensitivities } from '../../../models/contracts.ts';

/** HTML checkboxes send "on" when ticked and nothing otherwise. */
const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean());

export const quizForm = z.object({
  title: z.string().trim().min(1, 'Give the quiz a title').max(200),
  quizUrl: z.url({ protocol: /^https?$/, error: 'Enter the full address (http:// or https://) of the LMS quiz' }).max(2000),
  sensitivity: z.enum(sensitivities, { error: 'Choose a detection sensitivity' }).default('normal'),
  sampleSeconds: z.coerce.number({ error: 'Enter a number of seconds' }).min(0.5, 'Sample at most twice a second').max(10, 'Sample at least every 10 seconds').default(1),
  recordWebcam: checkbox,
  recordScreen: checkbox,
  lockdown: checkbox,
  policyText: quizSettingsSchema.shape.policyText,
});
export type QuizForm = z.infer<typeof quizForm>;
