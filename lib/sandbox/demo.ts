import { DAY_MS, HOUR_MS, monthStartUtc } from './time.js';
import type { SandboxAccountSpec } from './types.js';

/**
 * A handful of accounts whose month exercises many alert kinds (used by the demo). Every account
 * starts a month before `monthStart` (00:00Z of the 1st of the month to watch) so that trailing
 * windows (7-day runway, previous month's ledger) have history. Suggested budgets file: video-prod
 * monthly 400 at 50/80/100 %; balance below 100 on the Pixelcut accounts; autoReload warnWithin 50;
 * credits-api (provider json, `available: data.remaining`) monthly 600 and below 150; router-prod
 * (provider openrouter) monthly 100 and below 50.
 */
export function demoAccounts(monthStart: Date): SandboxAccountSpec[] {
  const month = monthStartUtc(monthStart.getTime());
  const start = monthStartUtc(month, -1);
  /** An instant of the watched month: day 1 is the 1st. */
  const on = (day: number, hour = 0, minute = 0): number => month + (day - 1) * DAY_MS + hour * HOUR_MS + minute * 60_000;
  const dayOfMonth = (hourStart: Date): number | undefined =>
    hourStart.getTime() >= month && hourStart.getTime() < monthStartUtc(month, 1) ? hourStart.getUTCDate() : undefined;

  // images-prod: 2 credits an hour in working hours (08–20Z), nothing at night: 24 a day.
  const imagesProdBurn = (hourStart: Date): number => (hourStart.getUTCHours() >= 8 && hourStart.getUTCHours() < 20 ? 2 : 0);
  const imagesProdTopUp = on(18, 9, 30);
  // Opening chosen so that 40 credits are left just before the top-up, whatever the months' lengths.
  let imagesProdBurned = 0;
  for (let hour = start; hour + HOUR_MS <= imagesProdTopUp; hour += HOUR_MS) imagesProdBurned += imagesProdBurn(new Date(hour));

  return [
    {
      // Pictory, 500-credit monthly allowance reset at 10:12:59Z on the 1st, steady 0.6/h (14.4/day,
      // ~446 in a 31-day month, so the allowance never runs out). Against a 400 budget it crosses 50 %
      // on ~day 14, 80 % on ~day 23 and 100 % on ~day 28; the forecast crosses 100 % much earlier.
      id: 'video-prod',
      vendor: 'pictory',
      start: new Date(start),
      openingBalance: 500,
      monthlyAllowance: 500,
      burnPerHour: 0.6,
    },
    {
      // Account API with auto-reload on (below 100 → +500 a second later): ~72/day (4.5/h in
      // 08–20Z, 1.5/h at night) triggers a reload about weekly (autoreload.near, autoreload.triggered).
      // Its JWT expires at 12:00Z on day 20 (auth.expiring beforehand, check.failed/401 after).
      id: 'chat-prod',
      vendor: 'account-api',
      start: new Date(start),
      openingBalance: 450,
      burnPerHour: (hourStart) => (hourStart.getUTCHours() >= 8 && hourStart.getUTCHours() < 20 ? 4.5 : 1.5),
      autoReload: { enabled: true, threshold: 100, amount: 500 },
      tokenExpiresAt: new Date(on(20, 12)),
      usage: { requestsPerHour: 1200, errorRate: 0.01 },
    },
    {
      // Account API with auto-reload configured but disabled (autoreload.off). 1.5/h, except day 12
      // of the month at 15/h (10×: usage.spike); 20 % of requests fail on day 15 (usage.errors).
      // Sends numbers as strings and wraps its ledger in `items` (744 hourly entries a month: paging).
      id: 'batch-jobs',
      vendor: 'account-api',
      start: new Date(start),
      openingBalance: 3000,
      burnPerHour: (hourStart) => (dayOfMonth(hourStart) === 12 ? 15 : 1.5),
      autoReload: { enabled: false, threshold: 200, amount: 1000 },
      usage: { requestsPerHour: 300, errorRate: (hourStart) => (dayOfMonth(hourStart) === 15 ? 0.2 : 0.005) },
      numbersAsStrings: true,
      ledgerEnvelope: 'items',
    },
    {
      // Pixelcut draining at 24/day toward 0: below 100 from ~day 15 (balance.low, balance.runway),
      // 40 left when 1,000 credits are bought at 09:30Z on day 18, which resolves both.
      id: 'images-prod',
      vendor: 'pixelcut',
      start: new Date(start),
      openingBalance: imagesProdBurned + 40,
      burnPerHour: imagesProdBurn,
      topUps: [{ at: new Date(imagesProdTopUp), amount: 1000 }],
    },
    ...jsonProviderAccounts(start, month, on),
    {
      // Pixelcut with a small slow burn (1 credit every 4 hours, 6/day): nothing should fire.
      // Answers credits_remaining as a number rather than the spec's string.
      id: 'images-staging',
      vendor: 'pixelcut',
      start: new Date(start),
      openingBalance: 800,
      burnPerHour: (hourStart) => (hourStart.getUTCHours() % 4 === 0 ? 1 : 0),
      numbersAsStrings: false,
    },
  ];
}

/** The demo's accounts read by the `json` provider: a generic credit API, and a preset (OpenRouter). */
function jsonProviderAccounts(start: number, month: number, on: (day: number, hour?: number) => number): SandboxAccountSpec[] {
  return [
    {
      // A credit API read by the configurable `json` provider: 1 credit an hour, 500 left on the 1st.
      // Against a 600 budget it crosses 50 % on ~day 13, 80 % on ~day 20 and 100 % on ~day 26; below 150
      // from ~day 15 (balance.low) until 1,000 credits are bought at 12:00Z on day 20, which resolves it.
      id: 'credits-api',
      vendor: 'json',
      start: new Date(start),
      openingBalance: (month - start) / HOUR_MS + 500,
      burnPerHour: 1,
      topUps: [{ at: new Date(on(20, 12)), amount: 1000 }],
    },
    {
      // OpenRouter (the `openrouter` preset), in USD: $0.15 an hour, $90 left on the 1st; below $50 from
      // ~day 12 (balance.low) until $100 is bought at 09:00Z on day 16 (a top-up, never consumption).
      id: 'router-prod',
      vendor: 'openrouter',
      start: new Date(start),
      openingBalance: ((month - start) / HOUR_MS) * 0.15 + 90,
      burnPerHour: 0.15,
      topUps: [{ at: new Date(on(16, 9)), amount: 100 }],
    },
  ];
}
