import * as z from 'zod/mini';
import { ANY_TARGET } from '../alerts/records.js';
import type { AlertRecord } from '../alerts/types.js';
import { ALERT_KINDS, SEVERITIES } from '../model.js';
import type { AccountState } from './types.js';

const notification = z.object({
  status: z.enum(['firing', 'resolved']),
  severity: z.enum(SEVERITIES),
  at: z.string(),
});

/** An AlertRecord as stores read it back: validated, so a damaged store is reported, never trusted. */
export const alertRecordSchema = z.object({
  key: z.string(),
  target: z.string().check(z.minLength(1)),
  account: z.string(),
  kind: z.enum(ALERT_KINDS),
  once: z.optional(z.string()),
  notified: z.optional(notification),
  pending: z.optional(z.extend(notification, { until: z.string(), owner: z.optional(z.string()) })),
  unconfirmed: z.optional(z.array(z.enum(['firing', 'resolved']))),
  expiresAt: z.optional(z.string()),
  version: z.int().check(z.nonnegative()),
});

/** A record as written before claims were per target and beside the confirmed notification. */
export const legacyAlertRecordSchema = z.object({
  key: z.string(),
  account: z.string(),
  kind: z.enum(ALERT_KINDS),
  status: z.enum(['firing', 'resolved']),
  severity: z.enum(SEVERITIES),
  notifiedAt: z.string(),
  once: z.optional(z.string()),
  expiresAt: z.optional(z.string()),
  pendingUntil: z.optional(z.string()),
  version: z.int().check(z.nonnegative()),
});

/**
 * Reads a legacy record for `target` (ANY_TARGET: it stands for every target). A legacy claim
 * overwrote the status it claimed over, so a pending legacy record has nothing confirmed.
 */
export function fromLegacyRecord(legacy: z.output<typeof legacyAlertRecordSchema>, target = ANY_TARGET): AlertRecord {
  const sent = { status: legacy.status, severity: legacy.severity, at: legacy.notifiedAt };
  return {
    key: legacy.key,
    target,
    account: legacy.account,
    kind: legacy.kind,
    ...(legacy.once !== undefined && { once: legacy.once }),
    ...(legacy.pendingUntil === undefined ? { notified: sent } : { pending: { ...sent, until: legacy.pendingUntil } }),
    ...(legacy.expiresAt !== undefined && { expiresAt: legacy.expiresAt }),
    version: legacy.version,
  };
}

const balance = z.object({
  available: z.number(),
  total: z.optional(z.number()),
  reserved: z.optional(z.number()),
  currency: z.optional(z.string()),
});

/** The figures of an account's last successful check. */
export const lastGoodSchema = z.object({
  at: z.string(),
  figures: z.object({
    balance,
    consumption: z.optional(z.object({ period: z.string(), used: z.number(), budget: z.optional(z.number()), forecast: z.optional(z.number()) })),
    runwayDays: z.optional(z.number()),
  }),
});

/** An account's state as the file store keeps it. */
export const accountStateSchema = z.object({
  consecutiveFailures: z.int().check(z.nonnegative()),
  balanceHistory: z.array(z.object({ at: z.string(), available: z.number() })),
  lastCheckedAt: z.optional(z.string()),
  lastGood: z.optional(lastGoodSchema),
});

/** Drops the keys zod leaves as `undefined`, so a record read back equals the one written. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** An account state read back, optional fields present only when set. */
export function toAccountState(parsed: z.output<typeof accountStateSchema>): AccountState {
  return withoutUndefined(parsed);
}

/** A silence as stores read it back. */
export const silenceSchema = z.object({
  id: z.string().check(z.minLength(1)),
  matcher: z.string().check(z.minLength(1)),
  startsAt: z.string(),
  endsAt: z.string(),
  reason: z.optional(z.string()),
  createdBy: z.optional(z.string()),
  removedAt: z.optional(z.string()),
  expiresAt: z.string(),
});

const alertDecisionSchema = z.object({
  key: z.string(),
  account: z.string(),
  provider: z.string(),
  kind: z.enum(ALERT_KINDS),
  severity: z.enum(SEVERITIES),
  status: z.enum(['firing', 'resolved']),
  threshold: z.optional(z.number()),
  value: z.optional(z.number()),
  at: z.string(),
  facts: z.record(z.string(), z.unknown()),
});

/** An alert held back by quiet hours, as stores read it back. */
export const heldAlertSchema = z.object({
  target: z.string(),
  key: z.string(),
  account: z.string(),
  heldAt: z.string(),
  alert: alertDecisionSchema,
  once: z.optional(z.string()),
});

/** A sent alert remembered for the digest. */
export const historyEntrySchema = z.object({
  at: z.string(),
  key: z.string(),
  account: z.string(),
  kind: z.enum(ALERT_KINDS),
  severity: z.enum(SEVERITIES),
  status: z.enum(['firing', 'resolved']),
  title: z.string(),
  targets: z.array(z.string()),
});
