import type { AccountFigures } from './model.js';

/** What one credit costs (`creditPrice` in the budgets file). */
export interface CreditPrice {
  readonly amount: number;
  /** ISO 4217. */
  readonly currency: string;
}

/** An account's figures in money (the report's and the digest's `money`). */
export interface Money {
  readonly currency: string;
  readonly used: number;
  readonly available: number;
  readonly budget?: number;
  readonly forecast?: number;
}

/** Credits × price, to the cent; undefined without a price. */
export function moneyOf(figures: AccountFigures, price: CreditPrice | undefined): Money | undefined {
  if (price === undefined) return undefined;
  const of = (credits: number) => Math.round(credits * price.amount * 100) / 100;
  const c = figures.consumption;
  return {
    currency: price.currency,
    used: of(c?.used ?? 0),
    available: of(figures.balance.available),
    ...(c?.budget !== undefined && { budget: of(c.budget) }),
    ...(c?.forecast !== undefined && { forecast: of(c.forecast) }),
  };
}

/** Sums per currency, never mixing currencies; sorted by currency. */
export function totalsByCurrency(amounts: readonly Money[]): { currency: string; used: number; available: number }[] {
  const totals = new Map<string, { currency: string; used: number; available: number }>();
  for (const m of amounts) {
    const t = totals.get(m.currency) ?? { currency: m.currency, used: 0, available: 0 };
    totals.set(m.currency, { currency: m.currency, used: round(t.used + m.used), available: round(t.available + m.available) });
  }
  return [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

/** An amount with its currency: `$8.70`, `€1,234.50`, `12.00 CHF`. */
export function formatMoney(amount: number, currency: string): string {
  const format = currencyFormat(currency);
  return format === null ? `${amount.toFixed(2)} ${currency}` : format.format(amount);
}

/** Currency formatters, built on first use (immutable; one per currency), null where Intl knows no such currency. */
const currencyFormats = new Map<string, Intl.NumberFormat | null>();

function currencyFormat(currency: string): Intl.NumberFormat | null {
  let format = currencyFormats.get(currency);
  if (format === undefined) {
    try {
      format = new Intl.NumberFormat('en-US', { style: 'currency', currency, currencyDisplay: 'narrowSymbol' });
    } catch {
      format = null;
    }
    currencyFormats.set(currency, format);
  }
  return format;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
