// The hand readers of ledger items (lib/providers/schema.ts ItemReader) must read exactly what their zod
// schemas read, or step aside: checked here on generated items, valid and not.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountLedgerEntrySchema, readAccountLedgerEntry } from '../../../lib/providers/account-api.js';
import { pictoryTransactionSchema, pictoryUsageSchema, readPictoryTransaction } from '../../../lib/providers/pictory.js';
import { arrayOf, timestamp } from '../../../lib/providers/schema.js';

/** A field value: usually a plausible one, sometimes anything. */
const anyValue = fc.oneof(fc.constant(undefined), fc.constant(null), fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.object());
const isoTimestamp = fc
  .date({ min: new Date('0900-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const timestampLike = fc.oneof(
  { arbitrary: isoTimestamp, weight: 6 },
  isoTimestamp.map((s) => s.replace('.000Z', 'Z')),
  isoTimestamp.map((s) => s.slice(0, 19)),
  isoTimestamp.map((s) => s.slice(0, 10)),
  isoTimestamp.map((s) => `${s.slice(0, 19)}+02:00`),
  isoTimestamp.map((s) => ` ${s} `),
  fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 25 })).map(
    ([y, m, d, h]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00.000Z`,
  ),
  anyValue,
);
/** Mostly what a vendor sends, sometimes anything: the hand readers are exercised and so is the fallback. */
const usually = <T,>(valid: fc.Arbitrary<T>) => fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: anyValue, weight: 1 });
const text = usually(fc.oneof(fc.string(), fc.constant('Credits consumed'), fc.constant('a\u001b[31mb\r\nc'), fc.string({ minLength: 490, maxLength: 520 })));
const amount = usually(fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer(), fc.constant(1e16), fc.constant(Number.NaN), fc.constant('12.5')));
const id = usually(fc.oneof(fc.string({ minLength: 1 }), fc.integer(), fc.constant(''), fc.constant(Number.POSITIVE_INFINITY)));
/** An object with some of the fields left out. */
function withSomeMissing(entry: Record<string, unknown>, missing: readonly boolean[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entry).filter((_, i) => !missing[i]));
}

/** Items the hand reader took itself (so the property is not met only by stepping aside). */
let taken = 0;

function expectSameReading(read: (value: unknown) => unknown, schema: { safeParse(value: unknown): { success: boolean; data?: unknown } }, item: unknown): void {
  const quick = read(item);
  const slow = schema.safeParse(item);
  if (quick === undefined) return;
  taken += 1;
  expect(slow.success).toBe(true);
  expect(quick).toStrictEqual(slow.data);
  expect(Object.keys(quick as object)).toEqual(Object.keys(slow.data as object));
}

describe('hand readers of ledger items', () => {
  it('read an Account API entry exactly as its schema does, or leave it to the schema', () => {
    // Prepare
    const entries = fc.tuple(
      fc.record({ id, type: usually(fc.constantFrom('credit', 'debit', 'adjustment', 'refund')), amount, balance_after: amount, description: text, reference: text, created_at: timestampLike }),
      fc.array(fc.nat(6).map((x) => x === 0), { minLength: 7, maxLength: 7 }),
    );

    taken = 0;

    // Act
    fc.assert(fc.property(entries, ([entry, missing]) => expectSameReading(readAccountLedgerEntry, accountLedgerEntrySchema, withSomeMissing(entry, missing))), { numRuns: 6_000 });

    // Assess
    expect(taken).toBeGreaterThan(100);
  });

  it('read a Pictory transaction exactly as its schema does, or leave it to the schema', () => {
    // Prepare
    const transactions = fc.tuple(
      fc.record({ transactionId: id, type: usually(fc.constantFrom('credit', 'debit')), amount, source: text, description: text, plan: text, transactionDate: timestampLike }),
      fc.array(fc.nat(6).map((x) => x === 0), { minLength: 7, maxLength: 7 }),
    );

    taken = 0;

    // Act
    fc.assert(fc.property(transactions, ([entry, missing]) => expectSameReading(readPictoryTransaction, pictoryTransactionSchema, withSomeMissing(entry, missing))), { numRuns: 6_000 });

    // Assess
    expect(taken).toBeGreaterThan(100);
  });

  it('take the usual entries themselves', () => {
    // Prepare
    const usual = { transactionId: 't-1', type: 'debit', amount: 0.84, source: 'AI Avatar', description: 'Credits consumed', plan: 'API Annual', transactionDate: '2026-11-15T12:00:00.000Z' };
    const entry = { id: 3486880, type: 'debit', amount: 2.31, balance_after: 3198.2, description: 'API usage', reference: 'usage_1', created_at: '2026-11-15T12:00:00.000Z' };

    // Act
    const transaction = readPictoryTransaction(usual);
    const ledgerEntry = readAccountLedgerEntry(entry);

    // Assess
    expect(transaction).toStrictEqual(pictoryTransactionSchema.parse(usual));
    expect(ledgerEntry).toStrictEqual(accountLedgerEntrySchema.parse(entry));
  });

  it('give an array the same result and the same first problem as the schema alone', () => {
    // Prepare
    const items = fc.array(
      fc.record({ transactionId: id, type: fc.constantFrom('credit', 'debit', 'x'), amount, description: text, transactionDate: timestampLike }),
      { maxLength: 6 },
    );
    const zodOnly = arrayOf(pictoryTransactionSchema);

    // Act and assess
    fc.assert(
      fc.property(items, (list) => {
        const quick = pictoryUsageSchema.safeParse(list);
        const slow = zodOnly.safeParse(list);
        expect(quick.success).toBe(slow.success);
        if (quick.success && slow.success) expect(quick.data).toStrictEqual(slow.data);
        else expect(quick.error?.issues).toEqual(slow.error?.issues);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('timestamps in the usual form', () => {
  it('read as Date.parse reads them, whatever the digits', () => {
    // Prepare: every field in and out of range, with and without milliseconds.
    const stamps = fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 19 }),
        fc.integer({ min: 0, max: 39 }),
        fc.integer({ min: 0, max: 29 }),
        fc.integer({ min: 0, max: 69 }),
        fc.integer({ min: 0, max: 69 }),
        fc.option(fc.integer({ min: 0, max: 999 })),
      )
      .map(([y, mo, d, h, mi, s, ms]) => {
        const p = (n: number, w = 2) => String(n).padStart(w, '0');
        return `${p(y, 4)}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}${ms === null ? '' : `.${p(ms, 3)}`}Z`;
      });

    // Act and assess
    fc.assert(
      fc.property(stamps, (stamp) => {
        const read = timestamp.safeParse(stamp);
        const expected = Date.parse(stamp);
        if (Number.isNaN(expected)) expect(read.success).toBe(false);
        else expect(read.success && read.data.getTime()).toBe(expected);
      }),
      { numRuns: 5_000 },
    );
  });
});
