import { describe, expect, it } from 'vitest';
import { jwtExpiry, mapAccountLedger, type AccountLedgerEntry } from '../../../lib/providers/account-api.js';

function entry(fields: Partial<AccountLedgerEntry> & Pick<AccountLedgerEntry, 'id' | 'type' | 'amount'>): AccountLedgerEntry {
  return {
    balance_after: undefined,
    description: undefined,
    reference: undefined,
    created_at: new Date('2026-05-01T00:00:00Z'),
    ...fields,
  };
}

describe('mapAccountLedger', () => {
  it('signs debits and credits, spots auto-reloads, and trusts balance_after for adjustments', () => {
    // Prepare: out of order, as a newest-first page would be, with an unsigned adjustment.
    const at = (minute: number): Date => new Date(Date.UTC(2026, 4, 1, 0, minute));
    const entries = [
      entry({ id: '5', type: 'adjustment', amount: 3, balance_after: 1_077, created_at: at(5) }),
      entry({ id: '4', type: 'credit', amount: 50, balance_after: 1_080, reference: 'AUTO_RELOAD-7', created_at: at(4) }),
      entry({ id: '3', type: 'credit', amount: 10, balance_after: 1_030, description: 'Card purchase', created_at: at(3) }),
      entry({ id: '2', type: 'debit', amount: -20, balance_after: 1_020, created_at: at(2) }),
      entry({ id: '1', type: 'adjustment', amount: -2.5, created_at: at(1) }),
      entry({ id: '6', type: 'credit', amount: 1, description: 'Auto reload', created_at: at(6) }),
    ];

    // Act
    const ledger = mapAccountLedger(entries);

    // Assess
    expect(ledger.map((e) => [e.id, e.type, e.delta])).toEqual([
      ['1', 'adjustment', -2.5],
      ['2', 'debit', -20],
      ['3', 'credit', 10],
      ['4', 'reload', 50],
      ['5', 'adjustment', -3],
      ['6', 'reload', 1],
    ]);
    expect(ledger[1]?.balanceAfter).toBe(1_020);
    expect(ledger[2]?.description).toBe('Card purchase');
  });
});

describe('jwtExpiry', () => {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('decodes a numeric exp claim without verifying the signature', () => {
    // Prepare
    const token = `${encode({ alg: 'HS256' })}.${encode({ sub: 'x', exp: 1_780_000_000 })}.not-a-real-signature`;

    // Act
    const expiresAt = jwtExpiry(token);

    // Assess
    expect(expiresAt?.toISOString()).toBe(new Date(1_780_000_000_000).toISOString());
  });

  it.each([
    ['an opaque key', 'sk_live_0123456789abcdef'],
    ['a JWT without exp', `${encode({ alg: 'none' })}.${encode({ sub: 'x' })}.sig`],
    ['a JWT with a string exp', `${encode({ alg: 'none' })}.${encode({ exp: 'tomorrow' })}.sig`],
    ['three dotted parts that are not JSON', 'a.b.c'],
  ])('gives no expiry for %s', (_name, token) => {
    // Act
    const expiresAt = jwtExpiry(token);

    // Assess
    expect(expiresAt).toBeUndefined();
  });
});
