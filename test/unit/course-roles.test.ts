// Which LTI roles grant rights over a course's attempts, recordings and flags (finding 2 of the trust review).
import { describe, expect, test } from 'vitest';
import { roleFromLti } from '../../lti-server/http/actors.ts';

const lis = 'http://purl.imsglobal.org/vocab/lis/v2';

const table: [string, string[], 'instructor' | 'learner'][] = [
  ['course instructor', [`${lis}/membership#Instructor`], 'instructor'],
  ['teaching assistant (Canvas sends the sub-role with its principal)', [`${lis}/membership#Instructor`, `${lis}/membership/Instructor#TeachingAssistant`], 'instructor'],
  ['teaching assistant sub-role alone', [`${lis}/membership/Instructor#TeachingAssistant`], 'instructor'],
  ['course administrator', [`${lis}/membership#Administrator`], 'instructor'],
  ['content developer', [`${lis}/membership#ContentDeveloper`], 'learner'],
  ['mentor', [`${lis}/membership#Mentor`], 'learner'],
  ['learner', [`${lis}/membership#Learner`], 'learner'],
  ['learner who is an instructor elsewhere in the institution', [`${lis}/membership#Learner`, `${lis}/institution/person#Instructor`], 'learner'],
  ['institution instructor role alone', [`${lis}/institution/person#Instructor`], 'learner'],
  ['institution administrator not enrolled in the course', [`${lis}/institution/person#Administrator`], 'learner'],
  ['system administrator not enrolled in the course', [`${lis}/system/person#Administrator`, `${lis}/system/person#SysAdmin`], 'learner'],
  ['learner who is also an LMS administrator', [`${lis}/membership#Learner`, `${lis}/institution/person#Administrator`, `${lis}/system/person#Administrator`], 'learner'],
  ['site administrator enrolled as teacher (Moodle)', [`${lis}/institution/person#Administrator`, `${lis}/membership#Instructor`, `${lis}/system/person#Administrator`], 'instructor'],
  ['a look-alike URI on another vocabulary', ['https://evil.example/membership#Instructor'], 'learner'],
  ['a short role name (LTI 1.1 style)', ['Instructor'], 'learner'],
  ['no roles', [], 'learner'],
];

describe('course rights from LTI roles', () => {
  test.each(table)('%s', (_, roles, expected) => {
    expect(roleFromLti(roles)).toBe(expected);
  });
});
