import { defaultKey, defaultParams, hashInt } from './ids.js';
import { HOUR_MS, MINUTE_MS, hourStartUtc } from './time.js';
import { Timeline, fromMicro, toMicro, type ReloadSettings } from './timeline.js';
import { SANDBOX_VENDORS, type SandboxAccountSpec, type SandboxVendor } from './types.js';

/** Plain auto-reload settings, in credits. */
export interface AutoReload {
  readonly enabled: boolean;
  readonly threshold: number;
  readonly amount: number;
}

/** Request counts over a window, as /usage reports them. */
export interface UsageCounts {
  readonly total: number;
  readonly failed: number;
}

const ACCOUNT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** The vendors whose allowance resets monthly (a quota: limit and used). */
const ALLOWANCE_VENDORS: readonly SandboxVendor[] = ['pictory', 'elevenlabs', 'deepl'];

function fail(accountId: string, message: string): never {
  throw new TypeError(`sandbox account ${accountId || '(no id)'}: ${message}`);
}

function instant(accountId: string, field: string, value: unknown): number {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) fail(accountId, `${field} must be a valid Date`);
  return value.getTime();
}

function finite(accountId: string, field: string, value: unknown, min = -Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    fail(accountId, `${field} must be a finite number${min > -Infinity ? ` ≥ ${min}` : ''}`);
  }
  return value;
}

function validateReload(accountId: string, field: string, settings: AutoReload): AutoReload {
  if (typeof settings.enabled !== 'boolean') fail(accountId, `${field}.enabled must be a boolean`);
  return {
    enabled: settings.enabled,
    threshold: finite(accountId, `${field}.threshold`, settings.threshold, 0),
    amount: finite(accountId, `${field}.amount`, settings.amount, 0),
  };
}

/**
 * One simulated account: its validated spec, its credential and its lazily simulated history.
 * Mutations (top-ups, auto-reload changes) drop the history, which is re-simulated on demand.
 */
export class SimAccount {
  readonly id: string;
  readonly vendor: SandboxVendor;
  readonly key: string;
  readonly start: number;
  readonly spec: Readonly<SandboxAccountSpec>;
  /** Parameters of the vendor's URL or credential (deepgram projectId, twilio accountSid). */
  readonly params: Readonly<Record<string, string>>;
  /** The vendor-side numeric user id (stable per account id). */
  readonly userId: number;
  /** Offset of the account-api ledger ids, so that ids look like a shared sequence. */
  readonly ledgerIdBase: number;
  private readonly topUps: { at: number; amount: number }[];
  private readonly adjustments: { at: number; amount: number }[];
  private readonly reloadChanges: { from: number; settings: AutoReload | undefined }[];
  private readonly burnPerHour: (hourStart: number) => number;
  private readonly errorRate: (hourStart: number) => number;
  private history: Timeline | undefined;

  constructor(spec: SandboxAccountSpec) {
    const id = typeof spec.id === 'string' ? spec.id : '';
    if (!ACCOUNT_ID.test(id)) fail(id, 'id must be a non-empty string of letters, digits, ".", "_" or "-"');
    if (!SANDBOX_VENDORS.includes(spec.vendor)) fail(id, `unknown vendor ${String(spec.vendor)}`);
    this.id = id;
    this.vendor = spec.vendor;
    this.start = instant(id, 'start', spec.start);
    finite(id, 'openingBalance', spec.openingBalance, 0);
    if (spec.debitEveryMinutes !== undefined && finite(id, 'debitEveryMinutes', spec.debitEveryMinutes) * MINUTE_MS < 1000) {
      fail(id, 'debitEveryMinutes must be at least 1/60 (one second)');
    }
    const onlyFor = (field: keyof SandboxAccountSpec, vendor: SandboxVendor): void => {
      if (spec[field] !== undefined && spec.vendor !== vendor) fail(id, `${field} is for ${vendor} accounts only`);
    };
    onlyFor('tokenExpiresAt', 'account-api');
    onlyFor('adjustments', 'account-api');
    onlyFor('autoReload', 'account-api');
    onlyFor('usage', 'account-api');
    onlyFor('currency', 'account-api');
    onlyFor('ledgerEnvelope', 'account-api');
    if (spec.monthlyAllowance !== undefined && !ALLOWANCE_VENDORS.includes(spec.vendor)) {
      fail(id, `monthlyAllowance is for ${ALLOWANCE_VENDORS.join(', ')} accounts only`);
    }
    if (spec.tokenExpiresAt !== undefined) instant(id, 'tokenExpiresAt', spec.tokenExpiresAt);
    if (spec.monthlyAllowance !== undefined) finite(id, 'monthlyAllowance', spec.monthlyAllowance, 0);
    if (spec.ledgerEnvelope !== undefined && !['array', 'data', 'entries', 'items'].includes(spec.ledgerEnvelope)) {
      fail(id, `unknown ledgerEnvelope ${String(spec.ledgerEnvelope)}`);
    }
    if (spec.key !== undefined && (typeof spec.key !== 'string' || !/^[\x21-\x7e]+$/.test(spec.key))) {
      fail(id, 'key must be a non-empty string of visible ASCII characters');
    }

    this.topUps = (spec.topUps ?? []).map((topUp, i) => this.movement(`topUps[${i}]`, topUp, true));
    this.adjustments = (spec.adjustments ?? []).map((adjustment, i) =>
      this.movement(`adjustments[${i}]`, adjustment, false),
    );
    this.topUps.sort((a, b) => a.at - b.at);
    this.adjustments.sort((a, b) => a.at - b.at);
    this.reloadChanges = [
      {
        from: this.start,
        settings: spec.autoReload === undefined ? undefined : validateReload(id, 'autoReload', spec.autoReload),
      },
    ];

    const burn = spec.burnPerHour;
    if (typeof burn === 'number') {
      const perHour = finite(id, 'burnPerHour', burn, 0);
      this.burnPerHour = () => perHour;
    } else if (typeof burn === 'function') {
      this.burnPerHour = (hourStart) => burn(new Date(hourStart));
    } else {
      fail(id, 'burnPerHour must be a number or a function');
    }
    if (spec.usage !== undefined) {
      finite(id, 'usage.requestsPerHour', spec.usage.requestsPerHour, 0);
      const rate = spec.usage.errorRate;
      this.errorRate =
        typeof rate === 'number' ? () => rate : (hourStart) => rate(new Date(hourStart));
    } else {
      this.errorRate = () => 0;
    }

    this.key = spec.key ?? defaultKey(spec.vendor, id, spec.start, spec.tokenExpiresAt);
    this.params = Object.freeze({ ...defaultParams(spec.vendor, id), ...spec.params });
    this.spec = Object.freeze({ ...spec, key: this.key });
    this.userId = 1000 + hashInt(`user:${id}`, 900_000);
    this.ledgerIdBase = 10_000 + hashInt(`ledger:${id}`, 90_000) * 100;
  }

