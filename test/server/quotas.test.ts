// Quotas: what one attempt may upload follows from its quiz's time limit and bitrates; how many attempts a student
// may start is the instructor's setting. Past either, a clear 4xx says why.
import { describe, expect } from 'vitest';
import { attemptQuota } from '../../models/recording.ts';
import type { StartAttemptResponse } from '../../models/contracts.ts';
import { deepLinkQuiz, launch } from '../support/flows.ts';
import { lmsTest } from '../support/fixtures.ts';
import { extensionCall } from '../support/extension-api.ts';

const settings = { title: 'Timed quiz', recordWebcam: 'on', recordScreen: 'on', lockdownPreset: 'off', policyText: 'Recorded.', timeLimitMinutes: '30', maxAttempts: '2', webcamKbps: '300', screenKbps: '350' };
const test = lmsTest({ quiz: (quizUrl) => ({ ...settings, quizUrl }) });


describe('quotas', () => {
  test('an attempt may upload what its time limit and bitrates allow, and no more', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const student = await launch(platform, { user: 'student-quota', role: 'learner', resource: resourceLinkId });
    const created = await student.browser.request(student.page.url.replace(/\/take\?/, '/attempts?'), { json: { acknowledged: true } });
    const { startToken } = JSON.parse(created.body) as { startToken: string };
    const { attempt, attemptToken } = (await extensionCall(invigil, '/attempts/start', { startToken })).body as unknown as StartAttemptResponse;
    const quota = attemptQuota({ webcamKbps: 300, screenKbps: 350, recordMicrophone: false, timeLimitMinutes: 30 });
    const chunk = (segment: number, seq: number, bytes = 1000) => extensionCall(invigil, `/attempts/${attempt.id}/chunks`, { stream: 'webcam', segment, seq, bytes, sha256: 'a'.repeat(64), segmentStartedAt: Date.now() }, attemptToken);

    expect((await chunk(0, quota.maxSeq)).status).toBe(200);
    const pastSeq = await chunk(0, quota.maxSeq + 1);
    expect(pastSeq.status).toBe(413);
    expect(pastSeq.body.error).toMatchObject({ code: 'quota_exceeded' });
    expect(pastSeq.body.error?.message).toContain('up to 53 minutes');
    expect((await chunk(quota.maxSegment + 1, 0)).status).toBe(413);
    // Bytes: 8 MiB chunks (the largest allowed) until the total would pass the quota.
    const big = 8 * 1024 * 1024;
    let seq = 1;
    let last = 200;
    while (last === 200 && seq < quota.maxSeq) last = (await chunk(1, seq++, big)).status;
    expect(last).toBe(413);
    expect((seq - 1) * big).toBeGreaterThan(quota.maxBytes - 2 * big);
  }, 120_000);

  test('a student starts as many attempts as the quiz allows, then is told why not', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const student = await launch(platform, { user: 'student-limit', role: 'learner', resource: resourceLinkId });
    const createUrl = student.page.url.replace(/\/take\?/, '/attempts?');
    for (let i = 0; i < 2; i++) {
      const created = await student.browser.request(createUrl, { json: { acknowledged: true } });
      expect(created.status).toBe(201);
      expect((await extensionCall(invigil, '/attempts/start', { startToken: (JSON.parse(created.body) as { startToken: string }).startToken })).status).toBe(201);
    }
    const third = await student.browser.request(createUrl, { json: { acknowledged: true } });
    expect(third.status).toBe(409);
    expect(JSON.parse(third.body).error.message).toBe('You have used all 2 proctored attempts this quiz allows. If you need another, ask your instructor.');
  });

  test('without the instructor\'s number, the LMS\'s own limit from the launch applies', async ({ lms: { invigil, platform } }) => {
    const { resourceLinkId } = await deepLinkQuiz(platform, { ...settings, maxAttempts: '', quizUrl: `${platform.issuer}/mod/quiz/view.php?id=7` });
    // As Canvas sends it with the custom field allowed_attempts=$Canvas.assignment.allowedAttempts.
    platform.resourceLinks.get(resourceLinkId)!.custom.allowed_attempts = '1';
    const student = await launch(platform, { user: 'student-lms-limit', role: 'learner', resource: resourceLinkId });
    const createUrl = student.page.url.replace(/\/take\?/, '/attempts?');
    const first = await student.browser.request(createUrl, { json: { acknowledged: true } });
    expect((await extensionCall(invigil, '/attempts/start', { startToken: (JSON.parse(first.body) as { startToken: string }).startToken })).status).toBe(201);
    const second = await student.browser.request(createUrl, { json: { acknowledged: true } });
    expect(second.status).toBe(409);
    expect(JSON.parse(second.body).error.message).toContain('all 1 proctored attempt this quiz allows');
  });
});
