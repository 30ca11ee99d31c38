// The quiz gate's pure parts: which LMS quiz an address names, what the instructor is told, which LMS attempts no
// proctored attempt covered, and Moodle's form encoding.
import { describe, expect, it } from 'vitest';
import { canvasQuiz, gateState, lmsQuizKey, moodleCourseModule } from '../../models/lms-quiz.ts';
import { uncovered, uncoveredSubmissions } from '../../lti-server/gate/unproctored-attempts.ts';
import { moodleForm } from '../../lti-server/gate/moodle-web-services.ts';
import { newGatePassword } from '../../lti-server/gate/quiz-gates.ts';
import { redirectUriAllowed } from '../lti-platform/canvas/canvas.ts';

describe('lmsQuizKey', () => {
  it('names a Moodle quiz by site and course module, whatever else the address carries', () => {
    const key = 'https://moodle.example.edu/mod/quiz/view.php?id=42';
    expect(lmsQuizKey('https://Moodle.example.edu/mod/quiz/view.php?id=42#top')).toBe(key);
    expect(lmsQuizKey('https://moodle.example.edu/mod/quiz/view.php?forceview=1&id=42')).toBe(key);
    expect(lmsQuizKey('https://moodle.example.edu/mod/quiz/startattempt.php?cmid=42&sesskey=x')).toBe(key);
    expect(lmsQuizKey('https://lms.example.edu/moodle/mod/quiz/view.php?id=7')).toBe('https://lms.example.edu/moodle/mod/quiz/view.php?id=7');
    expect(moodleCourseModule(key)).toBe(42);
  });
  it('keeps any other address as it is, without its fragment', () => {
    expect(lmsQuizKey('https://canvas.example.edu/courses/3/quizzes/9#x')).toBe('https://canvas.example.edu/courses/3/quizzes/9');
    expect(moodleCourseModule('https://canvas.example.edu/courses/3/quizzes/9')).toBeUndefined();
  });
});

describe('gateState', () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 10, minute));
  it('is "not checked" before any proctored start', () => {
    expect(gateState({ passwordAcceptedAt: null, passwordRejectedAt: null, openedWithoutPasswordAt: null })).toEqual({ state: 'not_checked' });
  });
  it('follows the latest report: a password pasted after a refusal works at once, one removed later shows too', () => {
    expect(gateState({ passwordAcceptedAt: at(5), passwordRejectedAt: at(1), openedWithoutPasswordAt: null }).state).toBe('working');
    expect(gateState({ passwordAcceptedAt: at(1), passwordRejectedAt: null, openedWithoutPasswordAt: at(9) })).toEqual({ state: 'not_set_up', at: at(9) });
    expect(gateState({ passwordAcceptedAt: at(1), passwordRejectedAt: at(2), openedWithoutPasswordAt: null }).state).toBe('password_rejected');
  });
});

describe('uncoveredSubmissions (Canvas)', () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 10, minute));
  const submission = (id: string, userId: string, started: number | null, finished: number | null) => ({ id, userId, attempt: 1, state: 'complete', startedAt: started === null ? null : at(started), finishedAt: finished === null ? null : at(finished) });
  const proctored = (lmsUserId: string | null, from: number, to: number | null) => ({ userId: `lti-${lmsUserId}`, userName: 'Sam', lmsUserId, lmsAttemptId: null, startedAt: at(from), finishedAt: to === null ? null : at(to) });
  it('covers a Classic submission started inside a proctored attempt of the same Canvas user, never of another', () => {
    expect(uncoveredSubmissions([submission('1', '42', 3, 20), submission('2', '42', 45, 50)], [proctored('42', 0, 30)]).map((s) => s.id)).toEqual(['2']);
    expect(uncoveredSubmissions([submission('1', '43', 3, 20)], [proctored('42', 0, 30)]).map((s) => s.id)).toEqual(['1']);
    // A proctored attempt whose Canvas user is unknown covers nothing (it cannot be told apart).
    expect(uncoveredSubmissions([submission('1', '42', 3, 20)], [proctored(null, 0, 30)]).map((s) => s.id)).toEqual(['1']);
  });
  it('judges a New Quizzes submission by its submission time alone, a minute either side', () => {
    expect(uncoveredSubmissions([submission('1', '42', null, 31), submission('2', '42', null, 35)], [proctored('42', 0, 30)]).map((s) => s.id)).toEqual(['2']);
    expect(uncoveredSubmissions([submission('1', '42', null, 50)], [proctored('42', 0, null)], at(55))).toEqual([]);
  });
});

