// Policy profiles: the rules a programme sets for its proctored sessions, checked when a session is scheduled, when a
// student joins and when it starts. Pure functions of the session and the clock, so each rule reads (and tests) alone.
// The NCCER profile comes from NCCER's remote proctoring rules (seeds/000): at most 15 test-takers, Monday–Friday
// 07:00–21:00 Eastern, the NCCER auditor invited 24 hours ahead (weekends and holidays not counted), every session
// recorded, the recording delivered within 24 hours, the proctor's script followed.

export type PolicyProfile = {
  key: string;
  name: string;
  maxTestTakers?: number;
  /** When sessions may run: local weekdays (1 = Monday … 7 = Sunday) and hours, in a time zone. */
  window?: { timeZone: string; weekdays: number[]; fromMinute: number; toMinute: number; label: string };
  /** The auditor must be invited this many counted hours before the start (weekends and holidays not counted). */
  auditorNoticeHours?: number;
  recordingRequired?: boolean;
  /** The session's recordings and log go to the auditor within this many hours of its end. */
  deliveryHours?: number;
  /** The proctor's script: what the proctor ticks on the dashboard, with the time. */
  checklist: string[];
};

export const noProfile: PolicyProfile = { key: 'none', name: 'No programme rules', checklist: [] };

export const nccerProfile: PolicyProfile = {
  key: 'nccer',
  name: 'NCCER remote proctoring',
  maxTestTakers: 15,
  window: { timeZone: 'America/New_York', weekdays: [1, 2, 3, 4, 5], fromMinute: 7 * 60, toMinute: 21 * 60, label: 'Monday to Friday, 7:00 am to 9:00 pm Eastern time' },
  auditorNoticeHours: 24,
  recordingRequired: true,
  deliveryHours: 24,
  checklist: [
    "Confirmed each test-taker's identification",
    'Read the NCCER Remote Proctoring Script aloud',
    'Reminded test-takers: closed book, only NCCER-approved reference materials',
    'Confirmed no cell phone is used for testing',
  ],
};

export const policyProfiles: Record<string, PolicyProfile> = { none: noProfile, nccer: nccerProfile };

/** What a rule is checked against: the session as scheduled, and what is known when the check runs. */
export type SessionPlan = {
  startsAt: Date;
  durationMinutes: number;
  maxUsers: number;
  recorded: boolean;
  auditorInvitedAt?: Date | null;
};
export type Refusal = { rule: string; message: string };

type Local = { date: string; weekday: number; minute: number };

/** The wall clock in a time zone: its date (YYYY-MM-DD), ISO weekday and minute of the day. */
export function localTime(at: Date, timeZone: string): Local {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(at).map((p) => [p.type, p.value]));
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday) + 1;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, weekday, minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

/** The local midnight that begins the day `at` falls in (found by the local clock: days of 23 or 25 hours come out right). */
function startOfDay(at: Date, timeZone: string): Date {
  const { date, minute } = localTime(at, timeZone);
  let t = at.getTime() - minute * 60_000 - (at.getTime() % 60_000);
  while (localTime(new Date(t), timeZone).date !== date) t += 3_600_000;
  while (localTime(new Date(t - 60_000), timeZone).date === date) t -= 3_600_000;
  return new Date(t);
}

const counts = (day: Date, timeZone: string, holidays: string[]) => {
  const local = localTime(day, timeZone);
  return local.weekday <= 5 && !holidays.includes(local.date);
};

/** Hours between two instants, leaving out Saturdays, Sundays and the listed holidays (local dates in the zone). */
export function countedHours(from: Date, to: Date, timeZone: string, holidays: string[] = []): number {
  let counted = 0;
  // Walk back from `to`, a local day at a time.
  for (let t = to; t > from;) {
    const dayStart = startOfDay(new Date(t.getTime() - 1), timeZone);
    const begin = Math.max(from.getTime(), dayStart.getTime());
    if (counts(dayStart, timeZone, holidays)) counted += t.getTime() - begin;
    t = new Date(begin);
  }
  return counted / 3_600_000;
}

/** The latest moment the auditor can be invited for a session starting at `startsAt`. */
export function auditorDeadline(startsAt: Date, hours: number, timeZone: string, holidays: string[] = []): Date {
  let remaining = hours * 3_600_000;
  for (let t = startsAt; ;) {
    const dayStart = startOfDay(new Date(t.getTime() - 1), timeZone);
    if (counts(dayStart, timeZone, holidays)) {
      if (t.getTime() - dayStart.getTime() >= remaining) return new Date(t.getTime() - remaining);
      remaining -= t.getTime() - dayStart.getTime();
    }
    t = dayStart;
  }
}

const clock = (minute: number) => `${Math.floor(minute / 60)}:${String(minute % 60).padStart(2, '0')}`;

/**
 * The rules a session as planned breaks. `stage`: 'schedule' (can the auditor still be invited in time?), 'start'
 * (was the auditor invited in time?). `now` is the check's clock.
 */
export function checkSession(profile: PolicyProfile, plan: SessionPlan, stage: 'schedule' | 'start', now: Date, holidays: string[] = []): Refusal[] {
  const refusals: Refusal[] = [];
  if (profile.maxTestTakers !== undefined && plan.maxUsers > profile.maxTestTakers) {
    refusals.push({ rule: 'max_test_takers', message: `${profile.name} allows at most ${profile.maxTestTakers} test-takers per session; this one allows ${plan.maxUsers}.` });
  }
  if (profile.window) {
    const { timeZone, weekdays, fromMinute, toMinute, label } = profile.window;
    const start = localTime(plan.startsAt, timeZone);
    const end = localTime(new Date(plan.startsAt.getTime() + plan.durationMinutes * 60_000), timeZone);
    const inside = weekdays.includes(start.weekday) && start.minute >= fromMinute && start.date === end.date && end.minute <= toMinute;
    if (!inside) {
      const day = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'][start.weekday];
      refusals.push({ rule: 'session_window', message: `${profile.name} sessions run ${label}; this one runs ${day} ${start.date} from ${clock(start.minute)} to ${clock(end.minute)} (${timeZone}).` });
    }
  }
  if (profile.recordingRequired && !plan.recorded) {
    refusals.push({ rule: 'recording_required', message: `${profile.name} requires every session to be recorded: turn on the webcam recording in the quiz's proctoring settings.` });
  }
  if (profile.auditorNoticeHours !== undefined) {
    const timeZone = profile.window?.timeZone ?? 'UTC';
    const deadline = auditorDeadline(plan.startsAt, profile.auditorNoticeHours, timeZone, holidays);
    const invited = plan.auditorInvitedAt ?? null;
    if (stage === 'schedule' && !invited && now > deadline) {
      refusals.push({ rule: 'auditor_notice', message: `${profile.name} requires the auditor to be invited ${profile.auditorNoticeHours} hours before the session (weekends and holidays not counted): for this start that was by ${deadline.toISOString().slice(0, 16).replace('T', ' ')} UTC. Choose a later start.` });
    }
    if (invited && invited > deadline) {
      refusals.push({ rule: 'auditor_notice', message: `The auditor was invited at ${invited.toISOString().slice(0, 16).replace('T', ' ')} UTC, after the deadline of ${deadline.toISOString().slice(0, 16).replace('T', ' ')} UTC (${profile.auditorNoticeHours} hours ahead, weekends and holidays not counted).` });
    }
    if (stage === 'start' && !invited) {
      refusals.push({ rule: 'auditor_notice', message: `${profile.name} requires an invited auditor: this session has none, so it cannot start.` });
    }
  }
  return refusals;
}
