import { HOUR_MS, hourStartUtc, monthStartUtc } from './time.js';

/** What happened to an account's credits at one instant. */
export type EventKind = 'debit' | 'top-up' | 'adjustment' | 'reload' | 'reset';

const KINDS: readonly EventKind[] = ['debit', 'top-up', 'adjustment', 'reload', 'reset'];
const DEBIT = 0;
const TOP_UP = 1;
const ADJUSTMENT = 2;
const RELOAD = 3;
const RESET = 4;

/** Pictory restores the allowance at this offset into the 1st of each month, not at midnight. */
export const MONTHLY_RESET_OFFSET_MS = ((10 * 60 + 12) * 60 + 59) * 1000 + 445;

/** Credits are kept as integer micro-credits so that sums and balances never drift. */
export const MICRO = 1_000_000;

/** Converts credits to integer micro-credits. */
export function toMicro(credits: number): number {
  return Math.round(credits * MICRO);
}

/** Converts integer micro-credits back to credits. */
export function fromMicro(micro: number): number {
  return micro / MICRO;
}

/** One entry of the timeline, amounts in micro-credits. */
export interface TimelineEvent {
  readonly index: number;
  readonly at: number;
  readonly kind: EventKind;
  /** As the vendor shows it: positive, except adjustments (signed); a reset shows the allowance. */
  readonly amount: number;
  readonly balanceAfter: number;
  /** 1-based rank among the events of its kind (the n of `auto_reload:<n>`). */
  readonly ordinal: number;
  /** How many earlier events share this instant (keeps derived ids unique). */
  readonly sameInstant: number;
}

/** Auto-reload settings in micro-credits. */
export interface ReloadSettings {
  readonly enabled: boolean;
  readonly threshold: number;
  readonly amount: number;
}

/** Everything the simulation of one account depends on; amounts in micro-credits, instants in ms. */
export interface TimelineInputs {
  readonly accountId: string;
  readonly start: number;
  readonly opening: number;
  /** Credits (not micro) consumed in the hour starting at the given instant. */
  readonly burnPerHour: (hourStart: number) => number;
  readonly debitEveryMs: number;
  /** Sorted by `at`. */
  readonly topUps: readonly { readonly at: number; readonly amount: number }[];
  /** Sorted by `at`. */
  readonly adjustments: readonly { readonly at: number; readonly amount: number }[];
  readonly autoReloadAt: (at: number) => ReloadSettings | undefined;
  readonly monthlyAllowance?: number;
}

interface SimState {
  balance: number;
  limit: number;
  used: number;
  consumed: number;
  nextDebitAt: number;
  nextResetAt: number;
  topUpIndex: number;
  adjustmentIndex: number;
  reloadAt: number;
  reloadAmount: number;
  ordinals: number[];
  burnHour: number;
  burnMicroPerSlot: number;
}

/**
 * The event history of one account, simulated forward on demand and kept in columns: serving a
 * request at `now` advances the simulation to `now` once, and every later question (at that or an
 * earlier instant) is a binary search. Time travel backward is free; forward resumes where it stopped.
 */
export class Timeline {
  private length = 0;
  private at = new Float64Array(64);
  private kind = new Uint8Array(64);
  private amount = new Float64Array(64);
  private balance = new Float64Array(64);
  private limit = new Float64Array(64);
  private used = new Float64Array(64);
  private consumed = new Float64Array(64);
  private ordinal = new Uint32Array(64);
  private same = new Uint32Array(64);
  private computedUntil: number;
  private readonly state: SimState;
  readonly initialLimit: number;
  readonly initialUsed: number;

