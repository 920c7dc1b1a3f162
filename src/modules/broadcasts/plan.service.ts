import { sql, type SQL } from 'drizzle-orm';
import { AppError } from '../../lib/errors.js';
import { zoneOfCountry } from '../../lib/phone/index.js';
import type { Ctx, Db } from '../context.js';
import { countSuppressedAmong, phoneHasher, suppressionCount, topicConsentJoin, pausedByContact } from '../consent/index.js';
import { resolveAudience } from '../segments/index.js';
import { messagingLimitUsed } from '../messaging/index.js';
import { atFrequencyCapSql, tierLimitOf } from '../sending/index.js';
import { getWorkspaceSettings, rateCardOf } from '../workspaces/index.js';
import { queryRowsOf } from '../sql.js';
import { estimateCost, policyFrom } from './broadcasts.rules.js';
import { AB_HOLDOUT, AB_REST, type AbSplit } from './ab-test.rules.js';
import { abGroupSql, REST_HELD_UNTIL } from './ab-test.service.js';
import type { broadcasts } from './broadcasts.tables.js';
import type { z } from 'zod';
import type { planOut } from './broadcasts.schemas.js';

type BroadcastRow = typeof broadcasts.$inferSelect;

type AudiencePart = { segment_id?: string; rules?: Record<string, unknown>; all_contacts?: true };
type AudienceSpec = AudiencePart & { exclude?: AudiencePart[] };

/** The audience of a broadcast as one predicate over `contacts c`: included, minus every exclusion. */
export async function audiencePredicate(ctx: Pick<Ctx, 'db' | 'workspaceId' | 'now'>, audience: Record<string, unknown>): Promise<SQL> {
  const a = audience as AudienceSpec;
  const include = await partPredicate(ctx, a, 'audience');
  const excluded = await exclusionPredicate(ctx, a);
  return excluded ? sql`${include} and not (${excluded})` : include;
}

/** True for a contact left out by one of the audience's exclusions (null when there are none). */
async function exclusionPredicate(ctx: Pick<Ctx, 'db' | 'workspaceId' | 'now'>, a: AudienceSpec): Promise<SQL | null> {
  const parts: SQL[] = [];
  for (const [i, ex] of (a.exclude ?? []).entries()) {
    if (ex.all_contacts) throw new AppError('BROADCAST_AUDIENCE_INVALID', `audience.exclude[${i}]: all_contacts cannot be an exclusion (nobody would be left)`, { field: `audience.exclude[${i}]` });
    parts.push(sql`coalesce((${await partPredicate(ctx, ex, `audience.exclude[${i}]`)}), false)`);
  }
  return parts.length > 0 ? sql`(${sql.join(parts, sql` or `)})` : null;
}

async function partPredicate(ctx: Pick<Ctx, 'db' | 'workspaceId' | 'now'>, part: AudiencePart, path: string): Promise<SQL> {
  const given = [part.segment_id, part.rules, part.all_contacts].filter((v) => v !== undefined).length;
  if (given !== 1) {
    throw new AppError('BROADCAST_AUDIENCE_INVALID', `${path} needs exactly one of segment_id, rules or all_contacts: true (every contact of the workspace)`, { field: path });
  }
  // Everyone: consent for the topic is still required, at start and again at send time.
  if (part.all_contacts) return sql`true`;
  const rules = part.segment_id !== undefined ? { segment: part.segment_id } : part.rules;
  return (await resolveAudience(ctx, rules)).where;
}

/** Counts of the audience by the reason each contact will or will not be messaged. */
export interface AudienceBreakdown {
  matched: number;
  excluded: number;
  no_consent: number;
  consent_withdrawn: number;
  unreachable: number;
  eligible: number;
}

