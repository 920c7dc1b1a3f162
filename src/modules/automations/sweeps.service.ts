// Periodic triggers, swept once a minute per automation, set-based: dates (a date attribute, yearly
// or once, or a time in a customer event, moved by an offset, in each person's time zone), entering
// a lifecycle stage, entering a saved segment, and a broadcast not read N days after its send.
import { sql, type SQL } from 'drizzle-orm';
import { queryRowsOf } from '../sql.js';
import { getWorkspaceSettings } from '../workspaces/index.js';
import { segmentAudience } from '../segments/index.js';
import { unreadSendsSql } from '../broadcasts/index.js';
import { SYSTEM_ACTOR, type Db, type Log } from '../context.js';
import { enrollContacts } from './enrol.service.js';

interface PeriodicTrigger {
  type: 'date' | 'stage' | 'segment' | 'broadcast_not_read';
  days?: number;
  broadcast_id?: string;
  stage?: string;
  segment_id?: string;
  attribute?: string;
  event?: string;
  property?: string;
  yearly?: boolean;
  offset?: { days?: number; hours?: number; minutes?: number };
  at_time?: string;
}

/** How often one automation's dates are swept, and how far back a late sweep catches up. */
const SWEEP_EVERY_MS = 60_000;
const CATCH_UP_MS = 7 * 86_400_000;

/**
 * Sweeps the published date-triggered automations whose last sweep is older than a minute: people
 * whose moment is in (last sweep, now] are enrolled once per occasion (a birthday once a year).
 */
export async function scanPeriodicTriggers(deps: { db: Db; now: Date; log: Log }): Promise<number> {
  const due = await queryRowsOf<{ automation_id: string; workspace_id: string; version: number; topic_id: string | null; trigger: PeriodicTrigger; last_at: string | Date | null }>(
    deps.db,
    sql`select a.id as automation_id, a.workspace_id, a.version, v.topic_id, v.definition->'trigger' as trigger, cur.last_at
        from automations a join automation_versions v on v.automation_id = a.id and v.version = a.version
        left join automation_cursors cur on cur.source = 'date:' || a.id
        where a.status = 'published' and v.definition->'trigger'->>'type' in ('date', 'stage', 'segment', 'broadcast_not_read')
          and (cur.last_at is null or cur.last_at <= ${new Date(deps.now.getTime() - SWEEP_EVERY_MS).toISOString()}::timestamptz)`,
  );
  let enrolled = 0;
  for (const a of due) {
    enrolled += await deps.db.transaction(async (tx) => {
      const source = `date:${a.automation_id}`;
      // First sweep: from now on (a new automation does not fire for every past birthday or stage change).
      await tx.execute(sql`insert into automation_cursors (source, last_at) values (${source}, ${deps.now.toISOString()}::timestamptz) on conflict do nothing`);
      const [cur] = await queryRowsOf<{ last_at: string | Date }>(tx, sql`select last_at from automation_cursors where source = ${source} for update skip locked`);
      if (!cur) return 0;
      const from = new Date(Math.max(new Date(cur.last_at).getTime(), deps.now.getTime() - CATCH_UP_MS));
      // An empty window has no dates or stage changes, but a first segment sweep records who is in.
      if (from >= deps.now && a.trigger.type !== 'segment') return 0;
      const hits = await occasionsOf(tx, a, from, deps.now);
      const r = hits.length === 0 ? { enrolled: 0 } : await enrollContacts(tx, { workspaceId: a.workspace_id, automationId: a.automation_id, version: a.version, now: deps.now, source: { trigger: a.trigger.type }, perOccasion: true }, { ids: hits.map((h) => h.contact_id), keys: hits.map((h) => h.occasion) });
      await tx.execute(sql`update automation_cursors set last_at = ${deps.now.toISOString()}::timestamptz, updated_at = now() where source = ${source}`);
      return r.enrolled;
    });
  }
  return enrolled;
}

/** Who enters now, each with the occasion that names this entry. */
async function occasionsOf(tx: Db, a: { automation_id: string; workspace_id: string; topic_id: string | null; trigger: PeriodicTrigger; last_at: string | Date | null }, from: Date, to: Date): Promise<{ contact_id: string; occasion: string }[]> {
  if (a.trigger.type === 'broadcast_not_read') {
    // Sends made `days` before the sweep window, still unread: one entry per person and broadcast.
    const lag = a.trigger.days! * 86_400_000;
    const sends = unreadSendsSql({ workspaceId: a.workspace_id, broadcastId: a.trigger.broadcast_id ?? null, topicId: a.topic_id, from: new Date(from.getTime() - lag), to: new Date(to.getTime() - lag) });
    return queryRowsOf(tx, sql`select u.contact_id, 'bnr:' || u.broadcast_id as occasion from (${sends}) u`);
  }
  if (a.trigger.type === 'segment') return segmentEntries(tx, a.automation_id, a.workspace_id, a.trigger.segment_id!, a.last_at === null, to);
  if (a.trigger.type === 'stage') {
    // Why the overlap: stage changes are written by long bulk runs whose rows become visible late;
    // re-reading 10 minutes is harmless (one entry per change, `occasion` = the change's time).
    return queryRowsOf(
      tx,
      sql`select l.contact_id, 'st' || extract(epoch from l.changed_at)::bigint as occasion from contact_lifecycle l
          where l.workspace_id = ${a.workspace_id} and l.stage = ${a.trigger.stage!}
            and l.changed_at > ${new Date(from.getTime() - STAGE_OVERLAP_MS).toISOString()}::timestamptz and l.changed_at <= ${to.toISOString()}::timestamptz`,
    );
  }
  const zone = ((await getWorkspaceSettings(tx, a.workspace_id)) as { timezone?: string }).timezone ?? 'UTC';
  return queryRowsOf(tx, momentsIn(a.workspace_id, a.trigger, zone, from, to));
}

