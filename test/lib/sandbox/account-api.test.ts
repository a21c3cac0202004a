import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxAccountSpec } from '../../../lib/sandbox/index.js';
import { DAY, HOUR, accountApi, after, get } from './helpers.js';

interface LedgerEntry {
  id: number;
  user_id: number;
  type: 'credit' | 'debit' | 'adjustment';
  amount: number | string;
  balance_after: number | string;
  description: string;
  reference: string;
  metadata: Record<string, unknown>;
  created_at: string;
}

interface Page {
  total: number;
  limit: number;
  offset: number;
  has_more: boolean;
  [envelope: string]: unknown;
}

const MAY = new Date('2026-05-01T00:00:00.000Z');

function chatProd(overrides: Partial<SandboxAccountSpec> = {}): SandboxAccountSpec {
  return { id: 'chat-prod', vendor: 'account-api', start: MAY, openingBalance: 1000, burnPerHour: 2.5, ...overrides };
}

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(now: Date, accounts: SandboxAccountSpec[]): Promise<Sandbox> {
  sandbox = await startSandbox({ now, accounts });
  return sandbox;
}

function decodeClaims(jwt: string): Record<string, unknown> {
  const [, payload] = jwt.split('.');
  return JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('account-api credits and auth', () => {
  it('answers the CreditBalance at now', async () => {
    // Prepare
    const sb = await start(after(MAY, 10 * HOUR), [
      chatProd({ autoReload: { enabled: true, threshold: 100, amount: 500 }, currency: 'EUR' }),
    ]);

    // Act
    const answer = await accountApi(sb, 'chat-prod', 'credits');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({
      user_id: expect.any(Number),
      balance: 975,
      reserved: 0,
      available: 975,
      currency: 'EUR',
      last_updated: '2026-05-01T10:00:00.000Z',
      auto_reload_enabled: true,
      auto_reload_threshold: 100,
      auto_reload_amount: 500,
    });
    expect(sb.balanceOf('chat-prod')).toBe(975);
  });

  it.each([
    ['no token', {}],
    ['a wrong token', { authorization: 'Bearer nope.nope.nope' }],
  ])('answers 401 unauthorized for %s', async (_name, headers: Record<string, string>) => {
    // Prepare
    const sb = await start(after(MAY, HOUR), [chatProd()]);

    // Act
    const answer = await get(`${sb.urls['account-api']}/auth/account/credits`, headers);

    // Assess
    expect(answer.status).toBe(401);
    expect(answer.json()).toEqual({ error: 'unauthorized', message: 'Invalid or missing token' });
  });

  it('answers 401 to the right token without the Bearer scheme', async () => {
    // Prepare
    const sb = await start(after(MAY, HOUR), [chatProd()]);

    // Act
    const answer = await get(`${sb.urls['account-api']}/auth/account/credits`, { authorization: sb.keyOf('chat-prod') });

    // Assess
    expect(answer.status).toBe(401);
  });

  it('issues a JWT with sub and exp, and answers token_expired from exp on', async () => {
    // Prepare
    const expiresAt = new Date('2026-05-20T12:00:00.000Z');
    const sb = await start(after(expiresAt, -1), [chatProd({ tokenExpiresAt: expiresAt })]);

    // Act
    const valid = await accountApi(sb, 'chat-prod', 'credits');
    sb.setNow(expiresAt);
    const expired = await accountApi(sb, 'chat-prod', 'ledger');

    // Assess
    const token = sb.keyOf('chat-prod');
    expect(token.split('.')).toHaveLength(3);
    expect(decodeClaims(token)).toMatchObject({ sub: 'chat-prod', exp: expiresAt.getTime() / 1000 });
    expect(valid.status).toBe(200);
    expect(expired.status).toBe(401);
    expect(expired.json()).toMatchObject({ error: 'token_expired' });
  });

  it('accepts a given key instead of a generated JWT', async () => {
    // Prepare
    const sb = await start(after(MAY, HOUR), [chatProd({ key: 'long-lived-api-key-123' })]);

    // Act
    const answer = await get(`${sb.urls['account-api']}/auth/account/credits`, { authorization: 'Bearer long-lived-api-key-123' });

    // Assess
    expect(answer.status).toBe(200);
    expect(sb.keyOf('chat-prod')).toBe('long-lived-api-key-123');
  });

  it('answers 404 to unknown paths and 405 to other methods', async () => {
    // Prepare
    const sb = await start(after(MAY, HOUR), [chatProd()]);
    const headers = { authorization: `Bearer ${sb.keyOf('chat-prod')}` };

    // Act
    const unknown = await get(`${sb.urls['account-api']}/auth/account/nothing`, headers);
    const root = await get(`${sb.urls['account-api']}/`, headers);
    const deleted = await get(`${sb.urls['account-api']}/auth/account/credits`, headers, { method: 'DELETE' });

    // Assess
    expect([unknown.status, root.status, deleted.status]).toEqual([404, 404, 405]);
  });
});

describe('account-api ledger', () => {
  it.each(['limit=101', 'limit=0', 'limit=abc', 'limit=2.5', 'limit=-1'])('answers 400 for %s', async (query) => {
    // Prepare
    const sb = await start(after(MAY, DAY), [chatProd()]);

    // Act
    const answer = await accountApi(sb, 'chat-prod', `ledger?${query}`);

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.json()).toEqual({ error: 'invalid_request', message: 'limit must be between 1 and 100' });
  });

  it.each(['from=yesterday', 'to=2026-13-45T00:00:00Z', 'type=refund', 'offset=-3'])('answers 400 invalid_request for %s', async (query) => {
    // Prepare
    const sb = await start(after(MAY, DAY), [chatProd()]);

    // Act
    const answer = await accountApi(sb, 'chat-prod', `ledger?${query}`);

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('answers 50 entries by default, newest first, in the documented shape', async () => {
    // Prepare
    const sb = await start(after(MAY, 3 * DAY + 30 * 60_000), [chatProd()]);

    // Act
    const page = (await accountApi(sb, 'chat-prod', 'ledger')).json<Page>();

    // Assess
    const entries = page['data'] as LedgerEntry[];
    expect(page).toMatchObject({ total: 72, limit: 50, offset: 0, has_more: true });
    expect(entries).toHaveLength(50);
    expect(entries[0]).toEqual({
      id: expect.any(Number),
      user_id: expect.any(Number),
      type: 'debit',
      amount: 2.5,
      balance_after: 820,
      description: 'API usage',
      reference: expect.stringMatching(/^usage_[0-9a-f]{16}$/),
      metadata: { endpoint: expect.any(String) },
      created_at: '2026-05-04T00:00:00.000Z',
    });
    const ids = entries.map((entry) => entry.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  it.each(['array', 'data', 'entries', 'items'] as const)(
    'pages through a 250-entry month with limit 100 in the %s envelope',
    async (envelope) => {
      // Prepare: 6 debits an hour for 41 h 40 min = 250 debits.
      const now = after(MAY, 250 * 10 * 60_000);
      const sb = await start(now, [chatProd({ debitEveryMinutes: 10, ledgerEnvelope: envelope })]);
      const window = `from=${MAY.toISOString()}&to=${now.toISOString()}`;

      // Act
      const pages: unknown[] = [];
      for (let offset = 0; ; offset += 100) {
        const answer = await accountApi(sb, 'chat-prod', `ledger?${window}&limit=100&offset=${offset}`);
        expect(answer.status).toBe(200);
        const body = answer.json<unknown>();
        pages.push(body);
        const entries = Array.isArray(body) ? body : ((body as Page)[envelope] as unknown[]);
        if (entries.length < 100) break;
      }

      // Assess
      const entries = pages.flatMap((body) => (Array.isArray(body) ? body : ((body as Page)[envelope] as LedgerEntry[]))) as LedgerEntry[];
      expect(pages).toHaveLength(3);
      expect(entries).toHaveLength(250);
      expect(new Set(entries.map((entry) => entry.id)).size).toBe(250);
      expect(entries.every((entry, i) => i === 0 || entry.id < (entries[i - 1]?.id ?? 0))).toBe(true);
      expect(entries[0]?.created_at).toBe(now.toISOString());
      expect(entries[249]?.created_at).toBe('2026-05-01T00:10:00.000Z');
      if (envelope !== 'array') {
        expect(pages.map((body) => ({ ...(body as Page), [envelope]: undefined }))).toEqual([
          { total: 250, limit: 100, offset: 0, has_more: true, [envelope]: undefined },
          { total: 250, limit: 100, offset: 100, has_more: true, [envelope]: undefined },
          { total: 250, limit: 100, offset: 200, has_more: false, [envelope]: undefined },
        ]);
      }
    },
  );

  it('filters by type and by an inclusive from/to window', async () => {
    // Prepare
    const sb = await start(after(MAY, 2 * DAY), [
      chatProd({
        topUps: [{ at: after(MAY, 5 * HOUR), amount: 200 }],
        adjustments: [
          { at: after(MAY, 6 * HOUR + 1000), amount: -12.5 },
          { at: after(MAY, 30 * HOUR), amount: 40 },
        ],
      }),
    ]);

    // Act
    const credits = (await accountApi(sb, 'chat-prod', 'ledger?type=credit')).json<Page>();
    const adjustments = (await accountApi(sb, 'chat-prod', 'ledger?type=adjustment')).json<Page>();
    const window = (
      await accountApi(sb, 'chat-prod', `ledger?from=${after(MAY, 5 * HOUR).toISOString()}&to=${after(MAY, 6 * HOUR).toISOString()}`)
    ).json<Page>();

    // Assess
    expect(credits['data']).toEqual([
      expect.objectContaining({
        type: 'credit',
        amount: 200,
        description: 'Credit purchase',
        reference: expect.stringMatching(/^pay_[0-9a-f]{24}$/),
        created_at: '2026-05-01T05:00:00.000Z',
      }),
    ]);
    expect((adjustments['data'] as LedgerEntry[]).map((entry) => [entry.amount, entry.type])).toEqual([
      [40, 'adjustment'],
      [-12.5, 'adjustment'],
    ]);
    // 05:00 top-up and debit, 06:00 debit; the adjustment at 06:00:01 is past `to`.
    expect((window['data'] as LedgerEntry[]).map((entry) => [entry.type, entry.created_at])).toEqual([
      ['debit', '2026-05-01T06:00:00.000Z'],
      ['debit', '2026-05-01T05:00:00.000Z'],
      ['credit', '2026-05-01T05:00:00.000Z'],
    ]);
    const [debitAtSix] = window['data'] as LedgerEntry[];
    // 1000 − 6 × 2.5 + 200
    expect(debitAtSix?.balance_after).toBe(1185);
  });

  it('sends numeric fields as strings when asked', async () => {
    // Prepare
    const sb = await start(after(MAY, 3 * HOUR), [
      chatProd({ numbersAsStrings: true, openingBalance: 100, autoReload: { enabled: false, threshold: 20, amount: 50 } }),
    ]);

    // Act
    const credits = (await accountApi(sb, 'chat-prod', 'credits')).json<Record<string, unknown>>();
    const ledger = (await accountApi(sb, 'chat-prod', 'ledger')).json<Page>();
    const usage = (await accountApi(sb, 'chat-prod', 'usage')).json<Record<string, unknown>>();

    // Assess
    expect(credits).toMatchObject({
      balance: '92.5',
      reserved: '0',
      available: '92.5',
      auto_reload_threshold: '20',
      auto_reload_amount: '50',
      user_id: expect.any(Number),
    });
    expect((ledger['data'] as LedgerEntry[])[0]).toMatchObject({ amount: '2.5', balance_after: '92.5', id: expect.any(Number) });
    expect(usage).toMatchObject({ credits_consumed: '7.5', total_requests: 0 });
  });
});

describe('account-api auto-reload and top-ups', () => {
  it('follows a debit that takes the balance below the threshold with a reload credit 1 s later', async () => {
    // Prepare: 130 − 10/h crosses below 100 with the debit at 04:00 (90).
    const sb = await start(after(MAY, 10 * HOUR), [
      chatProd({ openingBalance: 130, burnPerHour: 10, autoReload: { enabled: true, threshold: 100, amount: 500 } }),
    ]);

    // Act
    const credits = (await accountApi(sb, 'chat-prod', 'ledger?type=credit')).json<Page>();
    sb.setNow(after(MAY, 4 * HOUR));
    const justBefore = sb.balanceOf('chat-prod');
    sb.setNow(after(MAY, 4 * HOUR + 1000));
    const justAfter = sb.balanceOf('chat-prod');

    // Assess
    expect(credits['data']).toEqual([
      {
        id: expect.any(Number),
        user_id: expect.any(Number),
        type: 'credit',
        amount: 500,
        balance_after: 590,
        description: 'Auto-reload',
        reference: 'auto_reload:1',
        metadata: expect.any(Object),
        created_at: '2026-05-01T04:00:01.000Z',
      },
    ]);
    expect([justBefore, justAfter]).toEqual([90, 590]);
  });

  it('stops reloading from the moment auto-reload is switched off, and remembers the earlier settings', async () => {
    // Prepare
    const sb = await start(after(MAY, 3 * DAY), [
      chatProd({ openingBalance: 150, burnPerHour: 10, autoReload: { enabled: true, threshold: 100, amount: 100 } }),
    ]);
    const reloadsBefore = (await accountApi(sb, 'chat-prod', 'ledger?type=credit&limit=100')).json<Page>()['total'];

    // Act
    sb.setNow(after(MAY, DAY));
    sb.setAutoReload('chat-prod', { enabled: false, threshold: 100, amount: 100 });
    sb.setNow(after(MAY, 3 * DAY));
    const reloadsAfter = (await accountApi(sb, 'chat-prod', 'ledger?type=credit&limit=100')).json<Page>();
    const settingsNow = (await accountApi(sb, 'chat-prod', 'credits')).json<Record<string, unknown>>();
    sb.setNow(after(MAY, 12 * HOUR));
    const settingsEarlier = (await accountApi(sb, 'chat-prod', 'credits')).json<Record<string, unknown>>();

    // Assess
    const reloads = reloadsAfter['data'] as LedgerEntry[];
    expect(reloadsBefore).toBeGreaterThan(reloads.length);
    expect(reloads.every((entry) => Date.parse(entry.created_at) < after(MAY, DAY).getTime())).toBe(true);
    expect(reloads.map((entry) => entry.reference)).toEqual(reloads.map((_, i) => `auto_reload:${reloads.length - i}`));
    expect(settingsNow['auto_reload_enabled']).toBe(false);
    expect(settingsEarlier['auto_reload_enabled']).toBe(true);
  });

  it('records a top-up made through the sandbox at now', async () => {
    // Prepare
    const sb = await start(after(MAY, 5 * HOUR + 30 * 60_000), [chatProd()]);

    // Act
    sb.topUp('chat-prod', 300);
    const credits = (await accountApi(sb, 'chat-prod', 'credits')).json<Record<string, unknown>>();
    const ledger = (await accountApi(sb, 'chat-prod', 'ledger?limit=1')).json<Page>();

    // Assess
    expect(credits['balance']).toBe(1000 - 5 * 2.5 + 300);
    expect((ledger['data'] as LedgerEntry[])[0]).toMatchObject({ type: 'credit', amount: 300, description: 'Credit purchase' });
  });
});

describe('account-api usage and summary', () => {
  it('counts requests, failures and consumption for the month so far', async () => {
    // Prepare: 1% errors, except 20% on the 2nd.
    const sb = await start(after(MAY, 2 * DAY + 12 * HOUR), [
      chatProd({
        usage: { requestsPerHour: 100, errorRate: (hourStart) => (hourStart.getUTCDate() === 2 ? 0.2 : 0.01) },
      }),
    ]);

    // Act
    const monthly = (await accountApi(sb, 'chat-prod', 'usage')).json<Record<string, unknown>>();
    const daily = (await accountApi(sb, 'chat-prod', 'usage?period=daily')).json<Record<string, unknown>>();
    const second = (
      await accountApi(sb, 'chat-prod', 'usage?period=daily&from=2026-05-02T00:00:00Z&to=2026-05-02T23:59:59.999Z')
    ).json<Record<string, unknown>>();

    // Assess
    expect(monthly).toEqual({
      user_id: expect.any(Number),
      period: 'monthly',
      total_requests: 6000,
      successful_requests: 6000 - (24 + 480 + 12),
      failed_requests: 24 + 480 + 12,
      credits_consumed: 60 * 2.5,
      requests_by_endpoint: expect.any(Object),
      period_start: '2026-05-01T00:00:00.000Z',
      period_end: '2026-05-03T12:00:00.000Z',
    });
    const byEndpoint = Object.values(monthly['requests_by_endpoint'] as Record<string, number>);
    expect(byEndpoint.reduce((a, b) => a + b, 0)).toBe(6000);
    expect(daily).toMatchObject({ period: 'daily', total_requests: 1200, period_start: '2026-05-03T00:00:00.000Z' });
    // The debit at 00:00 on the 2nd charges the 1st's last hour, but is dated the 2nd.
    expect(second).toMatchObject({ total_requests: 2400, failed_requests: 480, credits_consumed: 24 * 2.5 });
  });

  it('answers 400 to an unknown period', async () => {
    // Prepare
    const sb = await start(after(MAY, DAY), [chatProd()]);

    // Act
    const answer = await accountApi(sb, 'chat-prod', 'usage?period=weekly');

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('summarises the account', async () => {
    // Prepare
    const sb = await start(after(MAY, DAY), [chatProd({ usage: { requestsPerHour: 10, errorRate: 0 } })]);

    // Act
    const summary = (await accountApi(sb, 'chat-prod', 'summary')).json<Record<string, unknown>>();

    // Assess
    expect(summary).toMatchObject({
      user_id: expect.any(Number),
      email: expect.stringContaining('@'),
      credit_balance: { balance: 940, available: 940, currency: 'USD' },
      subscription: expect.any(Object),
      usage_this_month: { period: 'monthly', total_requests: 240, credits_consumed: 60 },
      total_requests_all_time: 240,
      account_created_at: MAY.toISOString(),
      last_login_at: expect.any(String),
    });
  });
});
