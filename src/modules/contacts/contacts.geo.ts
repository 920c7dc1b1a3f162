import { parsePhone } from '../../lib/phone/index.js';

/**
 * Country and inferred time zone of a WhatsApp id, best effort: a number WhatsApp reports is real
 * even when our metadata disagrees, so a failed parse leaves the fields empty instead of failing.
 */
export function geoOfWaId(waId: string): { country: string | null; timezone: string | null; timezoneSource: string | null } {
  try {
    const p = parsePhone(`+${waId}`);
    return { country: p.country, timezone: p.timezone, timezoneSource: p.timezone ? 'number' : null };
  } catch {
    return { country: null, timezone: null, timezoneSource: null };
  }
}