/** One pass over the audience counting every exclusion reason (the plan shown before sending). */
export async function breakdownAudience(db: Db, workspaceId: string, b: BroadcastRow, now: Date): Promise<AudienceBreakdown & { by_country: Record<string, number> }> {
  const ctx = { db, workspaceId, now };
  const a = b.audience as AudienceSpec;
  const include = await partPredicate(ctx, a, 'audience');
  const excluded = (await exclusionPredicate(ctx, a)) ?? sql`false`;
  const consent = topicConsentJoin(sql`c.id`, b.topicId, { left: true });
  const [row] = await queryRowsOf<Record<keyof AudienceBreakdown, string>>(
    db,
    sql`select count(*) as matched,
          count(*) filter (where x) as excluded,
          count(*) filter (where not x and ${consent.status} is null) as no_consent,
          count(*) filter (where not x and ${consent.status} = 'withdrawn') as consent_withdrawn,
          count(*) filter (where not x and ${consent.status} = 'granted' and c.unreachable_at is not null) as unreachable,
          count(*) filter (where not x and ${consent.status} = 'granted' and c.unreachable_at is null) as eligible
        from (select c.*, coalesce((${excluded}), false) as x from contacts c where c.workspace_id = ${workspaceId} and (${include})) c
        ${consent.join}`,
  );
  const countries = await queryRowsOf<{ country: string | null; n: string }>(
    db,
    sql`select c.country, count(*) as n from contacts c
        ${topicConsentJoin(sql`c.id`, b.topicId, { grantedOnly: true }).join}
        where c.workspace_id = ${workspaceId} and c.unreachable_at is null and (${await audiencePredicate(ctx, b.audience)})
        group by c.country`,
  );
  const out = Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)])) as unknown as AudienceBreakdown;
  return { ...out, by_country: Object.fromEntries(countries.map((c) => [c.country ?? '*', Number(c.n)])) };
}

/** Eligible contacts whose number is on the suppression list (hashed here in pages: the key lives in the app, not SQL). */
async function countSuppressed(db: Db, workspaceId: string, b: BroadcastRow, now: Date): Promise<number> {
  if ((await suppressionCount(db, workspaceId)) === 0) return 0;
  const hash = await phoneHasher(db, workspaceId);
  const where = await audiencePredicate({ db, workspaceId, now }, b.audience);
  // Why a cursor over one unordered query: paging in contact-id order read the contacts in uuid
  // order, i.e. a random heap page per row (~14,000 buffer reads per 10,000 contacts; 70 s for
  // 1 M with suppressions, bench/broadcast-snapshot.ts). One scan, fetched in pages, is a single
  // pass over the table; the phones are hashed here because the suppression key is not in SQL.
  return db.transaction(async (tx) => {
    // A cursor is planned for its first 10 % by default, which favours the ordered index plan again.
    await tx.execute(sql`set local cursor_tuple_fraction = 1.0`);
    await tx.execute(sql`declare gl_suppressed_audience no scroll cursor for
      select coalesce(c.phone, c.user_id) as phone from contacts c ${topicConsentJoin(sql`c.id`, b.topicId, { grantedOnly: true }).join}
      where c.workspace_id = ${workspaceId} and c.unreachable_at is null and (${where})`);
    let total = 0;
    for (;;) {
      const page = await queryRowsOf<{ phone: string }>(tx, sql`fetch 10000 from gl_suppressed_audience`);
      if (page.length === 0) break;
      total += await countSuppressedAmong(tx, workspaceId, page.map((p) => hash(p.phone)));
    }
    await tx.execute(sql`close gl_suppressed_audience`);
    return total;
  });
}

/** Eligible contacts who paused marketing in the preference centre: the claim skips them (`paused_by_contact`). */
async function countPaused(db: Db, workspaceId: string, b: BroadcastRow, now: Date): Promise<number> {
  const where = await audiencePredicate({ db, workspaceId, now }, b.audience);
  const [r] = await queryRowsOf<{ n: string }>(
    db,
    sql`select count(*) as n from contacts c ${topicConsentJoin(sql`c.id`, b.topicId, { grantedOnly: true }).join}
        where c.workspace_id = ${workspaceId} and c.unreachable_at is null and ${pausedByContact(sql`c.id`, now.toISOString())} and (${where})`,
  );
  return Number(r?.n ?? 0);
}

