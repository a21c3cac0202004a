import { describe, expect, it } from 'vitest';
import { ledgerFromBalanceHistory, type BalanceSample } from '../../../lib/budget/balance-history.js';
import { estimateBurnRate, runwayDays } from '../../../lib/budget/burn-rate.js';
import type { LedgerEntry } from '../../../lib/model.js';
import { at, DAY, debit, entry, HOUR, steadyLedger } from './fixtures.js';

const NOW = at('2026-11-21T00:00:00Z');

/** `credits` a day, in hourly debits at the hours of `(from, to]` (so that segments meet without overlap). */
function perDay(from: Date, to: Date, credits: number): LedgerEntry[] {
  return steadyLedger(new Date(from.getTime() + HOUR), new Date(to.getTime() + 1), HOUR, credits / 24);
}

/** An instant `days` days before NOW. */
function daysAgo(days: number): Date {
  return new Date(NOW.getTime() - days * DAY);
}

describe('estimateBurnRate', () => {
  it('is zero with no consumption, even with top-ups in the ledger', () => {
    // Prepare
    const ledger = [entry('credit', daysAgo(3), 100), entry('reload', daysAgo(2), 50)];

    // Act
    const burn = estimateBurnRate({ ledger, now: NOW });

    // Assess
    expect(burn.perDay).toBe(0);
    expect(estimateBurnRate({ ledger: [], now: NOW })).toEqual({ perDay: 0, days: 0, basis: 'little-history', setAside: 0 });
  });

  it('is the mean of the last 7 whole days under steady use, and says so', () => {
    // Prepare: 10 credits a day for 20 days, after a big month-start debit that is out of the window.
    const ledger = [debit(daysAgo(20), 500), ...steadyLedger(new Date(daysAgo(20).getTime() + 30 * 60_000), NOW, DAY, 10)];

    // Act
    const burn = estimateBurnRate({ ledger, now: NOW });

    // Assess
    expect(burn).toMatchObject({ perDay: 10, days: 7, basis: 'usual', setAside: 0 });
  });

  it('leaves a one-off batch out: a 900-credit job four days ago with 0.5 a day since is 0.5 a day', () => {
    // Prepare
    const ledger = [...perDay(daysAgo(30), NOW, 0.5), debit(daysAgo(4), 900)];

    // Act
    const burn = estimateBurnRate({ ledger, now: NOW });

    // Assess
    expect(burn.perDay).toBeCloseTo(0.5, 6);
    expect(burn.setAside).toBeCloseTo(900, 6);
    expect(runwayDays(181, burn)).toBeCloseTo(362, 3);
  });

  it('leaves out a burst that straddles two days as one burst (a spike day checked mid-way through the next)', () => {
    // Prepare: 24 a day, but 240 on one calendar day; NOW falls 12 hours after that day ended.
    const spikeStart = daysAgo(1.5);
    const ledger = [
      ...perDay(daysAgo(30), spikeStart, 24),
      ...perDay(spikeStart, daysAgo(0.5), 240),
      ...perDay(daysAgo(0.5), NOW, 24),
    ];

    // Act
    const burn = estimateBurnRate({ ledger, now: NOW });

    // Assess
    expect(burn.perDay).toBeCloseTo(24, 6);
    expect(burn.setAside).toBeCloseTo(216, 6);
  });

  it('counts a burst that recurs within two weeks (a weekly batch) as part of the rate', () => {
    // Prepare: 5 a day plus 140 every 7 days.
    const ledger = [...perDay(daysAgo(30), NOW, 5), ...[2.5, 9.5, 16.5, 23.5].map((d) => debit(daysAgo(d), 140))];

    // Act
    const burn = estimateBurnRate({ ledger, now: NOW });

    // Assess
    expect(burn.perDay).toBeCloseTo(25, 6);
    expect(burn.setAside).toBe(0);
  });

  it("knows the vendor's whole ledger window when the account was in use at its start", () => {
    // Prepare: the window starts 14 days before NOW; the first entry follows 20 minutes later, and the
    // older of the two batches in the window came with it.
    const ledgerFrom = daysAgo(14);
    const first = new Date(ledgerFrom.getTime() + 20 * 60_000);
    const ledger = [...steadyLedger(first, NOW, HOUR, 5 / 24), debit(first, 140), debit(daysAgo(7 - 1 / 72), 140)];
    const opened = [debit(daysAgo(1.5), 10), debit(daysAgo(0.5), 10)];

    // Act
    const inUse = estimateBurnRate({ ledger, now: NOW, ledgerFrom });
    const newAccount = estimateBurnRate({ ledger: opened, now: NOW, ledgerFrom });

    // Assess: two batches in 14 whole days recur; a first entry days after the window start is a new account.
    expect(inUse.since).toEqual(ledgerFrom);
    expect(inUse.perDay).toBeCloseTo(25, 6);
    expect(newAccount).toMatchObject({ basis: 'little-history', days: 1.5, since: daysAgo(1.5) });
  });

  it('follows a rise within three days: 40 a day held for three days is 40', () => {
    // Prepare: 5 a day for weeks, then 40 a day.
    const rise = (days: number) => [...perDay(daysAgo(30), daysAgo(days), 5), ...perDay(daysAgo(days), NOW, 40)];

    // Act
    const twoDays = estimateBurnRate({ ledger: rise(2), now: NOW });
    const threeDays = estimateBurnRate({ ledger: rise(3), now: NOW });
    const fiveDays = estimateBurnRate({ ledger: rise(5), now: NOW });

    // Assess: two days are still a burst; from the third day on the new level is the rate.
    expect(twoDays.perDay).toBeCloseTo(5, 6);
    expect(threeDays).toMatchObject({ days: 3, basis: 'changed' });
    expect(threeDays.perDay).toBeCloseTo(40, 6);
    expect(fiveDays).toMatchObject({ days: 5, basis: 'changed' });
    expect(fiveDays.perDay).toBeCloseTo(40, 6);
  });

  it('follows a fall within three days', () => {
    // Prepare: 40 a day for weeks, then 5 a day for three days.
    const ledger = [...perDay(daysAgo(30), daysAgo(3), 40), ...perDay(daysAgo(3), NOW, 5)];

    // Act
    const burn = estimateBurnRate({ ledger, now: NOW });

    // Assess
    expect(burn).toMatchObject({ days: 3, basis: 'changed' });
    expect(burn.perDay).toBeCloseTo(5, 6);
  });

  it('follows a gradual ramp as the mean of the last 7 days', () => {
    // Prepare: use grows by one credit a day, from 10 to 40.
    const ledger = Array.from({ length: 30 }, (_, i) => perDay(daysAgo(30 - i), daysAgo(29 - i), 10 + i)).flat();

    // Act
    const burn = estimateBurnRate({ ledger, now: NOW });

    // Assess: the last 7 days used 33 … 39.
    expect(burn).toMatchObject({ days: 7, basis: 'usual' });
    expect(burn.perDay).toBeCloseTo(36, 6);
  });

  it('gives weekday-only use its weekly average at any hour of the week', () => {
    // Prepare: 36 credits on each weekday (09–18 UTC), nothing at weekends, for four weeks.
    const ledger = steadyLedger(daysAgo(28), NOW, HOUR, 1).flatMap((e) => {
      const day = e.at.getUTCDay();
      const hour = e.at.getUTCHours();
      return day >= 1 && day <= 5 && hour >= 9 && hour < 18 ? [debit(e.at, 4)] : [];
    });

    // Act
    const rates = [0, 6, 30, 54, 100, 130, 136].map((hours) =>
      estimateBurnRate({ ledger: ledger.filter((e) => e.at.getTime() <= NOW.getTime() - hours * HOUR), now: new Date(NOW.getTime() - hours * HOUR) }).perDay,
    );

    // Assess
    for (const rate of rates) expect(rate).toBeCloseTo((5 * 36) / 7, 6);
  });

  it('flags little history and does not extrapolate one debit', () => {
    // Prepare: a new account: a 300-credit import, then 30 a day for two days.
    const opened = daysAgo(2);
    const ledger = [debit(opened, 300), ...perDay(new Date(opened.getTime() + HOUR), NOW, 30)];

    // Act
    const twoDays = estimateBurnRate({ ledger, now: NOW });
    const firstHour = estimateBurnRate({ ledger: [debit(daysAgo(1 / 24), 300)], now: NOW });

    // Assess
    expect(twoDays).toMatchObject({ days: 2, basis: 'little-history', setAside: 300 });
    expect(twoDays.perDay).toBeCloseTo((30 * 47) / 48, 6);
    expect(firstHour).toMatchObject({ perDay: 0, basis: 'little-history', setAside: 300 });
    expect(runwayDays(700, firstHour)).toBeUndefined();
  });

  it('never averages little history over less than one day', () => {
    // Prepare: two debits of similar size within the last hour.
    const ledger = [debit(daysAgo(1 / 24), 2), debit(daysAgo(1 / 48), 3)];

    // Act
    const burn = estimateBurnRate({ ledger, now: NOW });

    // Assess
    expect(burn).toMatchObject({ perDay: 5, basis: 'little-history', setAside: 0 });
  });

  it('measures a ledger derived from balance samples like the vendor ledger it mirrors', () => {
    // Prepare: hourly samples of a balance that falls 1 an hour, with a 900-credit drop 4 days ago.
    const samples: BalanceSample[] = [];
    let balance = 5000;
    for (let t = daysAgo(20).getTime(); t <= NOW.getTime(); t += HOUR) {
      balance -= 1 + (t === daysAgo(4).getTime() ? 900 : 0);
      samples.push({ at: new Date(t), available: balance });
    }
    const vendorLedger = samples.slice(1).map((s, i) => debit(s.at, (samples[i]?.available ?? 0) - s.available));

    // Act
    const derived = estimateBurnRate({ ledger: ledgerFromBalanceHistory(samples), now: NOW, historyFrom: samples[0]?.at });
    const vendor = estimateBurnRate({ ledger: vendorLedger, now: NOW });

    // Assess
    expect(derived.perDay).toBeCloseTo(24, 6);
    expect(derived).toEqual({ ...vendor, since: samples[0]?.at });
  });

  it('starts knowledge at historyFrom when given (a derived ledger whose first drop is recent)', () => {
    // Prepare: balance samples since 4 days ago; the balance first fell 2.5 days ago.
    const historyFrom = daysAgo(4);
    const ledger = [debit(daysAgo(2.5), 10), debit(daysAgo(1.5), 10), debit(daysAgo(0.5), 10)];

    // Act
    const known = estimateBurnRate({ ledger, now: NOW, historyFrom });
    const unknown = estimateBurnRate({ ledger, now: NOW });

    // Assess: 30 credits over 4 known days; without historyFrom, over the 2.5 days since the first debit.
    expect(known).toMatchObject({ perDay: 7.5, days: 4, basis: 'usual', since: historyFrom });
    expect(unknown).toMatchObject({ perDay: 12, days: 2.5, basis: 'little-history' });
  });
});

describe('runwayDays', () => {
  it('divides the available credits by the rate, is zero for a gone balance, and absent without use', () => {
    // Prepare
    const burn = estimateBurnRate({ ledger: steadyLedger(daysAgo(13.5), NOW, DAY, 10), now: NOW });

    // Act & Assess
    expect(runwayDays(25, burn)).toBe(2.5);
    expect(runwayDays(-3, burn)).toBe(0);
    expect(runwayDays(25, estimateBurnRate({ ledger: [], now: NOW }))).toBeUndefined();
  });
});
