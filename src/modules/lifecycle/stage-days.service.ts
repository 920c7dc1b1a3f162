// The daily lifecycle snapshot: how many contacts are in each stage, counted set-based and kept per
// workspace-local day in lifecycle_stage_days (the report over time reads it, never the history).
import { sql } from 'drizzle-orm';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { LIFECYCLE_STAGES } from './lifecycle.tables.js';

const STAGES_ARRAY = sql.raw(`array[${LIFECYCLE_STAGES.map((s) => `'${s}'`).join(', ')}]::text[]`);

/**
 * Counts every contact's current stage (no contact_lifecycle row: `new`) and stores it as the day
 * `now` falls on in each workspace's time zone: all nine stages, zeros included, one INSERT … SELECT
 * … GROUP BY. Run again the same day, it replaces that day's counts (ON CONFLICT DO UPDATE).
 * `workspaceId` limits it to one workspace. Returns the workspaces snapshotted.
 */
export async function snapshotLifecycleStages(db: Db, now: Date, opts: { workspaceId?: string } = {}): Promise<number> {
  const only = opts.workspaceId ? sql`and w.id = ${opts.workspaceId}` : sql``;
  const onlyContacts = opts.workspaceId ? sql`where c.workspace_id = ${opts.workspaceId}` : sql``;
  const at = now.toISOString();
  const rows = await queryRowsOf<{ workspace_id: string }>(
    db,
    sql`insert into lifecycle_stage_days (workspace_id, day, stage, contacts, taken_at)
        select w.id, (${at}::timestamptz at time zone coalesce(w.settings ->> 'timezone', 'UTC'))::date, s.stage, coalesce(n.contacts, 0), ${at}::timestamptz
        from workspaces w
          cross join unnest(${STAGES_ARRAY}) s(stage)
          left join (select c.workspace_id, coalesce(l.stage, 'new') as stage, count(*)::int as contacts
                     from contacts c left join contact_lifecycle l on l.contact_id = c.id
                     ${onlyContacts}
                     group by 1, 2) n on n.workspace_id = w.id and n.stage = s.stage
        where true ${only}
        on conflict (workspace_id, day, stage) do update set contacts = excluded.contacts, taken_at = excluded.taken_at
        returning workspace_id`,
  );
  return new Set(rows.map((r) => r.workspace_id)).size;
}

/** How old today's snapshot may be before a report takes it again (the hourly sweep also does). */
export const TODAY_SNAPSHOT_MAX_AGE_MS = 5 * 60_000;

/**
 * Takes the workspace's snapshot for `day` (its local today at `now`) unless a fresh one exists.
 * Why refresh today: a new shop opens the Overview before its first import, and an hour-old
 * "0 contacts" would stand until the sweep; past days are never retaken. Returns whether it took one.
 */
export async function ensureStageSnapshot(db: Db, workspaceId: string, day: string, now: Date): Promise<boolean> {
  const since = new Date(now.getTime() - TODAY_SNAPSHOT_MAX_AGE_MS).toISOString();
  const fresh = await queryRowsOf<{ one: number }>(db, sql`select 1 as one from lifecycle_stage_days where workspace_id = ${workspaceId} and day = ${day}::date and taken_at > ${since}::timestamptz limit 1`);
  if (fresh.length > 0) return false;
  await snapshotLifecycleStages(db, now, { workspaceId });
  return true;
}

/** One stored day: the count per stage. */
export interface StageDay {
  day: string;
  stage: string;
  contacts: number;
}

/** The workspace's stored snapshot rows from `from` to `to` (dates, both included), by day. */
export async function stageDaysBetween(db: Db, workspaceId: string, from: string, to: string): Promise<StageDay[]> {
  return queryRowsOf<StageDay>(
    db,
    sql`select day::text as day, stage, contacts from lifecycle_stage_days
        where workspace_id = ${workspaceId} and day >= ${from}::date and day <= ${to}::date order by day`,
  );
}
