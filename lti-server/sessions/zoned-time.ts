// A proctor schedules in their own wall clock: "2026-12-09T10:00" in America/New_York is an instant; and back again
// for the form and the pages.
import { localTime } from '../../models/session-profiles.ts';

const asUtcMinutes = (date: string, minute: number) => Date.parse(`${date}T00:00:00Z`) + minute * 60_000;

/** The instant a wall-clock time (YYYY-MM-DDTHH:MM) names in a time zone (a time skipped by the clock moves forward). */
export function zonedToUtc(local: string, timeZone: string): Date {
  const wanted = Date.parse(`${local}:00Z`);
  let guess = wanted;
  // The zone's offset at the guess, applied; twice, for a guess on the other side of a clock change.
  for (let i = 0; i < 2; i++) {
    const seen = localTime(new Date(guess), timeZone);
    guess -= asUtcMinutes(seen.date, seen.minute) - wanted;
  }
  return new Date(guess);
}

/** The wall-clock time (YYYY-MM-DDTHH:MM) of an instant in a time zone. */
export function utcToZoned(at: Date, timeZone: string): string {
  const { date, minute } = localTime(at, timeZone);
  return `${date}T${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}
