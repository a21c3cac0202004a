import { describe, expect, it } from 'vitest';
import { dayKey, ledgerWindow, periodOf, startOfDay } from '../../../lib/budget/period.js';
import { at, DAY, HOUR } from './fixtures.js';

describe('periodOf', () => {
  it('is the UTC calendar month, ending at the start of the next one', () => {
    // Prepare
    const now = at('2026-11-15T12:00:00Z');

    // Act
    const period = periodOf(now, 'UTC');

    // Assess
    expect(period.key).toBe('2026-11');
    expect(period.start.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(period.end.toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });

  it('switches month exactly at midnight UTC, including across a year end', () => {
    // Prepare
    const lastMs = at('2026-12-31T23:59:59.999Z');
    const first = at('2027-01-01T00:00:00.000Z');

    // Act
    const before = periodOf(lastMs, 'UTC');
    const after = periodOf(first, 'UTC');

    // Assess
    expect(before.key).toBe('2026-12');
    expect(before.end.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(after.key).toBe('2027-01');
    expect(after.start.getTime()).toBe(first.getTime());
  });

  it('follows local midnight in Los Angeles across the November DST change (a 30-day-and-1-hour month)', () => {
    // Prepare: 2026-11-01 is the Sunday DST ends, so the month starts on PDT and ends on PST.
    const lastOctoberMinute = at('2026-11-01T06:59:00Z'); // 23:59 PDT on Oct 31
    const firstNovemberMinute = at('2026-11-01T07:00:00Z'); // 00:00 PDT on Nov 1

    // Act
    const october = periodOf(lastOctoberMinute, 'America/Los_Angeles');
    const november = periodOf(firstNovemberMinute, 'America/Los_Angeles');

    // Assess
    expect(october.key).toBe('2026-10');
    expect(november.key).toBe('2026-11');
    expect(november.start.toISOString()).toBe('2026-11-01T07:00:00.000Z');
    expect(november.end.toISOString()).toBe('2026-12-01T08:00:00.000Z');
    expect(november.end.getTime() - november.start.getTime()).toBe(30 * DAY + HOUR);
  });

  it('gives the March month in Los Angeles one hour less than 31 days (DST starts)', () => {
    // Act
    const march = periodOf(at('2026-03-15T12:00:00Z'), 'America/Los_Angeles');

    // Assess
    expect(march.start.toISOString()).toBe('2026-03-01T08:00:00.000Z');
    expect(march.end.toISOString()).toBe('2026-04-01T07:00:00.000Z');
    expect(march.end.getTime() - march.start.getTime()).toBe(31 * DAY - HOUR);
  });

  it('handles the half-hour offset of Asia/Kolkata', () => {
    // Act
    const before = periodOf(at('2026-10-31T18:29:59Z'), 'Asia/Kolkata');
    const after = periodOf(at('2026-10-31T18:30:00Z'), 'Asia/Kolkata');

    // Assess
    expect(before.key).toBe('2026-10');
    expect(after.key).toBe('2026-11');
    expect(after.start.toISOString()).toBe('2026-10-31T18:30:00.000Z');
    expect(after.end.toISOString()).toBe('2026-11-30T18:30:00.000Z');
  });
});

describe('dayKey and startOfDay', () => {
  it('give the local date and its first instant, with a 25-hour day when DST ends', () => {
    // Prepare
    const noonOnChangeDay = at('2026-11-01T20:00:00Z'); // 12:00 PST
    const noonNextDay = at('2026-11-02T20:00:00Z');

    // Act
    const start = startOfDay(noonOnChangeDay, 'America/Los_Angeles');
    const next = startOfDay(noonNextDay, 'America/Los_Angeles');

    // Assess
    expect(dayKey(noonOnChangeDay, 'America/Los_Angeles')).toBe('2026-11-01');
    expect(dayKey(at('2026-11-02T07:59:59Z'), 'America/Los_Angeles')).toBe('2026-11-01');
    expect(start.toISOString()).toBe('2026-11-01T07:00:00.000Z');
    expect(next.getTime() - start.getTime()).toBe(25 * HOUR);
  });

  it('starts a day whose local midnight does not exist at the DST transition (America/Santiago)', () => {
    // Prepare: on 2026-09-06 Chilean clocks jump from 00:00 to 01:00.
    const noon = at('2026-09-06T15:00:00Z');

    // Act
    const start = startOfDay(noon, 'America/Santiago');

    // Assess
    expect(start.toISOString()).toBe('2026-09-06T04:00:00.000Z');
    expect(dayKey(new Date(start.getTime() - 1), 'America/Santiago')).toBe('2026-09-05');
    expect(dayKey(start, 'America/Santiago')).toBe('2026-09-06');
  });

  it('uses the zone, not UTC, for the date', () => {
    // Prepare
    const lateUtcEvening = at('2026-11-10T20:00:00Z'); // 01:30 on Nov 11 in Kolkata

    // Act & Assess
    expect(dayKey(lateUtcEvening, 'UTC')).toBe('2026-11-10');
    expect(dayKey(lateUtcEvening, 'Asia/Kolkata')).toBe('2026-11-11');
    expect(startOfDay(lateUtcEvening, 'Asia/Kolkata').toISOString()).toBe('2026-11-10T18:30:00.000Z');
  });
});

describe('ledgerWindow', () => {
  it('reaches 7 full local days back early in the month', () => {
    // Prepare
    const now = at('2026-11-03T12:00:00Z');

    // Act
    const window = ledgerWindow(now, 'UTC');

    // Assess
    expect(window.from.toISOString()).toBe('2026-10-27T00:00:00.000Z');
    expect(window.to).toBe(now);
  });

  it('starts at the period start later in the month', () => {
    // Act
    const window = ledgerWindow(at('2026-11-20T12:00:00Z'), 'America/Los_Angeles');

    // Assess
    expect(window.from.toISOString()).toBe('2026-11-01T07:00:00.000Z');
  });

  it('uses local days in the account zone', () => {
    // Act
    const window = ledgerWindow(at('2026-11-02T03:00:00Z'), 'Asia/Kolkata'); // 08:30 on Nov 2 in Kolkata

    // Assess: seven days before Nov 2 is Oct 26, starting 18:30Z the day before.
    expect(window.from.toISOString()).toBe('2026-10-25T18:30:00.000Z');
  });
});