  constructor(private readonly inputs: TimelineInputs) {
    const { start, opening, debitEveryMs, monthlyAllowance } = inputs;
    // Quota as Pictory reports it: limit − used = balance, with the allowance as the cycle's limit.
    this.initialLimit = Math.max(monthlyAllowance ?? opening, opening);
    this.initialUsed = this.initialLimit - opening;
    let firstReset = monthStartUtc(start) + MONTHLY_RESET_OFFSET_MS;
    if (firstReset < start) firstReset = monthStartUtc(start, 1) + MONTHLY_RESET_OFFSET_MS;
    this.state = {
      balance: opening,
      limit: this.initialLimit,
      used: this.initialUsed,
      consumed: 0,
      // Debits sit at the ends of grid slots; only slots wholly inside the world are charged.
      nextDebitAt: Math.ceil(start / debitEveryMs) * debitEveryMs + debitEveryMs,
      nextResetAt: monthlyAllowance === undefined ? Infinity : firstReset,
      topUpIndex: 0,
      adjustmentIndex: 0,
      reloadAt: Infinity,
      reloadAmount: 0,
      ordinals: [0, 0, 0, 0, 0],
      burnHour: NaN,
      burnMicroPerSlot: 0,
    };
    this.computedUntil = start - 1;
  }

  /** Number of events at or before `t`. */
  countUntil(t: number): number {
    this.advanceTo(t);
    return this.upperBound(t);
  }

  /** Index of the first event at or after `t` (events up to `horizon` are simulated). */
  firstIndexFrom(t: number, horizon: number): number {
    this.advanceTo(horizon);
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.at[mid] ?? Infinity) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Balance (micro) at `t`, after every event at or before it. */
  balanceAt(t: number): number {
    const n = this.countUntil(t);
    return n === 0 ? this.inputs.opening : (this.balance[n - 1] ?? 0);
  }

  /** Pictory's quota (micro) at `t`. */
  quotaAt(t: number): { limit: number; used: number } {
    const n = this.countUntil(t);
    if (n === 0) return { limit: this.initialLimit, used: this.initialUsed };
    return { limit: this.limit[n - 1] ?? 0, used: this.used[n - 1] ?? 0 };
  }

  /** Sum (micro) of debits with `from` ≤ at ≤ `to`. */
  consumedBetween(from: number, to: number): number {
    if (to < from) return 0;
    const before = this.firstIndexFrom(from, to);
    const through = this.countUntil(to);
    const upTo = (n: number): number => (n === 0 ? 0 : (this.consumed[n - 1] ?? 0));
    return upTo(through) - upTo(before);
  }

  /** The instant of the last event at or before `t`, if any. */
  lastEventAt(t: number): number | undefined {
    const n = this.countUntil(t);
    return n === 0 ? undefined : this.at[n - 1];
  }

  /** The event at `index` (which must be below a count returned earlier). */
  event(index: number): TimelineEvent {
    if (index < 0 || index >= this.length) throw new RangeError(`no timeline event ${index}`);
    return {
      index,
      at: this.at[index] ?? 0,
      kind: KINDS[this.kind[index] ?? 0] ?? 'debit',
      amount: this.amount[index] ?? 0,
      balanceAfter: this.balance[index] ?? 0,
      ordinal: this.ordinal[index] ?? 0,
      sameInstant: this.same[index] ?? 0,
    };
  }

  /** Kind of the event at `index`, without building the whole event (for filtering). */
  kindOf(index: number): EventKind {
    return KINDS[this.kind[index] ?? 0] ?? 'debit';
  }