const STAGE_OVERLAP_MS = 10 * 60_000;

/**
 * Segment entries: members now who were not members at the last sweep (the first sweep only
 * records who is in). Members who left are forgotten, so coming back counts as entering again.
 */
async function segmentEntries(tx: Db, automationId: string, workspaceId: string, segmentId: string, first: boolean, now: Date): Promise<{ contact_id: string; occasion: string }[]> {
  const { where } = await segmentAudience({ db: tx, workspaceId, actor: SYSTEM_ACTOR, now, log: silentLog }, segmentId);
  const rows = await queryRowsOf<{ contact_id: string }>(
    tx,
    sql`with members as (select c.id from contacts c where c.workspace_id = ${workspaceId} and (${where})),
             gone as (delete from automation_segment_seen s where s.automation_id = ${automationId} and not exists (select 1 from members m where m.id = s.contact_id)),
             added as (insert into automation_segment_seen (automation_id, contact_id) select ${automationId}, m.id from members m on conflict do nothing returning contact_id)
        select contact_id from added`,
  );
  return first ? [] : rows.map((r) => ({ contact_id: r.contact_id, occasion: `seg${now.getTime()}` }));
}

const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

/** `select contact_id, occasion` of everyone whose moment is in (from, to]. */
function momentsIn(workspaceId: string, t: PeriodicTrigger, zone: string, from: Date, to: Date): SQL {
  const offset = sql`make_interval(days => ${t.offset?.days ?? 0}, hours => ${t.offset?.hours ?? 0}, mins => ${t.offset?.minutes ?? 0})`;
  const window = (m: SQL) => sql`${m} > ${from.toISOString()}::timestamptz and ${m} <= ${to.toISOString()}::timestamptz`;
  if (t.event) {
    const at = t.property
      ? sql`case when e.properties->>${t.property} ~ '^\\d{4}-\\d{2}-\\d{2}T' then (e.properties->>${t.property})::timestamptz end`
      : sql`e.occurred_at`;
    return sql`select e.contact_id, 'ev' || e.id as occasion from contact_events e
               where e.workspace_id = ${workspaceId} and e.type = ${t.event} and ${window(sql`(${at} + ${offset})`)}`;
  }
  // The person's zone, else the workspace's, else UTC; each date at `at_time` there, moved by the offset.
  const tz = sql`coalesce((select name from pg_timezone_names where name = c.timezone), (select name from pg_timezone_names where name = ${zone}::text), 'UTC')`;
  const d = sql`(c.attributes->>${t.attribute!})`;
  const atTime = sql`${t.at_time ?? '09:00'}::interval`;
  if (!t.yearly) {
    const moment = sql`(((${d})::date + ${atTime})::timestamp at time zone z.tz) + ${offset}`;
    return sql`select c.id as contact_id, 'd' || ${d} as occasion from contacts c cross join lateral (select ${tz} as tz) z
               where c.workspace_id = ${workspaceId} and ${d} ~ '^\\d{4}-\\d{2}-\\d{2}$' and ${window(moment)}`;
  }
  // Yearly: the date in each year around the window; 29 February falls on 28 February in other years.
  const onYear = sql`make_date(y.y, extract(month from (${d})::date)::int,
                       least(extract(day from (${d})::date)::int, extract(day from (make_date(y.y, extract(month from (${d})::date)::int, 1) + interval '1 month - 1 day'))::int))`;
  const moment = sql`(((${onYear}) + ${atTime})::timestamp at time zone z.tz) + ${offset}`;
  return sql`select c.id as contact_id, 'y' || y.y as occasion from contacts c cross join lateral (select ${tz} as tz) z
             cross join lateral generate_series(extract(year from ${from.toISOString()}::timestamptz)::int - 1, extract(year from ${to.toISOString()}::timestamptz)::int + 1) as y(y)
             where c.workspace_id = ${workspaceId} and ${d} ~ '^\\d{4}-\\d{2}-\\d{2}$' and ${window(moment)}`;
}
