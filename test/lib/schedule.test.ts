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
    // The last day of the month: January 31 to February 28 is 28 days, February 28 to March 31 is 31.
    ['cron(0 8 L * ? *)', 31 * DAY],
    // The weekday nearest the 1st: Wednesday December 1, 2027, then Monday January 3, 2028 (January 1 is a Saturday).
    ['cron(0 9 1W * ? *)', 33 * DAY],
    // The last weekday: Friday February 26, 2027 (the 28th is a Sunday), then Wednesday March 31.
    ['cron(0 9 LW * ? *)', 33 * DAY],
    // The first Monday, the last Friday of the month: five weeks apart at most.
    ['cron(0 9 ? * 2#1 *)', 35 * DAY],
    ['cron(0 9 ? * MON#1 *)', 35 * DAY],
    ['cron(0 9 ? * 6L *)', 35 * DAY],
    // L alone in day-of-week: Saturday.
    ['cron(0 9 ? * L *)', 7 * DAY],
    // Quarterly and yearly: the longest quarter (92 days); a leap year.
    ['cron(0 6 1 1,4,7,10 ? *)', 92 * DAY],
    ['cron(0 0 1 1 ? *)', 366 * DAY],
    ['cron(0 0 1 6 ? *)', 366 * DAY],
    // Once in three years, or never: at least three years (2027 to 2029).
    ['cron(0 0 29 2 ? *)', 1_096 * DAY],
    ['cron(0 0 30 2 ? *)', 1_096 * DAY],
    // What it does not read falls back to a month.
    ['cron(0 8 L-3 * ? *)', 31 * DAY],
    ['cron(0 8 32W * ? *)', 31 * DAY],
  ])('%s may go %d ms between runs', (expression, ms) => {
    expect(scheduleIntervalMs(expression)).toBe(ms);
  });
});
