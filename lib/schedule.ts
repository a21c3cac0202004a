/** How often an account is checked when deployed, unless it sets `schedule`. */
export const DEFAULT_SCHEDULE = 'rate(1 hour)';

const MINUTE_MS = 60_000;
const DAY_MS = 1_440 * MINUTE_MS;
const UNIT_MS: Readonly<Record<string, number>> = { minute: MINUTE_MS, hour: 60 * MINUTE_MS, day: DAY_MS };
/**
 * Months a cron expression is unrolled over to find its longest gap: 2027 to 2029, so that a yearly schedule
 * fires three times, once across February 29, 2028.
 */
const SPAN_START_YEAR = 2027;
const SPAN_MONTHS = 36;
/** The span's length. */
const SPAN_MS = Date.UTC(SPAN_START_YEAR, SPAN_MONTHS, 1) - Date.UTC(SPAN_START_YEAR, 0, 1);
/** Used for what `cronGapMs` cannot read: a month. */
const FALLBACK_MS = 31 * DAY_MS;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/**
 * How long an EventBridge schedule may go between two runs, in milliseconds: the rate of `rate(…)`;
 * for `cron(…)`, the longest gap between consecutive runs (a weekday business-hours schedule is quiet
 * all weekend, and that is not "late"). Used to tell when an account's last good figures are stale,
 * and when a schedule group has stopped running.
 */
export function scheduleIntervalMs(expression: string): number {
  const rate = /^rate\(\s*(\d+)\s+(minute|hour|day)s?\s*\)$/.exec(expression.trim());
  if (rate) return Number(rate[1]) * UNIT_MS[rate[2]!]!;
  const cron = /^cron\(\s*(.+?)\s*\)$/.exec(expression.trim());
  return cron ? cronGapMs(cron[1]!.split(/\s+/)) : FALLBACK_MS;
}

/** A calendar day as the day fields read it. */
interface CalendarDay {
  readonly day: number;
  /** 1 (SUN) to 7 (SAT), as EventBridge numbers them. */
  readonly weekday: number;
  readonly daysInMonth: number;
}

/**
 * The longest gap between runs of a cron expression (UTC; the year field is not read), unrolled over the
 * span a day at a time: every run day has the same times, so the gaps are the longest one within a day and
 * those from a run day's last run to the next run day's first.
 */
function cronGapMs(fields: readonly string[]): number {
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields;
  const minutes = values(minute, 0, 59);
  const hours = values(hour, 0, 23);
  const months = values(month, 1, 12, MONTHS);
  const dayMatches = dayOfMonthTest(dayOfMonth);
  const weekdayMatches = dayOfWeekTest(dayOfWeek);
  if (!minutes || !hours || !months || !dayMatches || !weekdayMatches) return FALLBACK_MS;
  const times = [...hours].flatMap((h) => [...minutes].map((m) => (h * 60 + m) * MINUTE_MS)).sort((a, b) => a - b);
  let longest = times.reduce((gap, at, i) => (i === 0 ? gap : Math.max(gap, at - times[i - 1]!)), 0);
  let lastRun: number | undefined;
  let runDays = 0;
  // Month by month, the days by arithmetic: no Date per day (this runs for every account of every check).
  for (let m = 0; m < SPAN_MONTHS; m++) {
    const monthStart = Date.UTC(SPAN_START_YEAR, m, 1);
    if (!months.has((m % 12) + 1)) continue;
    const daysInMonth = new Date(Date.UTC(SPAN_START_YEAR, m + 1, 0)).getUTCDate();
    const firstWeekday = new Date(monthStart).getUTCDay();
    for (let day = 1; day <= daysInMonth; day++) {
      const date: CalendarDay = { day, weekday: ((firstWeekday + day - 1) % 7) + 1, daysInMonth };
      if (!dayMatches(date) || !weekdayMatches(date)) continue;
      const at = monthStart + (day - 1) * DAY_MS;
      if (lastRun !== undefined) longest = Math.max(longest, at + times[0]! - lastRun);
      lastRun = at + times[times.length - 1]!;
      runDays++;
    }
  }
  // On one day or none in three years (February 29, or 30): it may go at least that long.
  return runDays > 1 ? longest : SPAN_MS;
}

/** Day-of-month: `?`, `*`, numbers, ranges, steps, `L` (the last day), `LW` (the last weekday), `nW` (the weekday nearest day n). */
function dayOfMonthTest(field: string | undefined): ((date: CalendarDay) => boolean) | undefined {
  if (field === undefined) return undefined;
  if (field === 'L') return ({ day, daysInMonth }) => day === daysInMonth;
  if (field === 'LW') return (date) => date.day === nearestWeekday(date.daysInMonth, date);
  const near = /^(\d{1,2})W$/.exec(field);
  if (near) {
    const target = Number(near[1]);
    return target >= 1 && target <= 31 ? (date) => target <= date.daysInMonth && date.day === nearestWeekday(target, date) : undefined;
  }
  const days = values(field, 1, 31);
  return days && (({ day }) => days.has(day));
}

/** The weekday (MON–FRI) of the month nearest its day `target`, never in another month. */
function nearestWeekday(target: number, { day, weekday, daysInMonth }: CalendarDay): number {
  const targetWeekday = ((((weekday - 1 + target - day) % 7) + 7) % 7) + 1;
  if (targetWeekday === 7) return target === 1 ? target + 2 : target - 1;
  if (targetWeekday === 1) return target === daysInMonth ? target - 2 : target + 1;
  return target;
}

/** Day-of-week: `?`, `*`, numbers, names, ranges, `L` (SAT), `nL` (the month's last weekday n), `n#k` (its k-th weekday n). */
function dayOfWeekTest(field: string | undefined): ((date: CalendarDay) => boolean) | undefined {
  if (field === undefined) return undefined;
  if (field === 'L') return ({ weekday }) => weekday === 7;
  const special = /^([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)(L|#([1-5]))$/i.exec(field);
  if (special) {
    const wanted = values(special[1], 1, 7, WEEKDAYS)!.values().next().value!;
    const nth = special[3] === undefined ? undefined : Number(special[3]);
    return ({ day, weekday, daysInMonth }) => weekday === wanted && (nth === undefined ? day + 7 > daysInMonth : Math.ceil(day / 7) === nth);
  }
  const weekdays = values(field, 1, 7, WEEKDAYS);
  return weekdays && (({ weekday }) => weekdays.has(weekday));
}

/** The values a cron field allows (`*`, `?`, numbers, names, ranges, lists, steps); undefined for what it cannot read. */
function values(field: string | undefined, min: number, max: number, names: readonly string[] = []): Set<number> | undefined {
  if (field === undefined) return undefined;
  const allowed = new Set<number>();
  const number = (text: string): number => {
    const named = names.indexOf(text.toUpperCase());
    return named >= 0 ? named + min : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  };
  for (const part of field.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    const [from, to] = range === '*' || range === '?' ? [min, max] : range.includes('-') ? range.split('-').map(number) : [number(range), stepText === undefined ? number(range) : max];
    if (from === undefined || to === undefined || ![from, to, step].every(Number.isInteger) || step < 1 || from < min || to > max) return undefined;
    for (let v = from; v <= to; v += step) allowed.add(v);
  }
  return allowed;
}
