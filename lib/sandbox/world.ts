import { SimAccount } from './account.js';
import type { SandboxAccountSpec, SandboxVendor } from './types.js';

/** The simulated accounts, their credentials and the sandbox clock. */
export class World {
  private nowMs: number;
  private readonly byId = new Map<string, SimAccount>();
  private readonly byKey = new Map<string, SimAccount>();

  constructor(now: Date) {
    this.nowMs = World.checkedTime(now);
  }

  private static checkedTime(now: Date): number {
    if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('sandbox now must be a valid Date');
    return now.getTime();
  }

  /** Sandbox now, in ms. */
  get now(): number {
    return this.nowMs;
  }

  /** Moves the sandbox clock (either direction). */
  setNow(now: Date): void {
    this.nowMs = World.checkedTime(now);
  }

  /** Adds an account; its id and key must be new. */
  add(spec: SandboxAccountSpec): SimAccount {
    const account = new SimAccount(spec);
    if (this.byId.has(account.id)) throw new TypeError(`sandbox account ${account.id} already exists`);
    const keyOwner = this.byKey.get(this.keyIndex(account.vendor, account.key));
    if (keyOwner !== undefined) throw new TypeError(`sandbox account ${account.id} has the key of ${keyOwner.id}`);
    this.byId.set(account.id, account);
    this.byKey.set(this.keyIndex(account.vendor, account.key), account);
    return account;
  }

  /** The account with this id; throws for an unknown id (a test bug). */
  get(accountId: string): SimAccount {
    const account = this.byId.get(accountId);
    if (account === undefined) throw new TypeError(`no sandbox account ${accountId}`);
    return account;
  }

  /** The account of `vendor` whose credential is `key`, whether or not it exists yet at now. */
  byCredential(vendor: SandboxVendor, key: string | undefined): SimAccount | undefined {
    return key === undefined ? undefined : this.byKey.get(this.keyIndex(vendor, key));
  }

  /** Every account, in insertion order. */
  all(): SimAccount[] {
    return [...this.byId.values()];
  }

  private keyIndex(vendor: SandboxVendor, key: string): string {
    return `${vendor}\u0000${key}`;
  }
}
