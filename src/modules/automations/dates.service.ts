// Date-relative triggers: a date attribute (yearly or once) or a time in a customer event, moved by
// an offset, evaluated in each person's time zone. A set-based sweep per automation enrols everyone
// whose moment fell since the automation's last sweep.
import { sql, type SQL } from 'drizzle-orm';
import type { Db, Log } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { getWorkspaceSettings } from '../workspaces/index.js';
import { enrollContacts } from './enrol.service.js';

interface DateTrigger {
  type: 'date';
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
export async function scanDateTriggers(deps: { db: Db; now: Date; log: Log }): Promise<number> {
  const due = await queryRowsOf<{ automation_id: string; workspace_id: string; version: number; trigger: DateTrigger; last_at: string | Date | null }>(
    deps.db,
    sql`select a.id as automation_id, a.workspace_id, a.version, v.definition->'trigger' as trigger, cur.last_at
        from automations a join automation_versions v on v.automation_id = a.id and v.version = a.version
        left join automation_cursors cur on cur.source = 'date:' || a.id
        where a.status = 'published' and v.definition->'trigger'->>'type' = 'date'
          and (cur.last_at is null or cur.last_at <= ${new Date(deps.now.getTime() - SWEEP_EVERY_MS).toISOString()}::timestamptz)`,
  );
  let enrolled = 0;
  for (const a of due) {
    enrolled += await deps.db.transaction(async (tx) => {
      const source = `date:${a.automation_id}`;
      // First sweep: from now on (a new automation does not fire for every past birthday).
      await tx.execute(sql`insert into automation_cursors (source, last_at) values (${source}, ${deps.now.toISOString()}::timestamptz) on conflict do nothing`);
      const [cur] = await queryRowsOf<{ last_at: string | Date }>(tx, sql`select last_at from automation_cursors where source = ${source} for update skip locked`);
      if (!cur) return 0;
      const from = new Date(Math.max(new Date(cur.last_at).getTime(), deps.now.getTime() - CATCH_UP_MS));
      if (from >= deps.now) return 0;
      const zone = ((await getWorkspaceSettings(tx, a.workspace_id)) as { timezone?: string }).timezone ?? 'UTC';
      const hits = await queryRowsOf<{ contact_id: string; occasion: string }>(tx, momentsIn(a.workspace_id, a.trigger, zone, from, deps.now));
      let n = 0;
      for (const h of hits) {
        const r = await enrollContacts(tx, { workspaceId: a.workspace_id, automationId: a.automation_id, version: a.version, now: deps.now, source: { trigger: 'date', occasion: h.occasion }, eventKey: h.occasion, perOccasion: true }, { ids: [h.contact_id] });
        n += r.enrolled;
      }
      await tx.execute(sql`update automation_cursors set last_at = ${deps.now.toISOString()}::timestamptz, updated_at = now() where source = ${source}`);
      return n;
    });
  }
  return enrolled;
}

/** `select contact_id, occasion` of everyone whose moment is in (from, to]. */
function momentsIn(workspaceId: string, t: DateTrigger, zone: string, from: Date, to: Date): SQL {
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
