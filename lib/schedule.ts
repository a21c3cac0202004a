/** How often an account is checked when deployed, unless it sets `schedule`. */
export const DEFAULT_SCHEDULE = 'rate(1 hour)';

const MINUTE_MS = 60_000;
const DAY_MS = 1_440 * MINUTE_MS;
const UNIT_MS: Readonly<Record<string, number>> = { minute: MINUTE_MS, hour: 60 * MINUTE_MS, day: DAY_MS };
/** Days of runs a cron expression is unrolled over to find its longest gap (two months: monthly schedules too). */
const SPAN_DAYS = 62;
/** Used when a cron expression uses what `cronGapMs` does not read (L, W, #) or fires less than twice in the span. */
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

/** The longest gap between runs of a cron expression (UTC), unrolled over SPAN_DAYS from a fixed day. */
function cronGapMs(fields: readonly string[]): number {
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields;
  const minutes = values(minute, 0, 59);
  const hours = values(hour, 0, 23);
  const days = values(dayOfMonth, 1, 31);
  const months = values(month, 1, 12, MONTHS);
  // EventBridge numbers weekdays 1 (SUN) to 7 (SAT).
  const weekdays = values(dayOfWeek, 1, 7, WEEKDAYS);
  if (!minutes || !hours || !days || !months || !weekdays) return FALLBACK_MS;
  // July and August: 31-day months, so a monthly schedule shows its longest gap.
  const start = Date.UTC(2026, 6, 1);
  let previous: number | undefined;
  let longest = 0;
  for (let d = 0; d < SPAN_DAYS; d++) {
    const day = new Date(start + d * DAY_MS);
    if (!days.has(day.getUTCDate()) || !months.has(day.getUTCMonth() + 1) || !weekdays.has(day.getUTCDay() + 1)) continue;
    for (const h of [...hours].sort((a, b) => a - b)) {
      for (const m of [...minutes].sort((a, b) => a - b)) {
        const at = day.getTime() + (h * 60 + m) * MINUTE_MS;
        if (previous !== undefined) longest = Math.max(longest, at - previous);
        previous = at;
      }
    }
  }
  return longest > 0 ? longest : FALLBACK_MS;
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
