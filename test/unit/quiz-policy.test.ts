// A quiz belongs to one course of one deployment; a quiz with no course belongs to nobody.
import { describe, expect, test } from 'vitest';
import type { LtiActor } from '../../lti-server/http/actors.ts';
import { coursePolicy } from '../../lti-server/policies/course.ts';
import { quizPolicy } from '../../lti-server/policies/quiz.ts';
import type { quizzes } from '../../models/schema.ts';

const actor = (over: Partial<LtiActor> = {}): LtiActor => ({
  kind: 'lti', launchId: 'l', userId: 'u', userName: null, role: 'learner', issuer: 'https://lms', clientId: 'c', deploymentId: 'd', contextId: 'course-1', ...over,
});
const quiz = (contextId: string | null) => ({ issuer: 'https://lms', clientId: 'c', deploymentId: 'd', contextId } as typeof quizzes.$inferSelect);

describe('quiz and course policies', () => {
  test('a quiz is taken and reviewed from its own course only', () => {
    expect(quizPolicy.take(actor(), quiz('course-1'))).toBe(true);
    expect(quizPolicy.take(actor({ contextId: 'course-2' }), quiz('course-1'))).toBe(false);
    expect(quizPolicy.review(actor({ role: 'instructor', deploymentId: 'other' }), quiz('course-1'))).toBe(false);
  });

  test('a quiz without a course is open to nobody, not to the whole deployment', () => {
    for (const contextId of ['course-1', null]) {
      expect(quizPolicy.take(actor({ contextId }), quiz(null))).toBe(false);
      expect(quizPolicy.review(actor({ role: 'instructor', contextId }), quiz(null))).toBe(false);
    }
  });

  test('quizzes are added by instructors inside a course', () => {
    const course = { issuer: 'https://lms', clientId: 'c', deploymentId: 'd' };
    expect(coursePolicy.addQuiz(actor({ role: 'instructor' }), { ...course, contextId: 'course-1' })).toBe(true);
    expect(coursePolicy.addQuiz(actor({ role: 'instructor', contextId: null }), { ...course, contextId: null })).toBe(false);
    expect(coursePolicy.addQuiz(actor(), { ...course, contextId: 'course-1' })).toBe(false);
  });
});

describe('attempts a student may start', () => {
  test('the instructor\'s number, else the LMS\'s limit from the launch, else the default', async () => {
    const { attemptLimit, defaultMaxAttempts, mostAttempts } = await import('../../models/contracts.ts');
    expect(attemptLimit(5, '1')).toBe(5);
    expect(attemptLimit(null, '2')).toBe(2);
    expect(attemptLimit(null, '-1')).toBe(mostAttempts); // Canvas: unlimited
    expect(attemptLimit(null, '1000')).toBe(mostAttempts);
    expect(attemptLimit(null, '$Canvas.assignment.allowedAttempts')).toBe(defaultMaxAttempts); // not substituted
    expect(attemptLimit(null, undefined)).toBe(defaultMaxAttempts);
  });
});
