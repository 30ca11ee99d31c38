// The NCCER profile's rules and the enrollment code, without a server: the Eastern-time window across daylight saving,
// the auditor's 24 counted hours skipping weekends and holidays, the 15 test-takers, the recording; the proctor's time
// zone; the participants CSV.
import { describe, expect, it } from 'vitest';
import { auditorDeadline, checkSession, countedHours, localTime, nccerProfile, type SessionPlan } from '../../models/session-profiles.ts';
import { enrollmentCodePattern, newEnrollmentCode } from '../../models/sessions.ts';
import { utcToZoned, zonedToUtc } from '../../lti-server/sessions/zoned-time.ts';
import { readParticipantCsv } from '../../lti-server/sessions/enrollment.ts';

const eastern = 'America/New_York';
// Wednesday 9 December 2026, 10:00 Eastern (EST, UTC−5).
const wednesday10 = new Date('2026-12-09T15:00:00Z');
const plan = (over: Partial<SessionPlan> = {}): SessionPlan => ({ startsAt: wednesday10, durationMinutes: 90, maxUsers: 15, recorded: true, auditorInvitedAt: null, ...over });
const rules = (list: { rule: string }[]) => list.map((r) => r.rule);

describe('the NCCER profile', () => {
  it('accepts a weekday session in the window, planned days ahead, with 15 seats', () => {
    expect(checkSession(nccerProfile, plan(), 'schedule', new Date('2026-12-04T15:00:00Z'))).toEqual([]);
  });

  it('refuses a 16th seat, and says the limit', () => {
    const [refusal] = checkSession(nccerProfile, plan({ maxUsers: 16 }), 'schedule', new Date('2026-12-04T15:00:00Z'));
    expect(refusal.rule).toBe('max_test_takers');
    expect(refusal.message).toContain('at most 15');
  });

  it('refuses a Saturday, an early start and a session running past 21:00 Eastern', () => {
    const now = new Date('2026-12-01T15:00:00Z');
    expect(rules(checkSession(nccerProfile, plan({ startsAt: new Date('2026-12-12T15:00:00Z') }), 'schedule', now))).toEqual(['session_window']);
    expect(checkSession(nccerProfile, plan({ startsAt: new Date('2026-12-12T15:00:00Z') }), 'schedule', now)[0].message).toMatch(/Saturday 2026-12-12 from 10:00/);
    expect(rules(checkSession(nccerProfile, plan({ startsAt: new Date('2026-12-09T11:30:00Z') }), 'schedule', now))).toEqual(['session_window']); // 6:30 EST
    expect(rules(checkSession(nccerProfile, plan({ startsAt: new Date('2026-12-10T01:00:00Z'), durationMinutes: 90 }), 'schedule', now))).toEqual(['session_window']); // 20:00–21:30
    expect(checkSession(nccerProfile, plan({ startsAt: new Date('2026-12-10T00:30:00Z'), durationMinutes: 30 }), 'schedule', now)).toEqual([]); // 19:30–20:00
  });

  it('reads the window in Eastern time on both sides of daylight saving', () => {
    // 7:00 EDT in July is 11:00 UTC; 7:00 EST in December is 12:00 UTC.
    expect(localTime(new Date('2026-07-15T11:00:00Z'), eastern)).toEqual({ date: '2026-07-15', weekday: 3, minute: 7 * 60 });
    expect(localTime(new Date('2026-12-09T12:00:00Z'), eastern)).toEqual({ date: '2026-12-09', weekday: 3, minute: 7 * 60 });
    const july = plan({ startsAt: new Date('2026-07-15T11:00:00Z'), durationMinutes: 60 });
    expect(checkSession(nccerProfile, july, 'schedule', new Date('2026-07-01T00:00:00Z'))).toEqual([]);
  });

  it('refuses a session that is not recorded', () => {
    expect(rules(checkSession(nccerProfile, plan({ recorded: false }), 'schedule', new Date('2026-12-01T00:00:00Z')))).toEqual(['recording_required']);
  });

  it('counts the auditor notice without weekends and holidays', () => {
    // Friday 12:00 to Monday 12:00 Eastern: only Friday's 12 hours and Monday's 12 hours count.
    expect(countedHours(new Date('2026-12-11T17:00:00Z'), new Date('2026-12-14T17:00:00Z'), eastern)).toBe(24);
    // A Monday session at 10:00 needs the invitation by the Friday before at 10:00.
    const monday10 = new Date('2026-12-14T15:00:00Z');
    expect(auditorDeadline(monday10, 24, eastern).toISOString()).toBe('2026-12-11T15:00:00.000Z');
    // With that Friday a holiday, by Thursday 10:00.
    expect(auditorDeadline(monday10, 24, eastern, ['2026-12-11']).toISOString()).toBe('2026-12-10T15:00:00.000Z');
    // Across the autumn clock change (Sunday 1 November 2026): still 24 counted hours, Friday 10:00 EDT.
    expect(auditorDeadline(new Date('2026-11-02T15:00:00Z'), 24, eastern).toISOString()).toBe('2026-10-30T14:00:00.000Z');
  });

  it('refuses to schedule a session too soon to invite the auditor, and to start one whose auditor was not invited in time', () => {
    const monday10 = new Date('2026-12-14T15:00:00Z');
    // Scheduled on the Saturday before: the Friday deadline has passed.
    const late = checkSession(nccerProfile, plan({ startsAt: monday10 }), 'schedule', new Date('2026-12-12T15:00:00Z'));
    expect(rules(late)).toEqual(['auditor_notice']);
    expect(late[0].message).toContain('2026-12-11 15:00 UTC');
    expect(rules(checkSession(nccerProfile, plan({ startsAt: monday10 }), 'start', monday10))).toEqual(['auditor_notice']);
    expect(rules(checkSession(nccerProfile, plan({ startsAt: monday10, auditorInvitedAt: new Date('2026-12-11T16:00:00Z') }), 'start', monday10))).toEqual(['auditor_notice']);
    expect(checkSession(nccerProfile, plan({ startsAt: monday10, auditorInvitedAt: new Date('2026-12-11T14:00:00Z') }), 'start', monday10)).toEqual([]);
  });
});

