import { validateBudgets, type BudgetsConfig } from '../../lib/config-schema.js';
import type { ProviderName as AnyProviderName } from '../../lib/model.js';

/** The vendors the benchmarks check: the sandbox's own three (the json presets are not benchmarked). */
export type ProviderName = Extract<AnyProviderName, 'pictory' | 'account-api' | 'pixelcut'>;
type SandboxVendor = ProviderName;

/** The instant every benchmark checks at: the middle of a month, so the window is Nov 1 → now. */
export const BENCH_NOW = new Date('2026-11-15T12:00:00.000Z');
/** Accounts exist from a month and a half before, so trailing windows have history. */
export const BENCH_START = new Date('2026-10-01T00:00:00.000Z');
/** One debit every 84 minutes: 248 entries between Nov 1 00:00Z and Nov 15 12:00Z, i.e. 3 ledger pages of 100. */
export const DEBIT_EVERY_MINUTES = 84;
/** The Account API's page size (the adapter asks for the maximum). */
export const LEDGER_PAGE_SIZE = 100;

const VENDORS: readonly SandboxVendor[] = ['pictory', 'account-api', 'pixelcut'];

/** A sandbox account as plain JSON (dates as ISO strings), so it can cross to a sandbox child process. */
export interface SpecJson {
  readonly id: string;
  readonly vendor: SandboxVendor;
  readonly key: string;
  readonly start: string;
  readonly openingBalance: number;
  readonly burnPerHour: number;
  readonly debitEveryMinutes: number;
  readonly monthlyAllowance?: number;
  readonly autoReload?: { enabled: boolean; threshold: number; amount: number };
  readonly usage?: { requestsPerHour: number; errorRate: number };
}

/** The i-th benchmark account (0-based): vendors in turn, each with its own key (Pixelcut limits per key). */
export function benchSpec(index: number): SpecJson {
  const vendor = VENDORS[index % VENDORS.length]!;
  const id = `${vendor}-${String(index).padStart(4, '0')}`;
  // Slightly different burn per account, so the accounts are not all alike.
  const jitter = 1 + (index % 7) / 10;
  const base = { id, vendor, key: `bench-${vendor}-key-${index}-${(index * 2_654_435_761) >>> 0}`, start: BENCH_START.toISOString(), debitEveryMinutes: DEBIT_EVERY_MINUTES };
  switch (vendor) {
    case 'pictory':
      return { ...base, openingBalance: 500, monthlyAllowance: 500, burnPerHour: 0.6 * jitter };
    case 'account-api':
      return {
        ...base,
        openingBalance: 5_000,
        burnPerHour: 1.5 * jitter,
        autoReload: { enabled: true, threshold: 100, amount: 500 },
        usage: { requestsPerHour: 600, errorRate: 0.01 },
      };
    case 'pixelcut':
      return { ...base, openingBalance: 2_000, burnPerHour: jitter };
  }
}

/** The first `n` benchmark accounts. */
export function benchSpecs(n: number): SpecJson[] {
  return Array.from({ length: n }, (_, i) => benchSpec(i));
}

/** The budgets config of these accounts against a sandbox: keys from the environment of `keyEnv`. */
export function benchConfig(specs: readonly SpecJson[], urls: Readonly<Record<SandboxVendor, string>>): BudgetsConfig {
  return validateBudgets(
    {
      accounts: specs.map((spec) => {
        const common = { id: spec.id, provider: spec.vendor, baseUrl: urls[spec.vendor], apiKey: { env: envName(spec.id) } };
        switch (spec.vendor) {
          case 'pictory':
            return { ...common, budget: { monthly: 400, alertAt: [50, 80, 100] }, balance: { below: 100 } };
          case 'account-api':
            return { ...common, budget: { monthly: 300 }, balance: { runwayDays: 7 }, autoReload: { warnWithin: 50 }, usage: { errorRate: 5 } };
          case 'pixelcut':
            return { ...common, balance: { below: 100, runwayDays: 7 } };
        }
      }),
    },
    'bench.json',
  );
}

/** The environment variable name an account's key is read from (the benchmarks resolve keys from a map). */
export function envName(accountId: string): string {
  return `KEY_${accountId.replace(/-/g, '_').toUpperCase()}`;
}

/** A key resolver over the specs' keys, like `apiKey: {env}` with an in-memory environment. */
export function keyResolver(specs: readonly SpecJson[]): (account: { id: string }) => Promise<string> {
  const keys = new Map(specs.map((s) => [s.id, s.key]));
  return async (account) => {
    const key = keys.get(account.id);
    if (key === undefined) throw new Error(`no bench key for ${account.id}`);
    return key;
  };
}

/** What one account costs the vendors: requests, and the longest chain of requests that must follow each other. */
export interface AccountNeeds {
  readonly provider: ProviderName;
  readonly requests: number;
  readonly depth: number;
  /** Requests counted against one per-key rate limit (Pixelcut), if the vendor has one. */
  readonly rateKey?: string;
}

/**
 * The requests a benchmark account needs, from the adapters' request plans: Account API credits ‖ usage ‖
 * ledger pages one after another; Pictory quota ‖ one usage request per month the window touches
 * (November only at BENCH_NOW); Pixelcut one request.
 */
export function accountNeeds(spec: SpecJson, ledgerEntries: number, monthsTouched: number): AccountNeeds {
  switch (spec.vendor) {
    case 'account-api': {
      // Paging stops at a short page, or at `total` (the sandbox sends it), so an exact multiple needs no extra page.
      const pages = Math.max(1, Math.ceil(ledgerEntries / LEDGER_PAGE_SIZE));
      return { provider: 'account-api', requests: 2 + pages, depth: pages };
    }
    case 'pictory':
      return { provider: 'pictory', requests: 1 + monthsTouched, depth: 1 };
    case 'pixelcut':
      return { provider: 'pixelcut', requests: 1, depth: 1, rateKey: spec.key };
  }
}
