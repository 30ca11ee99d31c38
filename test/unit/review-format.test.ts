// The review page's sentences, from the client module (lti-server/client/review-format.ts).
import { describe, expect, it } from 'vitest';
import { clock, describeEvent, explainFlag } from '../../lti-server/client/review-format.ts';

describe('the review page\'s words', () => {
  it('explains a detector flag with samples, scores, thresholds, light and face size', () => {
    expect(explainFlag({ model: 'centernet (COCO)', thresholds: { phone: 0.2 }, scores: [0.41, 0.38, 0.5], samples: 5, samplesHeld: 3, summary: 'A phone was visible.', lightLevel: 120.4, faceSize: 0.31 }))
      .toBe('A phone was visible. Seen in 3 of 5 samples by centernet (COCO). Scores 0.38–0.50 (threshold phone 0.2). Light level 120/255, face 31% of the frame height.');
  });

  it('names the source of a single observation (lockdown, tamper evidence)', () => {
    expect(explainFlag({ model: 'invigil-server tamper evidence', thresholds: {}, scores: [], samples: 1, samplesHeld: 1, summary: 'The extension went silent.' }))
      .toBe('The extension went silent. (Source: invigil-server tamper evidence.)');
  });

  it('writes times as m:ss and events in UTC', () => {
    expect(clock(3599.6)).toBe('60:00');
    expect(describeEvent({ at: '2026-11-22T10:42:05.000Z', label: 'Left the quiz tab', details: { summary: 'Left the quiz for another tab.' } }))
      .toBe('10:42:05 Left the quiz tab: Left the quiz for another tab.');
    expect(describeEvent({ at: '2026-11-22T10:42:05.000Z', label: 'Stream stopped', details: null })).toBe('10:42:05 Stream stopped');
  });
});
