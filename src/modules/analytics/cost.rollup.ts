// The cost rollup: folds the deltas the `messages` triggers append (migration 0039) into per-day
// counts. One statement per batch: the deltas are deleted (SKIP LOCKED, so several workers share
// the work and none waits) and folded in the same transaction, so a crash loses nothing and nothing
// is counted twice. Why deltas of deleted workspaces are dropped (the join): their rows went too.
import { sql } from 'drizzle-orm';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';

/** Deltas folded per statement. */
export const COST_BATCH = 5000;

/** Folds up to `limit` pending cost deltas into `analytics_cost_days`; returns how many. */
export async function rollUpCosts(db: Db, limit = COST_BATCH): Promise<number> {
  const rows = await queryRowsOf<{ n: number }>(
    db,
    sql`with d as (
          delete from analytics_cost_deltas where id in (select id from analytics_cost_deltas order by id limit ${limit} for update skip locked)
          returning workspace_id, day, country, category, kind, n),
        f as (
          insert into analytics_cost_days as c (workspace_id, day, country, category, kind, messages)
          select d.workspace_id, d.day, d.country, d.category, d.kind, sum(d.n) from d join workspaces w on w.id = d.workspace_id
          group by 1, 2, 3, 4, 5
          on conflict (workspace_id, day, country, category, kind) do update set messages = c.messages + excluded.messages
          returning 1)
        select (select count(*) from d)::int as n, (select count(*) from f)::int as f`,
  );
  return rows[0]?.n ?? 0;
}

/** Drains every pending cost delta (tests, and a loop pass that found a full batch). */
export async function rollUpAllCosts(db: Db, limit = COST_BATCH): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await rollUpCosts(db, limit);
    total += n;
    if (n < limit) return total;
  }
}