  /** Whether the account exists at `now` (nothing exists before its start). */
  existsAt(now: number): boolean {
    return now >= this.start;
  }

  /** The simulated history (created on first use, after each mutation). */
  get timeline(): Timeline {
    this.history ??= new Timeline({
      accountId: this.id,
      start: this.start,
      opening: toMicro(this.spec.openingBalance),
      burnPerHour: this.burnPerHour,
      debitEveryMs: Math.round((this.spec.debitEveryMinutes ?? 60) * MINUTE_MS),
      topUps: this.topUps,
      adjustments: this.adjustments,
      autoReloadAt: (at) => this.reloadMicroAt(at),
      ...(this.spec.monthlyAllowance === undefined ? {} : { monthlyAllowance: toMicro(this.spec.monthlyAllowance) }),
    });
    return this.history;
  }

  /** The balance in credits at `now`; 0 before the account exists. */
  balanceAt(now: number): number {
    return this.existsAt(now) ? fromMicro(this.timeline.balanceAt(now)) : 0;
  }

  /** Adds a manual purchase. */
  addTopUp(amount: number, at: number): void {
    const topUp = this.movement('topUp', { at: new Date(at), amount }, true);
    const index = this.topUps.findIndex((existing) => existing.at > topUp.at);
    this.topUps.splice(index === -1 ? this.topUps.length : index, 0, topUp);
    this.history = undefined;
  }

  /** Changes the auto-reload settings from `from` on. */
  setAutoReload(settings: AutoReload, from: number): void {
    if (this.vendor !== 'account-api') fail(this.id, 'auto-reload is for account-api accounts only');
    const valid = validateReload(this.id, 'autoReload', settings);
    const kept = this.reloadChanges.filter((change) => change.from < from);
    this.reloadChanges.splice(0, this.reloadChanges.length, ...kept, { from, settings: valid });
    this.history = undefined;
  }

  /** The auto-reload settings in force at `at`, if the account has any. */
  autoReloadAt(at: number): AutoReload | undefined {
    for (let i = this.reloadChanges.length - 1; i >= 0; i--) {
      const change = this.reloadChanges[i];
      if (change !== undefined && change.from <= at) return change.settings;
    }
    return this.reloadChanges[0]?.settings;
  }

  /** Requests and failures with `from` ≤ t < `to` (clamped to the account's existence), spread evenly over each hour. */
  usageBetween(from: number, to: number): UsageCounts {
    const perHour = this.spec.usage?.requestsPerHour ?? 0;
    const lo = Math.max(from, this.start);
    if (perHour === 0 || to <= lo) return { total: 0, failed: 0 };
    let total = 0;
    let failed = 0;
    for (let hour = hourStartUtc(lo); hour < to; hour += HOUR_MS) {
      const overlap = Math.min(hour + HOUR_MS, to) - Math.max(hour, lo);
      if (overlap <= 0) continue;
      const requests = Math.floor((perHour * overlap) / HOUR_MS + 1e-9);
      const rate = this.errorRate(hour);
      if (!Number.isFinite(rate)) throw new RangeError(`errorRate of sandbox account ${this.id} is not a number`);
      total += requests;
      failed += Math.round(requests * Math.min(1, Math.max(0, rate)));
    }
    return { total, failed };
  }

  private reloadMicroAt(at: number): ReloadSettings | undefined {
    const settings = this.autoReloadAt(at);
    if (settings === undefined) return undefined;
    return { enabled: settings.enabled, threshold: toMicro(settings.threshold), amount: toMicro(settings.amount) };
  }

  private movement(field: string, value: { at: Date; amount: number }, positive: boolean): { at: number; amount: number } {
    const at = instant(this.id, `${field}.at`, value.at);
    if (at < this.start) fail(this.id, `${field}.at is before the account's start`);
    const amount = finite(this.id, `${field}.amount`, value.amount);
    if (positive ? amount <= 0 : amount === 0) fail(this.id, `${field}.amount must be ${positive ? 'positive' : 'non-zero'}`);
    return { at, amount: toMicro(amount) };
  }
}
