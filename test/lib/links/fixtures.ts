import { vi } from 'vitest';
import { describeAlert } from '../../../lib/alerts/catalogue.js';
import type { Alert } from '../../../lib/alerts/types.js';

/** A secret of the generated kind (64 letters and digits); tests check it never shows. */
export const SECRET = 'Zk3qN8vR2mT7wY4pL9sB6cX1hJ5dF0gA8eU3iO7rK2nM6tV9yW4qP1zS5xC0bH3j';
export const OTHER_SECRET = 'Q'.repeat(64);
export const LINK_BASE = 'https://abc123.lambda-url.eu-west-1.on.aws/';
/** When the alert was decided; its links expire 7 days later. */
export const ALERT_AT = new Date('2026-11-20T12:00:00.000Z');
export const DAY_MS = 86_400_000;

/** A firing low-balance alert of account video-prod. */
export function firingAlert(overrides: Partial<Alert> = {}): Alert {
  const base = {
    account: 'video-prod',
    provider: 'pictory' as const,
    kind: 'balance.low' as const,
    severity: 'warning' as const,
    threshold: 100,
    value: 88,
    facts: { available: 88, runwayDays: 2.1, averageDailyUsed: 42 },
  };
  const { title, message } = describeAlert(base, overrides.status ?? 'firing');
  return { ...base, key: 'video-prod/balance.low', status: 'firing', title, message, at: ALERT_AT.toISOString(), ...overrides };
}

/**
 * Captures what Powertools writes (log lines go to stdout and stderr) until the test's mocks are restored, so a
 * test can scan it for secrets and tokens. Returns a reader of everything captured so far.
 */
export function captureOutput(): () => string {
  let written = '';
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written += String(chunk);
      return true;
    });
  }
  return () => written;
}
