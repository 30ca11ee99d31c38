// The extension's detector in Chromium, on each fake-camera clip, through a real attempt: the flags the server
// receives are exactly the expected ones. Each attempt is ended from the extension's popup.
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { attempts, flags } from '../../models/schema.ts';
import { launchChromium } from '../support/chromium.ts';
import { lmsTest } from '../support/fixtures.ts';
import { quizSettingsForm } from '../support/flows.ts';
import { finishFromPopup, startAttemptInBrowser } from '../support/student.ts';

// Webcam only: the screen plays no part in detection.
const { recordScreen: _screen, ...webcamOnly } = quizSettingsForm;
const test = lmsTest({ quiz: (quizUrl) => ({ ...webcamOnly, quizUrl }) });

/** Long enough for the models to load and for "nobody" to last its 5 s, with room to spare on a busy machine. */
const detectionSeconds = 16;

describe('detection in the extension on each fake-camera clip', () => {
  test.for<[string, string[]]>([
    ['person_with_phone', ['phone']],
    ['two_people', ['multiple_people']],
    ['empty', ['nobody']],
    ['single_person', []],
  ])('%s raises %j', { timeout: 180_000 }, async ([clip, expected], { lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const chromium = await launchChromium({ clip });
    try {
      const { attemptId } = await startAttemptInBrowser(chromium, platform, resourceLinkId, `student-${clip}`);
      await new Promise((r) => setTimeout(r, detectionSeconds * 1000));
      await finishFromPopup(chromium);

      const [attempt] = await invigil.db.select().from(attempts).where(eq(attempts.id, attemptId));
      expect(attempt.status).toBe('finished');
      const raised = await invigil.db.select().from(flags).where(eq(flags.attemptId, attemptId));
      const detail = JSON.stringify(raised.map((f) => ({ type: f.type, summary: f.explanation.summary, scores: f.explanation.scores.slice(0, 5), light: f.explanation.lightLevel })));
      expect([...new Set(raised.map((f) => f.type))].sort(), detail).toEqual(expected);
      for (const f of raised) {
        expect(f.explanation.samplesHeld).toBeGreaterThanOrEqual(3);
        expect(f.explanation.lightLevel).toBeGreaterThan(0);
        // One small JPEG of the moment the flag began, in the bucket.
        expect(f.evidenceKey).toBe(`evidence/${attemptId}/extension/${f.clientFlagId}.jpg`);
        const stored = await invigil.bucket.head(f.evidenceKey!);
        expect(stored?.bytes).toBeGreaterThan(500);
        expect(stored?.bytes).toBeLessThan(24 * 1024);
      }
    } catch (error) {
      console.error(`Extension log:\n${chromium.extensionLog.join('\n')}`);
      throw error;
    } finally {
      await chromium.close();
    }
  });
});
