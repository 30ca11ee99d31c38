import { z } from 'zod';
import { flagTypeSchema } from '../../../models/contracts.ts';

const formValue = z.union([z.string(), z.array(z.string())]);
const list = (v: z.infer<typeof formValue> | undefined) => (v === undefined ? [] : [v].flat());

/**
 * The accommodations form: `student:<userId>` = the student's name, for every row shown, and `off:<userId>` = each
 * flag type ticked for that student. Becomes one row per student with the flag types turned off.
 */
export const accommodationsForm = z.record(z.string(), formValue).transform((body, context) => {
  const students = Object.keys(body).filter((k) => k.startsWith('student:')).map((k) => k.slice('student:'.length));
  const rows = students.map((userId) => {
    const disabledFlags = list(body[`off:${userId}`]).flatMap((value) => {
      const parsed = flagTypeSchema.safeParse(value);
      if (!parsed.success) context.addIssue({ code: 'custom', path: [`off:${userId}`], message: `"${value}" is not a flag type.` });
      return parsed.success ? [parsed.data] : [];
    });
    const name = list(body[`student:${userId}`])[0] ?? '';
    return { userId, userName: name || null, disabledFlags };
  });
  return { rows };
});
