import { roundCredits } from '../consumption.js';
import { findingOf, type Rule } from '../context.js';
import { DAY_MS } from '../period.js';

/** Factor of `warnWithin` above the reload threshold the balance must regain before `autoreload.near` resolves. */
export const NEAR_RESOLVE_FACTOR = 1.2;
/** How far back a reload still counts as news. */
const RELOAD_LOOKBACK_MS = DAY_MS;

/** `autoreload.off`: on when the account expects auto-reload and the vendor reports it disabled. */
export const autoReloadOff: Rule = (context) => {
  const reload = context.snapshot.autoReload;
  if (!context.account.autoReload || !reload) return [];
  return [
    findingOf(context, {
      id: 'autoreload.off',
      kind: 'autoreload.off',
      state: reload.enabled ? 'off' : 'on',
      severity: 'warning',
    }),
  ];
};

/** `autoreload.near`: on within `warnWithin` credits above the vendor's reload threshold. */
export const autoReloadNear: Rule = (context) => {
  const warnWithin = context.account.autoReload?.warnWithin;
  const reload = context.snapshot.autoReload;
  if (warnWithin === undefined || !reload) return [];
  if (!reload.enabled || reload.threshold === undefined) {
    // With auto-reload off (or no threshold) "near the reload threshold" cannot hold; saying so
    // resolves a warning sent before it was switched off (autoreload.off covers the new situation).
    return [findingOf(context, { id: 'autoreload.near', kind: 'autoreload.near', state: 'off', severity: 'info' })];
  }
  const available = context.snapshot.balance.available;
  const limit = reload.threshold + warnWithin;
  const clear = reload.threshold + Math.max(warnWithin * NEAR_RESOLVE_FACTOR, warnWithin + 1);
  return [
    findingOf(context, {
      id: 'autoreload.near',
      kind: 'autoreload.near',
      state: available <= limit ? 'on' : available > clear ? 'off' : 'hold',
      severity: 'info',
      threshold: limit,
      value: available,
    }),
  ];
};

/** `autoreload.triggered`: one event per reload in the ledger's last 24 hours. */
export const autoReloadTriggered: Rule = (context) => {
  const { ledger, now, facts } = context;
  return ledger
    .filter((entry) => entry.type === 'reload' && now.getTime() - entry.at.getTime() < RELOAD_LOOKBACK_MS)
    .map((entry) =>
      findingOf(context, {
        facts: { ...facts, reloadedAt: entry.at.toISOString() },
        id: 'autoreload.triggered',
        kind: 'autoreload.triggered',
        state: 'on',
        severity: 'info',
        value: roundCredits(entry.delta),
        once: entry.id,
      }),
    );
};
