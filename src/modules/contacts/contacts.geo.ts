import { param, sql } from 'drizzle-orm';
import { parsePhone, sameClockPrefixes, timezoneOfE164 } from '../../lib/phone/index.js';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';

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

/**
 * Gives a zone to contacts stored before their number's prefix could name one (a prefix whose
 * zones keep one clock, e.g. UK mobiles: London, Guernsey, Jersey, Isle of Man). Only numbers under
 * such prefixes with no zone and no zone source are read, 5,000 at a time, and updated with one
 * statement per page; an explicit zone is never touched. Returns how many contacts got a zone.
 * Run by the worker's `contacts.infer-zones` sweep (docs/design.md §12).
 */
export async function inferMissingZones(db: Db): Promise<number> {
  const prefixes = sameClockPrefixes().map((p) => `+${p}%`);
  if (prefixes.length === 0) return 0;
  let total = 0;
  const seen: string[] = [];
  for (;;) {
    const rows = await queryRowsOf<{ id: string; phone: string; country: string | null }>(
      db,
      sql`select id, phone, country from contacts where timezone is null and timezone_source is null and phone like any(${param(prefixes)}::text[])
          and not (id = any(${param(seen)}::uuid[])) limit 5000`,
    );
    if (rows.length === 0) return total;
    const found = rows.map((r) => ({ id: r.id, zone: timezoneOfE164(r.phone, r.country) }));
    const hits = found.filter((f): f is { id: string; zone: string } => f.zone !== null);
    // A longer prefix under a same-clock one may still name differing zones: remember those so the loop ends.
    seen.push(...found.filter((f) => f.zone === null).map((f) => f.id));
    if (hits.length > 0) {
      await db.execute(sql`update contacts c set timezone = x.zone, timezone_source = 'number'
        from unnest(${param(hits.map((h) => h.id))}::uuid[], ${param(hits.map((h) => h.zone))}::text[]) as x(id, zone)
        where c.id = x.id and c.timezone is null`);
    }
    total += hits.length;
  }
}