describe('uncovered', () => {
  const moodle = (id: number, startMinute: number) => ({ id, attempt: 1, state: 'finished' as const, timestart: Date.UTC(2026, 11, 1, 10, startMinute) / 1000, timefinish: 0 });
  const proctored = (lmsAttemptId: string | null, from: number, to: number | null) => ({
    userId: 's', userName: 'Sam', lmsUserId: null, lmsAttemptId, startedAt: new Date(Date.UTC(2026, 11, 1, 10, from)), finishedAt: to === null ? null : new Date(Date.UTC(2026, 11, 1, 10, to)),
  });
  it('matches by the Moodle attempt id the extension reported', () => {
    expect(uncovered([moodle(7, 3), moodle(8, 40)], [proctored('7', 0, 30)]).map((a) => a.id)).toEqual([8]);
    // An id that was reported is never matched by time instead.
    expect(uncovered([moodle(8, 5)], [proctored('7', 0, 30)]).map((a) => a.id)).toEqual([8]);
  });
  it('without a reported id, counts an LMS attempt started during the proctored attempt as covered', () => {
    expect(uncovered([moodle(7, 3), moodle(8, 40)], [proctored(null, 0, 30)]).map((a) => a.id)).toEqual([8]);
    expect(uncovered([moodle(7, 3)], [proctored(null, 0, null)], new Date(Date.UTC(2026, 11, 1, 11)))).toEqual([]);
  });
});

it('encodes nested parameters as Moodle reads them', () => {
  const form = moodleForm({ wsfunction: 'mod_quiz_save_overrides', data: { quizid: 3, overrides: [{ id: undefined, userid: '4', password: 'p' }] }, courseids: ['2'] });
  expect([...form]).toEqual([['wsfunction', 'mod_quiz_save_overrides'], ['data[quizid]', '3'], ['data[overrides][0][userid]', '4'], ['data[overrides][0][password]', 'p'], ['courseids[0]', '2']]);
});

it('makes long, random, paste-safe passwords', () => {
  const many = new Set(Array.from({ length: 200 }, newGatePassword));
  expect(many.size).toBe(200);
  for (const p of many) expect(p).toMatch(/^[A-Za-z0-9]{24}$/);
});

describe('canvasQuiz', () => {
  it('names a Classic quiz by its quiz id and a New Quiz by its assignment id, from any of their pages', () => {
    expect(canvasQuiz('https://school.instructure.com/courses/7/quizzes/42/take?user_id=3')).toEqual({ kind: 'classic', origin: 'https://school.instructure.com', courseId: '7', id: '42', key: 'https://school.instructure.com/courses/7/quizzes/42' });
    expect(canvasQuiz('https://school.instructure.com/courses/7/assignments/51')?.kind).toBe('new');
    expect(lmsQuizKey('https://school.instructure.com/courses/7/quizzes/42#top')).toBe('https://school.instructure.com/courses/7/quizzes/42');
  });
  it('is not a Canvas quiz without https, or on another path', () => {
    expect(canvasQuiz('http://school.instructure.com/courses/7/quizzes/42')).toBeUndefined();
    expect(canvasQuiz('https://school.instructure.com/courses/7/pages/quiz')).toBeUndefined();
    expect(canvasQuiz('https://moodle.example.edu/mod/quiz/view.php?id=4')).toBeUndefined();
  });
});

describe('the Canvas emulator\'s redirect-URI rule (as Canvas states it)', () => {
  it('takes a registered URI, or the same with its query as a subset, and nothing else', () => {
    expect(redirectUriAllowed('https://tool.example/lti', ['https://tool.example/lti'])).toBe(true);
    expect(redirectUriAllowed('https://tool.example/lti?a=1&b=2', ['https://tool.example/lti?a=1'])).toBe(true);
    expect(redirectUriAllowed('https://tool.example/lti?b=2', ['https://tool.example/lti?a=1'])).toBe(false);
    expect(redirectUriAllowed('https://tool.example/lti/other', ['https://tool.example/lti'])).toBe(false);
    expect(redirectUriAllowed('https://evil.example/lti', ['https://tool.example/lti'])).toBe(false);
  });
});
