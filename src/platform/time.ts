/**
 * Days are calendar days in Dutch (and Belgian) local time, never multiples of 24 hours: 91 days after 10 January
 * 12:00 is 11 April 12:00 local time — 91 × 24 h minus the hour the clocks went forward. The database computes the
 * same with amsterdam_add_days() (conflict-pairs migration); test/platform/calendar-days.test.ts checks that both
 * agree, also across the change of clocks.
 */
export const TIME_ZONE = 'Europe/Amsterdam';

const wallClockFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  era: 'short',
});

/** The local wall-clock time of an instant, written as if it were UTC (so that it can be shifted by whole days). */
function wallClockAsUtc(instant: number): number {
  return instant + offsetAt(instant);
}

function formattedOffset(instant: number): number {
  const fields = Object.fromEntries(wallClockFormat.formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
  // Years before 100 and before the common era must not become 19xx (Date.UTC's reading of a two-digit year).
  const year = fields.era === 'BC' ? 1 - Number(fields.year) : Number(fields.year);
  const wallClock = new Date(Date.UTC(2000, 0, 1));
  wallClock.setUTCFullYear(year, +fields.month! - 1, +fields.day!);
  wallClock.setUTCHours(+fields.hour!, +fields.minute!, +fields.second!, ((instant % 1000) + 1000) % 1000);
  return wallClock.getTime() - instant;
}

/**
 * In the time-zone data Node ships, Europe/Amsterdam changes its offset only on a whole UTC hour (checked hour by
 * hour for 1800–2300; before 1970 the zone follows Brussels), so the offset is the same for every instant of one
 * UTC hour: remembered per hour, because formatting is slow and planning asks several times per request. The
 * memory is bounded and simply starts over when full.
 */
const HOUR = 3_600_000;
const offsets = new Map<number, number>();

/** How far local time is ahead of UTC at an instant, in milliseconds (one or two hours for Europe/Amsterdam). */
function offsetAt(instant: number): number {
  const hour = Math.floor(instant / HOUR);
  let offset = offsets.get(hour);
  if (offset === undefined) {
    if (offsets.size >= 50_000) offsets.clear();
    offset = formattedOffset(hour * HOUR);
    offsets.set(hour, offset);
  }
  return offset;
}

const HALF_DAY = 43_200_000;

/**
 * The instant `days` calendar days after `date` at the same local time. A local time that does not exist on the
 * target day (the hour skipped in March) or exists twice (the hour repeated in October) is read as standard time
 * (winter time), as PostgreSQL does.
 */
export function addCalendarDays(date: Date, days: number): Date {
  const target = wallClockAsUtc(date.getTime()) + days * 86_400_000;
  const before = offsetAt(target - HALF_DAY);
  const after = offsetAt(target + HALF_DAY);
  if (before === after) return new Date(target - before);
  const fitting = [before, after].filter((offset) => wallClockAsUtc(target - offset) === target);
  return new Date(target - (fitting.length === 1 ? fitting[0]! : Math.min(before, after)));
}

const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day (YYYY-MM-DD) of an instant in Dutch time. */
export function calendarDay(date: Date): string {
  return dayFormat.format(date);
}

/** The first instant of a calendar day (YYYY-MM-DD) in Dutch time. */
export function startOfDutchDay(day: string): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const utcMidnight = Date.UTC(year, month - 1, date);
  // The clocks change at 02:00 or 03:00 local time, never around midnight: the offset at UTC midnight is the one.
  return new Date(utcMidnight - offsetAt(utcMidnight));
}

/** The promise's outcome, or a rejection with `message` when it has none within `ms` (the timer never holds the process). */
export function withTimeout<T>(promise: Promise<T>, ms: number, message = `no answer within ${ms} ms`): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref();
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
