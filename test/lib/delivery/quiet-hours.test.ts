import { describe, expect, it } from 'vitest';
import { inQuietHours, type DeliveryTarget } from '../../../lib/alerts/routing.js';
import type { Alert } from '../../../lib/alerts/types.js';
import { checkAccounts } from '../../../lib/check.js';
import { validateBudgets } from '../../../lib/config-schema.js';
import type { AlertPublisher } from '../../../lib/delivery/types.js';
import type { HttpClient } from '../../../lib/providers/http.js';
import { createMemoryStore } from '../../../lib/state/memory-store.js';
import { storeWith } from '../../helpers/store-with.js';

describe('inQuietHours', () => {
  const night = { from: '22:00', to: '07:00', timezone: 'Europe/Berlin' };

  it.each([
    // Summer time (UTC+2) before the change on 2026-10-25 at 03:00 local.
    ['2026-10-24T19:59:00Z', false],
    ['2026-10-24T20:00:00Z', true],
    ['2026-10-25T04:59:00Z', true],
    // 06:00 local after the change (UTC+1) is still quiet; 07:00 local is 06:00 UTC.
    ['2026-10-25T05:30:00Z', true],
    ['2026-10-25T06:00:00Z', false],
    ['2026-10-25T21:00:00Z', true],
  ])('at %s is %s in Berlin 22:00-07:00 across the DST change', (at, expected) => {
    expect(inQuietHours(night, new Date(at))).toBe(expected);
  });

  it('handles a window within one day', () => {
    const lunch = { from: '12:00', to: '13:30', timezone: 'UTC' };
    expect([inQuietHours(lunch, new Date('2026-11-01T11:59:00Z')), inQuietHours(lunch, new Date('2026-11-01T12:00:00Z')), inQuietHours(lunch, new Date('2026-11-01T13:30:00Z'))]).toEqual([
      false,
      true,
      false,
    ]);
  });
});

describe('quiet hours across two nights (Berlin, with the DST change)', () => {
  const night: DeliveryTarget = {
    id: 'email:ops@example.com',
    minSeverity: 'info',
    quietHours: { from: '22:00', to: '07:00', timezone: 'Europe/Berlin' },
  };
  const always: DeliveryTarget = { id: 'slack:T1/C1', minSeverity: 'info' };
  const config = validateBudgets(
    {
      accounts: [
        { id: 'img', provider: 'pixelcut', apiKey: { env: 'K' }, balance: { below: 100 }, budget: { monthly: 1000, alertAt: [50], forecastAt: [1000] } },
        { id: 'vid', provider: 'pixelcut', apiKey: { env: 'K' }, balance: { below: 100 } },
      ],
    },
    'quiet.yaml',
  );

  it('holds non-critical alerts, sends critical ones at once, and delivers what still holds as one message after the night', async () => {
    // Prepare: a balance the test moves; a publisher that records single and grouped messages per target.
    const balances: Record<string, number> = { img: 1000, vid: 1000 };
    const http: HttpClient = {
      getJson: async (request) => ({ status: 200, body: { credits_remaining: balances[request.headers['X-API-KEY']!] }, headers: new Headers() }),
    };
    const messages: string[] = [];
    const line = (a: Alert) => `${a.kind} ${a.status} ${a.severity}`;
    const publisher: AlertPublisher = {
      publish: async (alert, target) => void messages.push(`${target.id}: ${line(alert)}`),
      publishGroup: async (alerts, target) => void messages.push(`${target.id}: [${alerts.map(line).join(', ')}]`),
    };
    const store = createMemoryStore();
    const run = async (iso: string, img: number, vid: number) => {
      Object.assign(balances, { img, vid });
      messages.push(`-- ${iso}`);
      await checkAccounts({ http, store, publisher, resolveKey: async (a) => a.id, targets: [night, always] }, config, new Date(iso));
    };

    // Act: night 1 (summer time until 03:00 local): img uses 940 credits (its 50 % budget event) and runs
    // low at 23:00 local, then is topped up at 02:00; vid runs low and stays low. Morning: 07:00 local is
    // 06:00 UTC after the change. Night 2 (winter time): img runs out.
    await run('2026-10-24T18:00:00Z', 1000, 1000);
    await run('2026-10-24T21:00:00Z', 60, 80);
    await run('2026-10-25T00:00:00Z', 900, 80);
    await run('2026-10-25T05:00:00Z', 900, 80);
    await run('2026-10-25T06:00:00Z', 900, 80);
    await run('2026-10-25T07:00:00Z', 900, 80);
    await run('2026-10-25T22:00:00Z', 0, 80);
    await run('2026-10-26T06:00:00Z', 0, 80);

    // Assess
    expect(messages).toEqual([
      '-- 2026-10-24T18:00:00Z',
      '-- 2026-10-24T21:00:00Z',
      // The target without quiet hours hears at once; the quiet one waits.
      'slack:T1/C1: budget.actual firing info',
      'slack:T1/C1: balance.low firing warning',
      'slack:T1/C1: balance.low firing warning',
      '-- 2026-10-25T00:00:00Z',
      'slack:T1/C1: balance.low resolved warning',
      // 06:00 local (winter time since 03:00): still quiet.
      '-- 2026-10-25T05:00:00Z',
      // 07:00 local: one message with what still holds; img's low balance, which ended at night, is dropped.
      '-- 2026-10-25T06:00:00Z',
      'email:ops@example.com: [budget.actual firing info, balance.low firing warning]',
      '-- 2026-10-25T07:00:00Z',
      // Night 2: out of credits is critical and goes through at once, quiet hours or not; the forecast
      // (a warning) waits for the morning, when it is all that was held.
      '-- 2026-10-25T22:00:00Z',
      'slack:T1/C1: budget.forecast firing warning',
      'email:ops@example.com: balance.low firing critical',
      'slack:T1/C1: balance.low firing critical',
      '-- 2026-10-26T06:00:00Z',
      'email:ops@example.com: budget.forecast firing warning',
    ]);
  });

  it('holds an alert once per night: later quiet runs neither write it again nor move when it was held', async () => {
    // Prepare: vid low all night; a store that counts what each run holds.
    const http: HttpClient = { getJson: async () => ({ status: 200, body: { credits_remaining: 80 }, headers: new Headers() }) };
    const publisher: AlertPublisher = { publish: async () => undefined, publishGroup: async () => undefined };
    const memory = createMemoryStore();
    const holds: string[][] = [];
    const store = storeWith(memory, { hold: async (items) => (holds.push(items.map((h) => `${h.target} ${h.key}`)), memory.hold(items)) });
    const vidOnly = { ...config, accounts: config.accounts.filter((a) => a.id === 'vid') };

    // Act: three runs in the night (22:00 to 07:00 Berlin, UTC+1 in November).
    for (const iso of ['2026-11-10T21:30:00Z', '2026-11-10T23:00:00Z', '2026-11-11T03:00:00Z']) {
      await checkAccounts({ http, store, publisher, resolveKey: async (a) => a.id, targets: [night] }, vidOnly, new Date(iso));
    }

    // Assess
    expect(holds).toEqual([['email:ops@example.com vid/balance.low'], [], []]);
    const { held } = await memory.load(['vid']);
    expect(held.map((h) => h.heldAt)).toEqual(['2026-11-10T21:30:00.000Z']);
  });
});