  private upperBound(t: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.at[mid] ?? Infinity) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Runs the simulation forward until every event at or before `until` exists. */
  private advanceTo(until: number): void {
    if (until <= this.computedUntil) return;
    const s = this.state;
    const { topUps, adjustments } = this.inputs;
    for (;;) {
      const topUpAt = topUps[s.topUpIndex]?.at ?? Infinity;
      const adjustmentAt = adjustments[s.adjustmentIndex]?.at ?? Infinity;
      const t = Math.min(s.nextResetAt, topUpAt, adjustmentAt, s.reloadAt, s.nextDebitAt);
      if (t > until) break;
      // Same-instant order: reset, top-up, adjustment, reload, debit.
      if (t === s.nextResetAt) {
        const allowance = this.inputs.monthlyAllowance ?? 0;
        s.balance = allowance;
        s.limit = allowance;
        s.used = 0;
        this.push(t, RESET, allowance);
        s.nextResetAt = monthStartUtc(t, 1) + MONTHLY_RESET_OFFSET_MS;
      } else if (t === topUpAt) {
        const amount = topUps[s.topUpIndex]?.amount ?? 0;
        s.balance += amount;
        s.limit += amount;
        this.push(t, TOP_UP, amount);
        s.topUpIndex++;
      } else if (t === adjustmentAt) {
        const amount = adjustments[s.adjustmentIndex]?.amount ?? 0;
        s.balance += amount;
        s.limit += amount;
        this.push(t, ADJUSTMENT, amount);
        s.adjustmentIndex++;
      } else if (t === s.reloadAt) {
        s.balance += s.reloadAmount;
        s.limit += s.reloadAmount;
        this.push(t, RELOAD, s.reloadAmount);
        s.reloadAt = Infinity;
      } else {
        this.debit(t);
        s.nextDebitAt = t + this.inputs.debitEveryMs;
      }
    }
    this.computedUntil = until;
  }

  private debit(t: number): void {
    const s = this.state;
    const slotHour = hourStartUtc(t - this.inputs.debitEveryMs);
    if (slotHour !== s.burnHour) {
      const perHour = this.inputs.burnPerHour(slotHour);
      if (!Number.isFinite(perHour) || perHour < 0) {
        throw new RangeError(
          `burnPerHour of sandbox account ${this.inputs.accountId} returned ${perHour} for ${new Date(slotHour).toISOString()}`,
        );
      }
      s.burnHour = slotHour;
      s.burnMicroPerSlot = toMicro((perHour * this.inputs.debitEveryMs) / HOUR_MS);
    }
    // Consumption stops at 0: the last debit takes only what is left.
    const amount = Math.min(s.burnMicroPerSlot, s.balance);
    if (amount <= 0) return;
    s.balance -= amount;
    s.used += amount;
    s.consumed += amount;
    this.push(t, DEBIT, amount);
    const reload = this.inputs.autoReloadAt(t);
    if (reload?.enabled && reload.amount > 0 && s.balance < reload.threshold && s.reloadAt === Infinity) {
      s.reloadAt = t + 1000;
      s.reloadAmount = reload.amount;
    }
  }

  private push(t: number, kind: number, amount: number): void {
    if (this.length === this.at.length) this.grow();
    const i = this.length;
    const s = this.state;
    s.ordinals[kind] = (s.ordinals[kind] ?? 0) + 1;
    this.at[i] = t;
    this.kind[i] = kind;
    this.amount[i] = amount;
    this.balance[i] = s.balance;
    this.limit[i] = s.limit;
    this.used[i] = s.used;
    this.consumed[i] = s.consumed;
    this.ordinal[i] = s.ordinals[kind] ?? 0;
    this.same[i] = i > 0 && this.at[i - 1] === t ? (this.same[i - 1] ?? 0) + 1 : 0;
    this.length++;
  }

  private grow(): void {
    const size = this.at.length * 2;
    const widen = <T extends Float64Array | Uint8Array | Uint32Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.at = widen(this.at, (n) => new Float64Array(n));
    this.kind = widen(this.kind, (n) => new Uint8Array(n));
    this.amount = widen(this.amount, (n) => new Float64Array(n));
    this.balance = widen(this.balance, (n) => new Float64Array(n));
    this.limit = widen(this.limit, (n) => new Float64Array(n));
    this.used = widen(this.used, (n) => new Float64Array(n));
    this.consumed = widen(this.consumed, (n) => new Float64Array(n));
    this.ordinal = widen(this.ordinal, (n) => new Uint32Array(n));
    this.same = widen(this.same, (n) => new Uint32Array(n));
  }
}
