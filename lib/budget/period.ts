/** Milliseconds in 24 hours; "days" of elapsed time (runway, forecast) are 24-hour spans, not local days. */
export const DAY_MS = 86_400_000;

/** Wall-clock fields of an instant in one time zone (month and day are 1-based). */
export interface LocalParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** A billing period: a calendar month in the account's time zone, `[start, end)`. */
export interface Period {
  /** `YYYY-MM` of the local month. */
  readonly key: string;
  readonly start: Date;
  /** Start of the next local month. */
  readonly end: Date;
}

/**
 * Calendar arithmetic in one IANA zone. Holds one `Intl.DateTimeFormat`, because building a formatter
 * costs far more than using one; callers create it once per evaluation (no module-level cache, so the
 * module stays free of mutable state).
 */
export interface ZonedCalendar {
  readonly timeZone: string;
  /** Wall-clock fields of `at` in the zone. */
  parts(at: Date): LocalParts;
  /**
   * First instant of the local date `year-month-day`; out-of-range fields roll over like `Date.UTC`
   * (day 0 is the last day of the previous month, month 13 is January of the next year).
   */
  startOfLocalDate(year: number, month: number, day: number): Date;
}

/** Builds the calendar of an IANA zone; throws RangeError for an unknown zone. */
export function zonedCalendar(timeZone: string): ZonedCalendar {
  let built: Intl.DateTimeFormat | undefined;
  const formatter = (): Intl.DateTimeFormat =>
    (built ??= new Intl.DateTimeFormat('en-US', {
      timeZone,
      // h23, not hour12:false: the latter prints midnight as "24" on some ICU versions.
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }));
  // UTC's wall clock is the Date's own UTC fields: no formatter needed. "UTC" itself (the budgets file's
  // default) is known without one, so a check of UTC accounts never starts ICU (~18 ms of a cold start); other
  // names of UTC are found by the formatter. Elsewhere the same few instants (now, month and day starts) are
  // asked for again and again by every account of the zone: remember them.
  const isUtc = timeZone === 'UTC' || formatter().resolvedOptions().timeZone === 'UTC';
  const parts = isUtc ? utcParts(formatter) : rememberedParts(formatter());

  // The local wall clock of an instant, encoded as if it were UTC (second precision).
  const wallMs = (at: Date): number => {
    const p = parts(at);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  };
  const offsetMs = (at: Date): number => wallMs(at) - Math.floor(at.getTime() / 1000) * 1000;

  const startOfLocalDate = (year: number, month: number, day: number): Date => {
    const target = Date.UTC(year, month - 1, day);
    const before = offsetMs(new Date(target - DAY_MS));
    const after = offsetMs(new Date(target + DAY_MS));
    // No offset change within a day either side (nearly always): local midnight is unambiguous.
    if (before === after) return new Date(target - before);
    // Of the candidates, the earliest one whose wall clock is not before local midnight is the day's
    // first instant: in an overlap that is the first midnight; in a gap at midnight it is the transition.
    const candidates = [target - before, target - offsetMs(new Date(target)), target - after];
    let best: number | undefined;
    for (const candidate of candidates) {
      if (wallMs(new Date(candidate)) >= target && (best === undefined || candidate < best)) best = candidate;
    }
    return new Date(best ?? target);
  };

  return { timeZone, parts, startOfLocalDate };
}

/** Wall-clock fields of an instant as the formatter prints them. */
function formattedParts(formatter: Intl.DateTimeFormat, at: Date): LocalParts {
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of formatter.formatToParts(at)) {
    const value = Number(part.value);
    switch (part.type) {
      case 'year':
        year = value;
        break;
      case 'month':
        month = value;
        break;
      case 'day':
        day = value;
        break;
      case 'hour':
        hour = value;
        break;
      case 'minute':
        minute = value;
        break;
      case 'second':
        second = value;
        break;
      default:
        break;
    }
  }
  return { year, month, day, hour, minute, second };
}

/** The last instant whose UTC fields equal what a UTC formatter prints (years 1970–9999). */
const UTC_FIELDS_UNTIL = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** UTC: the Date's own fields, which are what the formatter prints; anything outside plain years goes to one. */
function utcParts(formatter: () => Intl.DateTimeFormat): (at: Date) => LocalParts {
  return (at) => {
    const ms = at.getTime();
    if (!(ms >= 0 && ms <= UTC_FIELDS_UNTIL)) return formattedParts(formatter(), at);
    return {
      year: at.getUTCFullYear(),
      month: at.getUTCMonth() + 1,
      day: at.getUTCDate(),
      hour: at.getUTCHours(),
      minute: at.getUTCMinutes(),
      second: at.getUTCSeconds(),
    };
  };
}

/** Instants a calendar remembers before it starts over (a run asks for a handful per zone). */
const REMEMBERED_INSTANTS = 256;

/** The formatter's fields, remembered per instant (the answers are never changed by their readers). */
function rememberedParts(formatter: Intl.DateTimeFormat): (at: Date) => LocalParts {
  const known = new Map<number, LocalParts>();
  return (at) => {
    const ms = at.getTime();
    let found = known.get(ms);
    if (found === undefined) {
      found = formattedParts(formatter, at);
      if (known.size >= REMEMBERED_INSTANTS) known.clear();
      if (!Number.isNaN(ms)) known.set(ms, found);
    }
    return found;
  };
}

/** The local calendar month containing `now`, computed with a calendar built by `zonedCalendar`. */
export function periodIn(calendar: ZonedCalendar, now: Date): Period {
  const p = calendar.parts(now);
  return {
    key: `${p.year}-${pad2(p.month)}`,
    start: calendar.startOfLocalDate(p.year, p.month, 1),
    end: calendar.startOfLocalDate(p.year, p.month + 1, 1),
  };
}

/** The local date of `at` in a calendar, as `YYYY-MM-DD`. */
export function dayKeyIn(calendar: ZonedCalendar, at: Date): string {
  const p = calendar.parts(at);
  return `${p.year}-${pad2(p.month)}-${pad2(p.day)}`;
}

/** First instant of the local day `offsetDays` days after the one containing `at` (negative: before). */
export function startOfDayIn(calendar: ZonedCalendar, at: Date, offsetDays = 0): Date {
  const p = calendar.parts(at);
  return calendar.startOfLocalDate(p.year, p.month, p.day + offsetDays);
}

/** Days of full history the spike median needs before today. */
export const TRAILING_DAYS = 7;

/**
 * Days the burn rate looks back: a burst seen twice within two weeks recurs (a weekly batch) and is part
 * of the rate; seen once, it is a one-off.
 */
export const RATE_LOOKBACK_DAYS = 14;

/**
 * The ledger window a check must fetch: from the earlier of the period start and the start of the local
 * day 14 days before today (so the burn rate sees two whole weeks, and the spike median full days), to `now`.
 */
export function ledgerWindowIn(calendar: ZonedCalendar, now: Date): { from: Date; to: Date } {
  const periodStart = periodIn(calendar, now).start;
  const lookbackStart = startOfDayIn(calendar, now, -RATE_LOOKBACK_DAYS);
  return { from: periodStart < lookbackStart ? periodStart : lookbackStart, to: now };
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
