export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** 00:00Z of the 1st of the month `monthsLater` months after the month holding `ms`. */
export function monthStartUtc(ms: number, monthsLater = 0): number {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + monthsLater, 1);
}

/** 00:00Z of the 1st of January of the year holding `ms`. */
export function yearStartUtc(ms: number): number {
  return Date.UTC(new Date(ms).getUTCFullYear(), 0, 1);
}

/** 00:00Z of the day holding `ms`. */
export function dayStartUtc(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** The start of the UTC hour holding `ms`. */
export function hourStartUtc(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/** Month index (year × 12 + month0) of an instant, for month arithmetic. */
export function monthIndex(ms: number): number {
  const date = new Date(ms);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}

/**
 * Parses an ISO 8601 date or date-time; undefined when it is not one. A date without a time is
 * midnight UTC, or with `endOfDay` the last millisecond of that day (for inclusive upper bounds).
 */
export function parseIsoInstant(text: string, endOfDay = false): number | undefined {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  if (!dateOnly && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/.test(text)) {
    return undefined;
  }
  // A date-time without an offset would otherwise be read in the host's zone: the vendor means UTC.
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/.test(text);
  const ms = Date.parse(dateOnly ? `${text}T00:00:00.000Z` : hasOffset ? text : `${text}Z`);
  if (Number.isNaN(ms)) return undefined;
  return dateOnly && endOfDay ? ms + DAY_MS - 1 : ms;
}
