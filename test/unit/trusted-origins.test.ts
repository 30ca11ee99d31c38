// Which origins the extension trusts: IT's policy replaces the student's approvals; only http(s) origins count.
import { describe, expect, test } from 'vitest';
import { matchPatterns, trustFrom } from '../../extension/trust/approved-origins.ts';
import { originOf } from '../../models/origins.ts';

describe('trusted origins', () => {
  test('an origin is the scheme, host and port of an http(s) URL, nothing else', () => {
    expect(originOf('https://proctor.example.edu/app/take?x=1')).toBe('https://proctor.example.edu');
    expect(originOf('http://localhost:3000/')).toBe('http://localhost:3000');
    expect(originOf('chrome-extension://abc/popup.html')).toBeUndefined();
    expect(originOf('javascript:alert(1)')).toBeUndefined();
    expect(originOf('not a url')).toBeUndefined();
    expect(originOf(undefined)).toBeUndefined();
  });

  test('without a policy, the student\'s approvals are in force', () => {
    expect(trustFrom(undefined, { 'https://a.example': { approvedAt: 1 } })).toEqual({ source: 'student', origins: ['https://a.example'] });
  });

  test('a policy replaces the student\'s approvals, even an empty one', () => {
    const approvals = { 'https://student-chose.example': { approvedAt: 1 } };
    expect(trustFrom(['https://proctor.example.edu/', 'https://proctor.example.edu', 'ftp://x', 42], approvals))
      .toEqual({ source: 'policy', origins: ['https://proctor.example.edu'] });
    expect(trustFrom([], approvals)).toEqual({ source: 'policy', origins: [] });
  });

  test('stored approvals that are not clean origins are ignored', () => {
    expect(trustFrom(undefined, { 'https://a.example/path': { approvedAt: 1 }, '<all_urls>': { approvedAt: 1 } }).origins).toEqual([]);
  });

  test('match patterns name hosts (patterns cannot carry ports portably), once each', () => {
    expect(matchPatterns(['http://localhost:3000', 'http://localhost:4000', 'https://proctor.example.edu']))
      .toEqual(['http://localhost/*', 'https://proctor.example.edu/*']);
  });
});
