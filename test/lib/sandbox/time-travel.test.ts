import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxAccountSpec } from '../../../lib/sandbox/index.js';
import { DAY, HOUR, accountApi, after, pictory, pixelcut } from './helpers.js';

interface LedgerEntry {
  id: number;
  created_at: string;
  balance_after: number;
}

const MAY = new Date('2026-05-01T00:00:00.000Z');

const ACCOUNTS: SandboxAccountSpec[] = [
  {
    id: 'chat-prod',
    vendor: 'account-api',
    start: MAY,
    openingBalance: 300,
    burnPerHour: (hourStart) => 2 + (hourStart.getUTCHours() % 3),
    autoReload: { enabled: true, threshold: 100, amount: 250 },
    topUps: [{ at: after(MAY, 2 * DAY + 30 * 60_000), amount: 75 }],
    adjustments: [{ at: after(MAY, 3 * DAY), amount: -20 }],
  },
  { id: 'video-prod', vendor: 'pictory', start: MAY, openingBalance: 200, monthlyAllowance: 200, burnPerHour: 0.3 },
  { id: 'images-prod', vendor: 'pixelcut', start: MAY, openingBalance: 100, burnPerHour: 1 },
];

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function wholeLedger(sb: Sandbox, accountId: string): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = (await accountApi(sb, accountId, `ledger?limit=100&offset=${offset}`)).json<{ data: LedgerEntry[]; has_more: boolean }>();
    entries.push(...page.data);
    if (!page.has_more) return entries;
  }
}

describe('time travel', () => {
  it('gives the same answers at an instant whichever way the clock got there', async () => {
    // Prepare
    const late = after(MAY, 6 * DAY + 7 * HOUR);
    const early = after(MAY, 2 * DAY + 11 * HOUR);
    sandbox = await startSandbox({ now: late, accounts: ACCOUNTS, enforceRateLimits: false });
    const sb = sandbox;

    // Act
    const lateLedger = await wholeLedger(sb, 'chat-prod');
    const lateUsage = (await pictory(sb, 'video-prod', '/pictoryapis/v1/aicredits/usage')).json<{ transactionId: string; transactionDate: string }[]>();
    sb.setNow(early);
    const earlyLedger = await wholeLedger(sb, 'chat-prod');
    const earlyUsage = (await pictory(sb, 'video-prod', '/pictoryapis/v1/aicredits/usage')).json<{ transactionId: string; transactionDate: string }[]>();
    const earlyCredits = (await accountApi(sb, 'chat-prod', 'credits')).json<{ balance: number }>();
    sb.setNow(late);
    const lateAgain = await wholeLedger(sb, 'chat-prod');
    const lateUsageAgain = (await pictory(sb, 'video-prod', '/pictoryapis/v1/aicredits/usage')).json();

    // Assess
    expect(lateAgain).toEqual(lateLedger);
    expect(lateUsageAgain).toEqual(lateUsage);
    expect(earlyLedger).toEqual(lateLedger.filter((entry) => Date.parse(entry.created_at) <= early.getTime()));
    expect(earlyUsage).toEqual(lateUsage.filter((entry) => Date.parse(entry.transactionDate) <= early.getTime()));
    expect(earlyCredits.balance).toBe(earlyLedger[0]?.balance_after);
    expect(lateLedger.some((entry) => (entry as unknown as { description: string }).description === 'Auto-reload')).toBe(true);
  });

  it('keeps balanceOf in step with what the vendors answer, hour by hour, both ways', async () => {
    // Prepare
    sandbox = await startSandbox({ now: MAY, accounts: ACCOUNTS, enforceRateLimits: false });
    const sb = sandbox;
    const hours = [70, 3, 49, 49, 120, 1, 96];

    // Act
    const observed = [];
    for (const hour of hours) {
      sb.setNow(after(MAY, hour * HOUR));
      const credits = (await accountApi(sb, 'chat-prod', 'credits')).json<{ available: number }>();
      const quota = (await pictory(sb, 'video-prod', '/pictoryapis/v1/quota')).json<{ aiCredits: { used: number; limit: number } }>();
      const images = await pixelcut(sb, 'images-prod');
      // Out of credits is a 403, not a zero.
      const remaining = images.status === 403 ? 0 : Number(images.json<{ credits_remaining: string }>().credits_remaining);
      observed.push({
        chat: [credits.available, sb.balanceOf('chat-prod')],
        video: [quota.aiCredits.limit - quota.aiCredits.used, sb.balanceOf('video-prod')],
        images: [remaining, sb.balanceOf('images-prod')],
      });
    }

    // Assess
    for (const { chat, video, images } of observed) {
      expect(chat[0]).toBe(chat[1]);
      expect(video[0]).toBeCloseTo(video[1] ?? NaN, 9);
      expect(images[0]).toBe(images[1]);
    }
    expect(observed[2]).toEqual(observed[3]);
    expect(observed.map((o) => o.images[1])).toEqual([30, 97, 51, 51, 0, 99, 4]);
  });

  it('knows nothing before an account starts', async () => {
    // Prepare
    sandbox = await startSandbox({ now: after(MAY, DAY), accounts: ACCOUNTS });
    const sb = sandbox;

    // Act
    sb.setNow(after(MAY, -HOUR));
    const answer = await accountApi(sb, 'chat-prod', 'credits');

    // Assess
    expect(answer.status).toBe(401);
    expect(sb.balanceOf('chat-prod')).toBe(0);
  });
});
