// The facts the marketing rule needs, gathered in SQL: a person's local clock for quiet hours and
// their recent marketing sends for the frequency cap, counted across every sender.
import { param, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../context.js';
import { frequencyCapFor } from '../consent/index.js';
import { queryRowsOf } from '../sql.js';
import { marketingDeferral, type MarketingDeferral, type MarketingFacts, type MarketingPolicy } from './marketing.rules.js';

/** Where a person's marketing sends are counted from, for one workspace (all SQL expressions). */
export interface MarketingSendsOf {
  workspaceId: SQL;
  /** One person (the cap of a send), or every person of the workspace when absent (counts per person). */
  contactId?: SQL;
  since: SQL;
  /** A broadcast's own recipient row, left out of its own count. */
  exceptRecipient?: SQL;
}

/**
 * `select contact_id, sent_at` of every marketing message sent or possibly sent since `since`.
 * Why two tables: a broadcast's send counts from the moment it may have left (its recipient row
 * is `sending` before the message log has it), so broadcasts count from broadcast_recipients;
 * every other sender (automations, agents' templates) logs a `marketing` message, counted from the
 * log. A broadcast's logged messages carry a broadcast_id and are not counted twice. Failed sends
 * do not count.
 */
export function marketingSendsSql(p: MarketingSendsOf): SQL {
  // Aliases of their own: the caller's expressions name its tables (often `r` and `m`).
  const oneR = p.contactId ? sql` and mk_r.contact_id = ${p.contactId}` : sql``;
  const oneM = p.contactId ? sql` and mk_m.contact_id = ${p.contactId}` : sql``;
  const except = p.exceptRecipient ? sql` and mk_r.id <> ${p.exceptRecipient}` : sql``;
  return sql`select mk_r.contact_id, mk_r.sent_at from broadcast_recipients mk_r
               where mk_r.workspace_id = ${p.workspaceId}${oneR} and mk_r.is_marketing and mk_r.sent_at > ${p.since} and mk_r.state in ('sending', 'uncertain', 'accepted')${except}
             union all
             select mk_m.contact_id, mk_m.sent_at from messages mk_m
               where mk_m.workspace_id = ${p.workspaceId}${oneM} and mk_m.marketing and mk_m.broadcast_id is null and mk_m.direction = 'out' and mk_m.failed_at is null and mk_m.sent_at > ${p.since}`;
}

/**
 * Select-list columns `local_minutes, quiet_end_today, quiet_end_tomorrow, cap_from_ms` (the
 * MarketingFacts of one person) for `marketingDeferral`. `timezone` must be a valid zone name.
 */
export function marketingFactsSql(policy: MarketingPolicy, p: { nowIso: string; timezone: SQL; workspaceId: SQL; contactId: SQL; exceptRecipient?: SQL }): SQL {
  const { quietHours: quiet, frequencyCap: cap } = policy;
  const now = sql`${p.nowIso}::timestamptz`;
  const local = sql`(${now} at time zone ${p.timezone})`;
  const since = cap ? sql`${now} - make_interval(days => ${cap.days})` : sql``;
  const capFrom = cap
    ? // A number, not a timestamptz[]: PGlite returns arrays of timestamps as unparsed text.
      // The cap's max is per person: halved for someone who chose a low frequency in the preference centre.
      sql`(select extract(epoch from (array_agg(mk_s.sent_at order by mk_s.sent_at desc))[${frequencyCapFor(p.contactId, cap.max)}]) * 1000
           from (${marketingSendsSql({ workspaceId: p.workspaceId, contactId: p.contactId, since, exceptRecipient: p.exceptRecipient })}) mk_s)`
    : sql`null`;
  return sql`${quiet ? sql`extract(hour from ${local}) * 60 + extract(minute from ${local})` : sql`null`} as local_minutes,
    ${quiet ? sql`((date_trunc('day', ${local}) + ${quiet.end}::interval) at time zone ${p.timezone})` : sql`null`} as quiet_end_today,
    ${quiet ? sql`((date_trunc('day', ${local}) + interval '1 day' + ${quiet.end}::interval) at time zone ${p.timezone})` : sql`null`} as quiet_end_tomorrow,
    ${capFrom} as cap_from_ms`;
}

/** How many of these people are at the frequency cap now (the plan shown before a broadcast); a low-frequency person's cap is halved. */
export function atFrequencyCapSql(policy: MarketingPolicy, workspaceId: string, now: Date): SQL | null {
  const cap = policy.frequencyCap;
  if (!cap) return null;
  const since = sql`${now.toISOString()}::timestamptz - make_interval(days => ${cap.days})`;
  return sql`select mk_s.contact_id from (${marketingSendsSql({ workspaceId: sql`${workspaceId}::uuid`, since })}) mk_s group by mk_s.contact_id having count(*) >= ${frequencyCapFor(sql`mk_s.contact_id`, cap.max)}`;
}

/**
 * The marketing rule for people outside a broadcast (an automation step, an agent's template):
 * who must wait, until when and why. A person's zone is their contact's, else `fallbackTimezone`
 * (the workspace's), else UTC; an unknown zone name falls back the same way.
 */
export async function marketingDeferrals(
  db: Db,
  p: { workspaceId: string; contactIds: string[]; policy: MarketingPolicy; now: Date; fallbackTimezone?: string | null },
): Promise<Map<string, MarketingDeferral>> {
  const out = new Map<string, MarketingDeferral>();
  if (p.contactIds.length === 0 || (!p.policy.quietHours && !p.policy.frequencyCap)) return out;
  const tz = sql`coalesce(zc.name, zf.name, 'UTC')`;
  const rows = await queryRowsOf<MarketingFacts & { contact_id: string }>(
    db,
    sql`select c.id as contact_id, ${marketingFactsSql(p.policy, { nowIso: p.now.toISOString(), timezone: tz, workspaceId: sql`c.workspace_id`, contactId: sql`c.id` })}
        from contacts c
        left join lateral (select name from pg_timezone_names where name = c.timezone) zc on true
        left join lateral (select name from pg_timezone_names where name = ${p.fallbackTimezone ?? null}::text) zf on true
        where c.workspace_id = ${p.workspaceId} and c.id = any(${param(p.contactIds)}::uuid[])`,
  );
  for (const r of rows) {
    const d = marketingDeferral(r, p.policy);
    if (d) out.set(r.contact_id, d);
  }
  return out;
}
