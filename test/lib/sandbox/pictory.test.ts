import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxAccountSpec } from '../../../lib/sandbox/index.js';
import { DAY, HOUR, USER_AGENT, after, get, pictory, rawGet } from './helpers.js';

interface Transaction {
  transactionId: string;
  type: 'credit' | 'debit';
  amount: number;
  source: string;
  description: string;
  plan: string;
  transactionDate: string;
}

interface Quota {
  aiCredits: { used: number; limit: number };
  videoMinutes: { used: number; limit: number };
  transcriptionMinutes: { used: number; limit: number };
  elevenLabsVoiceOverMinutes: { used: number; limit: number };
}

const APRIL = new Date('2026-04-01T00:00:00.000Z');
const MAY = new Date('2026-05-01T00:00:00.000Z');
const RESET = new Date('2026-05-01T10:12:59.445Z');

const videoProd: SandboxAccountSpec = {
  id: 'video-prod',
  vendor: 'pictory',
  start: APRIL,
  openingBalance: 500,
  monthlyAllowance: 500,
  burnPerHour: 0.6,
};

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(now: Date, accounts: SandboxAccountSpec[] = [videoProd]): Promise<Sandbox> {
  sandbox = await startSandbox({ now, accounts });
  return sandbox;
}

describe('pictory usage', () => {
  it('lists the current month newest first, only up to now, in the documented shape', async () => {
    // Prepare
    const now = new Date('2026-05-03T05:30:00.000Z');
    const sb = await start(now);

    // Act
    const answer = await pictory(sb, 'video-prod', '/pictoryapis/v1/aicredits/usage');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    const entries = answer.json<Transaction[]>();
    expect(Array.isArray(entries)).toBe(true);
    const dates = entries.map((entry) => Date.parse(entry.transactionDate));
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
    expect(Math.max(...dates)).toBeLessThanOrEqual(now.getTime());
    expect(Math.min(...dates)).toBeGreaterThanOrEqual(MAY.getTime());
    // Hourly debits 00:00 on the 1st … 05:00 on the 3rd (the one at 00:00 charges April's last hour).
    expect(entries.filter((entry) => entry.type === 'debit')).toHaveLength(24 + 24 + 6);
    expect(entries.filter((entry) => entry.type === 'credit')).toHaveLength(1);
    expect(entries[0]).toEqual({
      transactionId: expect.stringMatching(/^20260503050000000[0-9a-f]{32}$/),
      type: 'debit',
      amount: 0.6,
      source: expect.stringMatching(/^(Text-to-Image|AI Avatar|Text-to-Speech)$/),
      description: expect.stringMatching(/^Credits consumed by /),
      plan: 'API Annual',
      transactionDate: '2026-05-03T05:00:00.000Z',
    });
    expect(new Set(entries.map((entry) => entry.transactionId)).size).toBe(entries.length);
  });

  it('answers 400 INVALID_REQUEST for a year without a month', async () => {
    // Prepare
    const sb = await start(new Date('2026-05-03T00:00:00Z'));

    // Act
    const answer = await pictory(sb, 'video-prod', '/pictoryapis/v1/aicredits/usage?year=2026');

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.json()).toEqual({
      code: 'INVALID_REQUEST',
      message: 'month is required when year is provided',
      fields: ['month'],
    });
  });

  it.each(['month=13', 'month=0', 'month=abc', 'year=26&month=4', 'year=abcd&month=4', 'month='])(
    'answers 400 INVALID_REQUEST for %s',
    async (query) => {
      // Prepare
      const sb = await start(new Date('2026-05-03T00:00:00Z'));

      // Act
      const answer = await pictory(sb, 'video-prod', `/pictoryapis/v1/aicredits/usage?${query}`);

      // Assess
      expect(answer.status).toBe(400);
      expect(answer.json()).toMatchObject({ code: 'INVALID_REQUEST', fields: [expect.any(String)] });
    },
  );

  it('reads a month of the current year when only the month is given, and the same with the year', async () => {
    // Prepare
    const sb = await start(new Date('2026-05-03T00:00:00Z'));

    // Act
    const monthOnly = await pictory(sb, 'video-prod', '/pictoryapis/v1/aicredits/usage?month=4');
    const both = await pictory(sb, 'video-prod', '/pictoryapis/v1/aicredits/usage?year=2026&month=04');

    // Assess
    expect(monthOnly.status).toBe(200);
    const entries = monthOnly.json<Transaction[]>();
    expect(entries.every((entry) => entry.transactionDate.startsWith('2026-04-'))).toBe(true);
    // April 1st 01:00 … April 30th 23:00 (the debit at May 1st 00:00 belongs to May).
    expect(entries.filter((entry) => entry.type === 'debit')).toHaveLength(30 * 24 - 1);
    expect(both.json()).toEqual(entries);
  });

  it('answers [] for future months and months older than 12 months', async () => {
    // Prepare
    const sb = await start(new Date('2026-05-03T00:00:00Z'));

    // Act
    const future = await pictory(sb, 'video-prod', '/pictoryapis/v1/aicredits/usage?year=2026&month=6');
    const ancient = await pictory(sb, 'video-prod', '/pictoryapis/v1/aicredits/usage?year=2025&month=3');
    const beforeStart = await pictory(sb, 'video-prod', '/pictoryapis/v1/aicredits/usage?year=2026&month=3');

    // Assess
    expect([future.status, ancient.status, beforeStart.status]).toEqual([200, 200, 200]);
    expect([future.json(), ancient.json(), beforeStart.json()]).toEqual([[], [], []]);
  });
});