describe('enrollment codes', () => {
  it('are 8 letters and digits, mixed case, and differ', () => {
    const codes = Array.from({ length: 500 }, () => newEnrollmentCode());
    for (const code of codes) {
      expect(code).toMatch(enrollmentCodePattern);
      expect(code).toMatch(/[0-9]/);
      expect(code).toMatch(/[A-Z]/);
      expect(code).toMatch(/[a-z]/);
      expect(code).not.toMatch(/[0O1lI5S2Z]/);
    }
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('are checked for 6 to 8 characters', () => {
    expect('Ab3dE6').toMatch(enrollmentCodePattern);
    expect('Ab3dE').not.toMatch(enrollmentCodePattern);
    expect('Ab3dE6gH9').not.toMatch(enrollmentCodePattern);
    expect('Ab3-E6').not.toMatch(enrollmentCodePattern);
  });
});

describe('scheduling in the proctor\'s time zone', () => {
  it('turns a wall-clock time into the instant, on both sides of daylight saving, and back', () => {
    expect(zonedToUtc('2026-12-09T10:00', eastern).toISOString()).toBe('2026-12-09T15:00:00.000Z');
    expect(zonedToUtc('2026-07-15T10:00', eastern).toISOString()).toBe('2026-07-15T14:00:00.000Z');
    expect(zonedToUtc('2026-11-02T10:00', eastern).toISOString()).toBe('2026-11-02T15:00:00.000Z'); // the day after the change
    expect(zonedToUtc('2026-12-09T10:00', 'UTC').toISOString()).toBe('2026-12-09T10:00:00.000Z');
    expect(utcToZoned(new Date('2026-07-15T14:00:00Z'), eastern)).toBe('2026-07-15T10:00');
  });
});

describe('the participants CSV', () => {
  it('reads quoted cells, skips the header and says why a row is refused', () => {
    const { rows, refused } = readParticipantCsv('\uFEFFname,email,lms_user_id\r\n"Hopper, Grace",GRACE@example.edu,\r\n"Say ""Hi""",,u-1\r\n,a@b.edu,\r\nX,,bad id\r\nY,y@example.edu,1,extra\r\n');
    expect(rows).toEqual([
      { line: 2, name: 'Hopper, Grace', email: 'grace@example.edu', lmsUserId: null },
      { line: 3, name: 'Say "Hi"', email: null, lmsUserId: 'u-1' },
    ]);
    expect(refused.map((r) => [r.line, r.reason])).toEqual([
      [4, 'No name.'],
      [5, '"bad id" is not an LMS user id (letters, digits and . _ - : @).'],
      [6, 'More than three columns: name, email, LMS user id.'],
    ]);
  });
});
