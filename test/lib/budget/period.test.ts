import { describe, expect, it } from 'vitest';
import { dayKeyIn, ledgerWindowIn, periodIn, startOfDayIn, zonedCalendar } from '../../../lib/budget/period.js';
import { at, DAY, HOUR } from './fixtures.js';

describe('periodIn', () => {
  it('is the UTC calendar month, ending at the start of the next one', () => {
    // Prepare
    const now = at('2026-11-15T12:00:00Z');

    // Act
    const period = periodIn(zonedCalendar('UTC'), now);

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
    const before = periodIn(zonedCalendar('UTC'), lastMs);
    const after = periodIn(zonedCalendar('UTC'), first);

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
    const october = periodIn(zonedCalendar('America/Los_Angeles'), lastOctoberMinute);
    const november = periodIn(zonedCalendar('America/Los_Angeles'), firstNovemberMinute);

    // Assess
    expect(october.key).toBe('2026-10');
    expect(november.key).toBe('2026-11');
    expect(november.start.toISOString()).toBe('2026-11-01T07:00:00.000Z');
    expect(november.end.toISOString()).toBe('2026-12-01T08:00:00.000Z');
    expect(november.end.getTime() - november.start.getTime()).toBe(30 * DAY + HOUR);
  });

  it('gives the March month in Los Angeles one hour less than 31 days (DST starts)', () => {
    // Act
    const march = periodIn(zonedCalendar('America/Los_Angeles'), at('2026-03-15T12:00:00Z'));

    // Assess
    expect(march.start.toISOString()).toBe('2026-03-01T08:00:00.000Z');
    expect(march.end.toISOString()).toBe('2026-04-01T07:00:00.000Z');
    expect(march.end.getTime() - march.start.getTime()).toBe(31 * DAY - HOUR);
  });

  it('handles the half-hour offset of Asia/Kolkata', () => {
    // Act
    const before = periodIn(zonedCalendar('Asia/Kolkata'), at('2026-10-31T18:29:59Z'));
    const after = periodIn(zonedCalendar('Asia/Kolkata'), at('2026-10-31T18:30:00Z'));

    // Assess
    expect(before.key).toBe('2026-10');
    expect(after.key).toBe('2026-11');
    expect(after.start.toISOString()).toBe('2026-10-31T18:30:00.000Z');
    expect(after.end.toISOString()).toBe('2026-11-30T18:30:00.000Z');
  });
});

describe('dayKeyIn and startOfDayIn', () => {
  it('give the local date and its first instant, with a 25-hour day when DST ends', () => {
    // Prepare
    const noonOnChangeDay = at('2026-11-01T20:00:00Z'); // 12:00 PST
    const noonNextDay = at('2026-11-02T20:00:00Z');

    // Act
    const start = startOfDayIn(zonedCalendar('America/Los_Angeles'), noonOnChangeDay);
    const next = startOfDayIn(zonedCalendar('America/Los_Angeles'), noonNextDay);

    // Assess
    expect(dayKeyIn(zonedCalendar('America/Los_Angeles'), noonOnChangeDay)).toBe('2026-11-01');
    expect(dayKeyIn(zonedCalendar('America/Los_Angeles'), at('2026-11-02T07:59:59Z'))).toBe('2026-11-01');
    expect(start.toISOString()).toBe('2026-11-01T07:00:00.000Z');
    expect(next.getTime() - start.getTime()).toBe(25 * HOUR);
  });

  it('starts a day whose local midnight does not exist at the DST transition (America/Santiago)', () => {
    // Prepare: on 2026-09-06 Chilean clocks jump from 00:00 to 01:00.
    const noon = at('2026-09-06T15:00:00Z');

    // Act
    const start = startOfDayIn(zonedCalendar('America/Santiago'), noon);

    // Assess
    expect(start.toISOString()).toBe('2026-09-06T04:00:00.000Z');
    expect(dayKeyIn(zonedCalendar('America/Santiago'), new Date(start.getTime() - 1))).toBe('2026-09-05');
    expect(dayKeyIn(zonedCalendar('America/Santiago'), start)).toBe('2026-09-06');
  });

  it('uses the zone, not UTC, for the date', () => {
    // Prepare
    const lateUtcEvening = at('2026-11-10T20:00:00Z'); // 01:30 on Nov 11 in Kolkata

    // Act & Assess
    expect(dayKeyIn(zonedCalendar('UTC'), lateUtcEvening)).toBe('2026-11-10');
    expect(dayKeyIn(zonedCalendar('Asia/Kolkata'), lateUtcEvening)).toBe('2026-11-11');
    expect(startOfDayIn(zonedCalendar('Asia/Kolkata'), lateUtcEvening).toISOString()).toBe('2026-11-10T18:30:00.000Z');
  });
});

describe('ledgerWindowIn', () => {
  it('reaches 14 full local days back early in the month (the burn rate looks back two weeks)', () => {
    // Prepare
    const now = at('2026-11-03T12:00:00Z');

    // Act
    const window = ledgerWindowIn(zonedCalendar('UTC'), now);

    // Assess
    expect(window.from.toISOString()).toBe('2026-10-20T00:00:00.000Z');
    expect(window.to).toBe(now);
  });

  it('starts at the period start later in the month', () => {
    // Act
    const window = ledgerWindowIn(zonedCalendar('America/Los_Angeles'), at('2026-11-20T12:00:00Z'));

    // Assess
    expect(window.from.toISOString()).toBe('2026-11-01T07:00:00.000Z');
  });

  it('uses local days in the account zone', () => {
    // Act
    const window = ledgerWindowIn(zonedCalendar('Asia/Kolkata'), at('2026-11-02T03:00:00Z')); // 08:30 on Nov 2 in Kolkata

    // Assess: fourteen days before Nov 2 is Oct 19, starting 18:30Z the day before.
    expect(window.from.toISOString()).toBe('2026-10-18T18:30:00.000Z');
  });
});