describe('pictory monthly reset and quota', () => {
  it('restores the allowance at 10:12:59.445Z on the 1st, not at midnight', async () => {
    // Prepare
    const sb = await start(after(RESET, -1));

    // Act
    const before = (await pictory(sb, 'video-prod', '/pictoryapis/v1/quota')).json<Quota>();
    const ledgerBefore = (await pictory(sb, 'video-prod', '/pictoryapis/v1/aicredits/usage')).json<Transaction[]>();
    sb.setNow(RESET);
    const at = (await pictory(sb, 'video-prod', '/pictoryapis/v1/quota')).json<Quota>();
    const ledgerAt = (await pictory(sb, 'video-prod', '/pictoryapis/v1/aicredits/usage')).json<Transaction[]>();
    sb.setNow(after(RESET, HOUR));
    const later = (await pictory(sb, 'video-prod', '/pictoryapis/v1/quota')).json<Quota>();

    // Assess
    // April: reset on April 1st 10:12:59 to 500, then 0.6/h from 11:00 to May 1st 10:00 (720 debits).
    expect(before.aiCredits.limit).toBe(500);
    expect(before.aiCredits.used).toBeCloseTo(720 * 0.6, 6);
    expect(ledgerBefore.map((entry) => entry.source)).not.toContain('Monthly Reset');
    expect(at.aiCredits).toEqual({ used: 0, limit: 500 });
    expect(ledgerAt[0]).toMatchObject({
      type: 'credit',
      amount: 500,
      source: 'Monthly Reset',
      transactionDate: '2026-05-01T10:12:59.445Z',
      transactionId: expect.stringMatching(/^20260501101259445[0-9a-f]{32}$/),
    });
    // The debits of the 1st before the reset (00:00 … 10:00) stay in May's ledger.
    expect(ledgerAt.filter((entry) => entry.type === 'debit')).toHaveLength(11);
    expect(later.aiCredits).toEqual({ used: 0.6, limit: 500 });
    expect(Object.keys(later)).toEqual(['aiCredits', 'videoMinutes', 'transcriptionMinutes', 'elevenLabsVoiceOverMinutes']);
  });

  it('adds a top-up to the month limit as an Add-on Purchase credit, and the next reset forgets it', async () => {
    // Prepare
    const sb = await start(new Date('2026-05-10T12:00:00Z'));

    // Act
    sb.topUp('video-prod', 250);
    const quota = (await pictory(sb, 'video-prod', '/pictoryapis/v1/quota')).json<Quota>();
    const ledger = (await pictory(sb, 'video-prod', '/pictoryapis/v1/aicredits/usage')).json<Transaction[]>();
    const balance = sb.balanceOf('video-prod');
    sb.setNow(new Date('2026-06-01T10:12:59.445Z'));
    const nextMonth = (await pictory(sb, 'video-prod', '/pictoryapis/v1/quota')).json<Quota>();

    // Assess
    expect(quota.aiCredits.limit).toBe(750);
    expect(quota.aiCredits.limit - quota.aiCredits.used).toBeCloseTo(balance, 6);
    expect(ledger.filter((entry) => entry.source === 'Add-on Purchase')).toEqual([
      expect.objectContaining({ type: 'credit', amount: 250, transactionDate: '2026-05-10T12:00:00.000Z' }),
    ]);
    expect(nextMonth.aiCredits).toEqual({ used: 0, limit: 500 });
  });
});

