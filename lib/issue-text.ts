import { ZodMiniISODateTime, type core } from 'zod/mini';
import { _isoDateTime } from 'zod/v4/core';
import { formatPath } from './format-path.js';

/**
 * zod/mini carries no message locale (to stay small), so every parse of a runtime schema passes these
 * options: issues then read `expected array, got string`, `is required`, `unknown field(s) dryrun`.
 * A message a schema sets itself (a refine's) wins. The input is read here, never printed.
 */
export const WITH_ISSUE_TEXT: core.ParseContext<core.$ZodIssue> = { error: issueText };

/**
 * An ISO 8601 date-time with an offset (`2026-11-22T09:00:00Z`): `z.iso.datetime({ offset: true })`, built
 * from its named parts because `z.iso` is a namespace that brings every ISO schema (date, time, duration)
 * into a bundle. Its issue is worded below.
 */
export function offsetDateTime(): ZodMiniISODateTime {
  return _isoDateTime(ZodMiniISODateTime, { offset: true });
}

/** An English sentence for a schema issue, from its code. */
export function issueText(issue: core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? `is required (expected ${issue.expected})` : `expected ${issue.expected}, got ${typeName(issue.input)}`;
    case 'unrecognized_keys':
      return `unknown field(s) ${issue.keys.join(', ')}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
    case 'too_small':
      return issue.origin === 'array' || issue.origin === 'string' ? `must hold at least ${String(issue.minimum)}` : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'array' || issue.origin === 'string' ? `must hold at most ${String(issue.maximum)}` : `must be at most ${String(issue.maximum)}`;
    case 'invalid_format':
      return issue.format === 'datetime' ? 'expected an ISO 8601 date-time with an offset, e.g. 2026-11-22T09:00:00Z' : `expected ${issue.format}`;
    case 'invalid_union':
      return 'matches none of the accepted forms';
    default:
      return undefined;
  }
}

/** Every issue as `path: sentence`, joined by "; " (`root` names the whole value). */
export function issuesText(issues: readonly core.$ZodIssue[], root = '(root)'): string {
  return issues.map((issue) => `${formatPath(issue.path) || root}: ${issue.message}`).join('; ');
}

function typeName(input: unknown): string {
  return input === null ? 'null' : Array.isArray(input) ? 'array' : typeof input;
}
