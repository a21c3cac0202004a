const MINUTE_MS = 60_000;
const UNIT_MS: Readonly<Record<string, number>> = { minute: MINUTE_MS, hour: 60 * MINUTE_MS, day: 1_440 * MINUTE_MS };

/**
 * How often an EventBridge schedule expression fires, in milliseconds: exact for `rate(…)`; for
 * `cron(…)`, the period its fields imply (every N minutes, hourly, daily; weekly or monthly when the
 * day fields are restricted). Used to tell when an account's last good figures are stale.
 */
export function scheduleIntervalMs(expression: string): number {
  const rate = /^rate\(\s*(\d+)\s+(minute|hour|day)s?\s*\)$/.exec(expression.trim());
  if (rate) return Number(rate[1]) * UNIT_MS[rate[2]!]!;
  const cron = /^cron\(\s*(.+?)\s*\)$/.exec(expression.trim());
  const [minute, hour, dayOfMonth, , dayOfWeek] = cron?.[1]?.split(/\s+/) ?? [];
  if (minute === undefined) return UNIT_MS.day!;
  const step = /^(?:\*|\d+)\/(\d+)$/.exec(minute);
  if (hour === '*' && step) return Number(step[1]) * MINUTE_MS;
  if (hour === '*') return UNIT_MS.hour!;
  const restricted = (field: string | undefined) => field !== undefined && field !== '*' && field !== '?';
  if (restricted(dayOfMonth)) return 31 * UNIT_MS.day!;
  if (restricted(dayOfWeek)) return 7 * UNIT_MS.day!;
  return UNIT_MS.day!;
}
