import { createHash } from 'node:crypto';

// Construct ids and file names derived from content, so that reordering a list or re-running a synth
// renames (and replaces) nothing.

/** A short, stable digest of `text` (10 hex digits). */
export function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 10);
}

/** `warning` → `Warning`: severities as they appear in construct ids and output names. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
