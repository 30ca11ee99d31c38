// Settings as stored may predate a field (or, for lockdown, be the old on/off switch): read them through the schema,
// which fills defaults, so every reader sees the current shape.
import { quizSettingsSchema, type QuizSettings } from '../../../models/contracts.ts';

export function readQuizSettings(stored: unknown): QuizSettings {
  return quizSettingsSchema.parse(stored);
}
