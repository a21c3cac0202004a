import { describe, expect, it } from 'vitest';
import { scheduleIntervalMs } from '../../lib/schedule.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('scheduleIntervalMs', () => {
  it.each([
    ['rate(1 hour)', HOUR],
    ['rate(15 minutes)', 15 * MIN],
    ['rate(1 minute)', MIN],
    ['rate(2 days)', 2 * DAY],
    ['cron(0 8 * * ? *)', DAY],
    ['cron(0/15 * * * ? *)', 15 * MIN],
    ['cron(0 * * * ? *)', HOUR],
    // Weekday business hours: quiet from Friday 19:30 to Monday 07:00.
    ['cron(0/30 7-19 ? * MON-FRI *)', 59.5 * HOUR],
    ['cron(0 9 ? * 2 *)', 7 * DAY],
    ['cron(0 6 1 * ? *)', 31 * DAY],
    ['cron(0 8,20 * * ? *)', 12 * HOUR],
    // What it does not read (last day of the month) falls back to a month.
    ['cron(0 8 L * ? *)', 31 * DAY],
  ])('%s may go %d ms between runs', (expression, ms) => {
    expect(scheduleIntervalMs(expression)).toBe(ms);
  });
});
