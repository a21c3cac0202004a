import { findingOf, round2, type Rule } from '../context.js';
import type { FindingState } from '../types.js';

/** Fraction above `below` the balance must regain before `balance.low` resolves. */
export const BALANCE_MARGIN_FRACTION = 0.05;
/** Factor of `runwayDays` the runway must regain before `balance.runway` resolves. */
export const RUNWAY_RESOLVE_FACTOR = 1.2;

/** `balance.low`: on below `balance.below`, off once a margin above it (at least one credit). */
export const balanceLow: Rule = (context) => {
  const below = context.account.balance?.below;
  if (below === undefined) return [];
  const available = context.snapshot.balance.available;
  const margin = Math.max(BALANCE_MARGIN_FRACTION * below, 1);
  return [
    findingOf(context, {
      id: 'balance.low',
      kind: 'balance.low',
      state: available < below ? 'on' : available >= below + margin ? 'off' : 'hold',
      severity: available <= 0 ? 'critical' : 'warning',
      threshold: below,
      value: available,
    }),
  ];
};

/** `balance.runway`: on when the credits last fewer than `balance.runwayDays` at the burn rate. */
export const balanceRunway: Rule = (context) => {
  const minRunway = context.account.balance?.runwayDays;
  if (minRunway === undefined) return [];
  const { runway } = context;
  const state: FindingState =
    runway === undefined || runway >= minRunway * RUNWAY_RESOLVE_FACTOR ? 'off' : runway < minRunway ? 'on' : 'hold';
  return [
    findingOf(context, {
      id: 'balance.runway',
      kind: 'balance.runway',
      state,
      severity: runway !== undefined && runway < 1 ? 'critical' : 'warning',
      threshold: minRunway,
      ...(runway !== undefined && { value: round2(runway) }),
    }),
  ];
};
