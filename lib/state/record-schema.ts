import * as z from 'zod';
import { ALERT_KINDS, SEVERITIES } from '../model.js';

/** An AlertRecord as stores read it back: validated, so a damaged store is reported, never trusted. */
export const alertRecordSchema = z.object({
  key: z.string(),
  account: z.string(),
  kind: z.enum(ALERT_KINDS),
  status: z.enum(['firing', 'resolved']),
  severity: z.enum(SEVERITIES),
  notifiedAt: z.string(),
  once: z.string().optional(),
  expiresAt: z.string().optional(),
  pendingUntil: z.string().optional(),
  version: z.number().int().nonnegative(),
});
