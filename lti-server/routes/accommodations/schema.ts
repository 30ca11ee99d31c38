import { z } from 'zod';
import { flagTypes } from '../../../models/contracts.ts';

/** The form posts `off:<userId>` = one or more flag types, and `student:<userId>` = the student's name. */
export function parseAccommodationsForm(body: Record<string, unknown>) {
  const students = Object.keys(body).filter((k) => k.startsWith('student:')).map((k) => k.slice('student:'.length));
  const flagType = z.enum(flagTypes);
  return students.map((userId) => {
    const raw = body[`off:${userId}`];
    const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((v) => flagType.safeParse(v));
    if (list.some((r) => !r.success)) throw new Error('unknown flag type');
    return { userId, userName: String(body[`student:${userId}`] ?? '') || null, disabledFlags: list.map((r) => r.data!) };
  });
}