describe('pictory access', () => {
  it.each([
    ['no key', {}],
    ['a wrong key', { authorization: 'pictai_wrong' }],
  ])('answers 401 Unauthorized for %s', async (_name, headers: Record<string, string>) => {
    // Prepare
    const sb = await start(new Date('2026-05-03T00:00:00Z'));

    // Act
    const answer = await get(`${sb.urls.pictory}/pictoryapis/v1/quota`, { ...headers, 'user-agent': USER_AGENT });

    // Assess
    expect(answer.status).toBe(401);
    expect(answer.json()).toEqual({ message: 'Unauthorized' });
  });

  it('answers 401 to a Bearer-prefixed key (the raw key is expected)', async () => {
    // Prepare
    const sb = await start(new Date('2026-05-03T00:00:00Z'));

    // Act
    const answer = await get(`${sb.urls.pictory}/pictoryapis/v1/quota`, {
      authorization: `Bearer ${sb.keyOf('video-prod')}`,
      'user-agent': USER_AGENT,
    });

    // Assess
    expect(sb.keyOf('video-prod')).toMatch(/^pictai_[0-9a-f]{32}$/);
    expect(answer.status).toBe(401);
  });

  it.each(['node', 'undici', 'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)', 'axios/1.7.2', 'python-requests/2.32.3', 'curl/8.5.0'])(
    'rejects the default client User-Agent %s with a Cloudflare 1010 page',
    async (userAgent) => {
      // Prepare
      const sb = await start(new Date('2026-05-03T00:00:00Z'));

      // Act
      const answer = await rawGet(`${sb.urls.pictory}/pictoryapis/v1/quota`, {
        authorization: sb.keyOf('video-prod'),
        'user-agent': userAgent,
      });

      // Assess
      expect(answer.status).toBe(403);
      expect(answer.contentType).toMatch(/^text\/html/);
      expect(answer.text).toContain('error code: 1010');
    },
  );

  it('rejects a request without any User-Agent, and fetch without one (it sends "node")', async () => {
    // Prepare
    const sb = await start(new Date('2026-05-03T00:00:00Z'));

    // Act
    const missing = await rawGet(`${sb.urls.pictory}/pictoryapis/v1/quota`, { authorization: sb.keyOf('video-prod') });
    const fetched = await get(`${sb.urls.pictory}/pictoryapis/v1/quota`, { authorization: sb.keyOf('video-prod') });

    // Assess
    expect(missing.status).toBe(403);
    expect(missing.text).toContain('error code: 1010');
    expect(fetched.status).toBe(403);
  });

  it('answers 404 to unknown paths and 405 to other methods', async () => {
    // Prepare
    const sb = await start(new Date('2026-05-03T00:00:00Z'));
    const headers = { authorization: sb.keyOf('video-prod'), 'user-agent': USER_AGENT };

    // Act
    const unknown = await get(`${sb.urls.pictory}/pictoryapis/v1/nothing`, headers);
    const posted = await get(`${sb.urls.pictory}/pictoryapis/v1/quota`, headers, { method: 'POST' });

    // Assess
    expect(unknown.status).toBe(404);
    expect(posted.status).toBe(405);
  });

  it('knows no account before its start', async () => {
    // Prepare
    const sb = await start(after(APRIL, -DAY));

    // Act
    const answer = await pictory(sb, 'video-prod', '/pictoryapis/v1/quota');

    // Assess
    expect(answer.status).toBe(401);
    expect(sb.balanceOf('video-prod')).toBe(0);
  });
});
