import type { ProviderName } from '../model.js';

/**
 * The rules of one watched account, as far as the pure evaluation needs them. Structural on purpose:
 * config's `AccountConfig` (which also holds the key, base URL …) is assignable to it.
 */
export interface RulesConfig {
  readonly id: string;
  readonly provider: ProviderName;
  /** IANA zone; periods are calendar months and "today" is a local day in this zone. */
  readonly timezone: string;
  /** Percents of `monthly`, e.g. `[50, 80, 100]`. */
  readonly budget?: {
    readonly monthly: number;
    readonly alertAt: readonly number[];
    readonly forecastAt: readonly number[];
  };
  readonly balance?: { readonly below?: number; readonly runwayDays?: number };
  /** Presence means "we expect the vendor's auto-reload to be enabled". */
  readonly autoReload?: { readonly warnWithin?: number };
  /** `errorRate` is a percent, e.g. 5. */
  readonly usage?: { readonly spikeFactor?: number; readonly errorRate?: number };
  readonly authExpiryWarnDays: number;
}
