import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { issuesText, offsetDateTime, WITH_ISSUE_TEXT } from '../../lib/issue-text.js';

describe('offsetDateTime', () => {
  const schema = z.strictObject({ now: offsetDateTime() });

  it.each(['2026-11-22T09:00:00Z', '2026-11-22T09:00:00.123Z', '2026-11-22T10:00:00+01:00'])(
    'accepts %s as z.iso.datetime({ offset: true }) does',
    (now) => {
      expect(schema.safeParse({ now }, WITH_ISSUE_TEXT)).toEqual({ success: true, data: { now } });
      expect(z.iso.datetime({ offset: true }).safeParse(now).success).toBe(true);
    },
  );

  it.each(['2026-11-22T09:00:00', '2026-11-22T09:00Z', '2026-11-22', 'yesterday', '2026-13-01T00:00:00Z'])('refuses %s, naming the field and the form', (now) => {
    const result = schema.safeParse({ now }, WITH_ISSUE_TEXT);

    expect(result.success).toBe(false);
    expect(z.iso.datetime({ offset: true }).safeParse(now).success).toBe(false);
    expect(issuesText(result.error!.issues)).toBe('now: expected an ISO 8601 date-time with an offset, e.g. 2026-11-22T09:00:00Z');
  });
});
