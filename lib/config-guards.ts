import type { ConfigIssue } from './errors.js';
import { formatPath } from './format-path.js';

/** Keys that would reach an object's prototype when merged or read: never a field of the budgets file. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Deeper than any budgets file needs (they nest five levels), shallow enough to walk without risk. */
export const MAX_CONFIG_DEPTH = 32;

/**
 * Issues for what no schema should ever see: prototype keys (`"__proto__": {…}` inside an account
 * would otherwise set its budget through the prototype) and nesting deeper than MAX_CONFIG_DEPTH.
 */
export function unsafeInputIssues(input: unknown, file: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const walk = (value: unknown, path: PropertyKey[]): void => {
    if (typeof value !== 'object' || value === null) return;
    if (path.length > MAX_CONFIG_DEPTH) {
      issues.push({ file, path: formatPath(path), message: `nested more than ${MAX_CONFIG_DEPTH} levels deep` });
      return;
    }
    for (const key of Object.keys(value)) {
      const at = [...path, Array.isArray(value) ? Number(key) : key];
      if (PROTOTYPE_KEYS.has(key)) issues.push({ file, path: formatPath(at), message: 'unknown field (a reserved name, never a budgets-file field)' });
      else walk((value as Record<string, unknown>)[key], at);
    }
  };
  walk(input, []);
  return issues;
}
