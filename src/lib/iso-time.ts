import { z } from 'zod';

/**
 * An ISO 8601 timestamp with an offset whose year PostgreSQL can store (1–9999). `z.iso.datetime`
 * alone accepts year 0000, which JavaScript reads as 1 BC and PostgreSQL refuses (a 500).
 */
export function isoTimestamp(message = 'must be an ISO 8601 timestamp with a time zone, e.g. 2026-11-30T10:00:00Z') {
  return z.iso.datetime({ offset: true, message }).refine((v) => {
    const year = new Date(v).getUTCFullYear();
    return year >= 1 && year <= 9999;
  }, 'the year must be between 0001 and 9999');
}