/** The plan shown before sending: every exclusion by reason, cost, the messaging-limit spill and caps. */
export async function planBroadcast(db: Db, workspaceId: string, b: BroadcastRow, now: Date): Promise<z.infer<typeof planOut>> {
  const settings = (await getWorkspaceSettings(db, workspaceId)) as Record<string, unknown>;
  const policy = policyFrom(settings.broadcasts as Record<string, unknown> | undefined);
  const breakdown = await breakdownAudience(db, workspaceId, b, now);
  const suppressed = await countSuppressed(db, workspaceId, b, now);
  const marketing = b.templateCategory === 'MARKETING';
  let frequencyCapped = 0;
  const capped = marketing ? atFrequencyCapSql(policy, workspaceId, now) : null;
  if (capped) {
    const where = await audiencePredicate({ db, workspaceId, now }, b.audience);
    const [r] = await queryRowsOf<{ n: string }>(db, sql`select count(*) as n from (${capped}) capped join contacts c on c.id = capped.contact_id where c.workspace_id = ${workspaceId} and (${where})`);
    frequencyCapped = Number(r?.n ?? 0);
  }
  const paused = marketing ? await countPaused(db, workspaceId, b, now) : 0;
  const tier = await queryRowsOf<{ tier: string }>(db, sql`select n.messaging_limit_tier as tier from phone_numbers n where n.id = ${b.numberId} and n.workspace_id = ${workspaceId}`);
  const limit = tier[0] ? tierLimitOf(tier[0].tier) : null;
  const used = await messagingLimitUsed(db, workspaceId, now);
  const sendable = Math.max(0, breakdown.eligible - suppressed);
  const { card } = rateCardOf(settings);
  return {
    ...breakdown,
    suppressed,
    sendable,
    frequency_capped: frequencyCapped,
    paused_by_contact: paused,
    messaging_limit: { tier: tier[0]?.tier ?? null, limit, used_24h: used, available_now: limit === null ? null : Math.max(0, limit - used), spill: limit === null ? 0 : Math.max(0, sendable - Math.max(0, limit - used)) },
    quiet_hours: marketing ? policy.quietHours : null,
    cost: estimateCost(breakdown.by_country, b.templateCategory, card),
  };
}

/** The reasons a matched contact is left out when a broadcast starts (recipient state `excluded`). */
export const EXCLUSION_REASONS = ['excluded', 'no_consent', 'consent_withdrawn', 'unreachable'] as const;

/**
 * The exclusion reason of a matched contact `c` (given its consent status for the topic, from `topicConsentJoin`), or
 * null when it is planned. One CASE, so the snapshot and the per-contact lookup cannot disagree.
 */
function exclusionReasonSql(excluded: SQL | null, consentStatus: SQL): SQL {
  return sql`case when ${excluded ?? sql`false`} then 'excluded' when ${consentStatus} is null then 'no_consent'
    when ${consentStatus} <> 'granted' then 'consent_withdrawn' when c.unreachable_at is not null then 'unreachable' end`;
}

/** What a snapshot wrote: rows to send, matched contacts left out (by reason), and planned rows whose local time had already passed. */
export interface SnapshotResult {
  planned: number;
  excluded: number;
  /** Planned rows of a `local` schedule whose date and time had passed in their zone (sent at once). */
  late: number;
}

/**
 * Snapshots the recipients with one INSERT … SELECT: every contact the audience matches gets a
 * row. Those with granted consent for the topic, not unreachable and not left out by an exclusion
 * are `queued`; the others are `excluded` with the reason (so the recipients list answers "why did
 * this person get nothing?" for anyone matched). Consent and suppression are checked again when
 * each message is sent; this only fixes who is in the broadcast. Local-time schedules
 * set each row's `not_before` from the recipient's zone (in a spring-forward gap PostgreSQL moves
 * the time forward by the gap; in a fall-back overlap it takes the later instant).
 * No ON CONFLICT: callers hold the broadcast's row lock and snapshot it once (draft or scheduled →
 * sending), and the join yields each contact once (consent state is keyed by contact and topic,
 * zone names are unique). Why: speculative insertion made a 600 k-row snapshot ~3× slower
 * (bench/broadcast-snapshot.ts).
 */
export async function snapshotRecipients(db: Db, b: BroadcastRow, now: Date, fallbackZone: string, ab?: AbSplit): Promise<SnapshotResult> {
  const ctx = { db, workspaceId: b.workspaceId, now };
  const a = b.audience as AudienceSpec;
  const include = await partPredicate(ctx, a, 'audience');
  const consent = topicConsentJoin(sql`c.id`, b.topicId, { left: true });
  const reason = exclusionReasonSql(await exclusionPredicate(ctx, a), consent.status);
  const s = b.schedule as { type: string; at?: string; date?: string; time?: string };
  const zone = sql`coalesce(z.name, ${fallbackZone})`;
  const nowIso = now.toISOString();
  const notBefore =
    s.type === 'local' || s.type === 'best_hour'
      ? sql`greatest(${nowIso}::timestamptz, ((${s.date}::date + ${s.time}::time) at time zone ${zone}))`
      : sql`${(b.startAt ?? now).toISOString()}::timestamptz`;
  // A/B test: each planned contact's group from a hash of (broadcast, contact); the holdout is left out
  // (excluded: ab_holdout), the rest waits with a not_before no claim reaches until a winner is picked.
  const group = ab ? sql`case when o.reason is null then ${abGroupSql(b.id, ab)} end` : sql`null::text`;
  const rows = await queryRowsOf<{ planned: string; excluded: string; late: string }>(
    db,
    sql`with z as materialized (select name from pg_timezone_names), ins as (
          insert into broadcast_recipients (broadcast_id, workspace_id, contact_id, state, reason, not_before, is_marketing, timezone, variant)
          select ${b.id}, ${b.workspaceId}, c.id, case when o.reason is null and g.grp is distinct from ${AB_HOLDOUT} then 'queued' else 'excluded' end,
            coalesce(o.reason, case g.grp when ${AB_HOLDOUT} then 'ab_holdout' when ${AB_REST} then 'waiting for the A/B test winner' end),
            case when g.grp = ${AB_REST} then ${REST_HELD_UNTIL}::timestamptz else ${notBefore} end, ${b.templateCategory === 'MARKETING'}, ${zone}, g.grp
          from contacts c
          ${consent.join}
          left join z on z.name = c.timezone
          cross join lateral (select ${reason} as reason) o
          cross join lateral (select ${group} as grp) g
          where c.workspace_id = ${b.workspaceId} and (${include})
          returning state, not_before, variant)
        select count(*) filter (where state = 'queued') as planned, count(*) filter (where state = 'excluded') as excluded,
          ${s.type === 'local' || s.type === 'best_hour' ? sql`count(*) filter (where state = 'queued' and variant is distinct from ${AB_REST} and not_before <= ${nowIso}::timestamptz)` : sql`0`} as late
        from ins`,
  );
  return { planned: Number(rows[0]?.planned ?? 0), excluded: Number(rows[0]?.excluded ?? 0), late: Number(rows[0]?.late ?? 0) };
}

/**
 * Why one contact would be left out of a broadcast that has not started (the live equivalent of
 * its snapshot row): null when it is not matched at all, else the exclusion reason or 'planned'.
 */
export async function previewContactOutcome(db: Db, b: BroadcastRow, contactId: string, now: Date): Promise<string | null> {
  const ctx = { db, workspaceId: b.workspaceId, now };
  const a = b.audience as AudienceSpec;
  const include = await partPredicate(ctx, a, 'audience');
  const consent = topicConsentJoin(sql`c.id`, b.topicId, { left: true });
  const reason = exclusionReasonSql(await exclusionPredicate(ctx, a), consent.status);
  const [r] = await queryRowsOf<{ reason: string | null }>(
    db,
    sql`select ${reason} as reason from contacts c ${consent.join}
        where c.workspace_id = ${b.workspaceId} and c.id = ${contactId} and (${include})`,
  );
  if (!r) return null;
  return r.reason ?? 'planned';
}

/**
 * The zone for contacts without one: the schedule's fallback, else the workspace zone, else the
 * one clock of the workspace's default country (GB → Europe/London), else UTC (only names PostgreSQL knows).
 */
export async function fallbackZoneOf(db: Db, workspaceId: string, schedule: Record<string, unknown>): Promise<string> {
  const settings = (await getWorkspaceSettings(db, workspaceId)) as Record<string, unknown>;
  const country = typeof settings.default_country === 'string' ? zoneOfCountry(settings.default_country) : null;
  const wanted = (schedule.fallback_timezone as string | undefined) ?? (settings.timezone as string | undefined) ?? country ?? 'UTC';
  const [r] = await queryRowsOf<{ ok: boolean }>(db, sql`select exists (select 1 from pg_timezone_names where name = ${wanted}) as ok`);
  return r?.ok ? wanted : 'UTC';
}
