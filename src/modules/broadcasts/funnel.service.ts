import { param, sql } from 'drizzle-orm';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';

// The metrics of one delta row's shape (the SQL function holds the counting rules).
const METRICS = sql.raw(`broadcast_funnel_metrics(d.state, d.rank, d.reason, d.code, d.replied, d.clicked, d.opted_out)`);

/**
 * Folds pending funnel deltas (oldest first, at most `limit`) into broadcast_funnel_counts in one
 * statement: the delete and the upsert commit together or not at all, so a crash mid-drain leaves
 * the deltas for the next drain and nothing is counted twice. SKIP LOCKED lets drains run side by side.
 */
export async function drainFunnelDeltas(db: Db, limit = 50_000): Promise<number> {
  const rows = await queryRowsOf<{ n: string }>(
    db,
    sql`with d as (
          delete from broadcast_funnel_deltas where id in (select id from broadcast_funnel_deltas order by id limit ${limit} for update skip locked)
          returning broadcast_id, workspace_id, state, rank, reason, code, replied, clicked, opted_out, n),
        up as (
          insert into broadcast_funnel_counts (broadcast_id, workspace_id, metric, n, updated_at)
          select d.broadcast_id, d.workspace_id, m.metric, sum(d.n), now()
          from d cross join lateral unnest(${METRICS}) as m(metric)
          where exists (select 1 from broadcasts b where b.id = d.broadcast_id)
          group by 1, 2, 3 having sum(d.n) <> 0
          order by 1, 3
          on conflict (broadcast_id, metric) do update set n = broadcast_funnel_counts.n + excluded.n, updated_at = excluded.updated_at
          returning 1)
        select (select count(*) from d) as n`,
  );
  return Number(rows[0]?.n ?? 0);
}

/** Drains until no deltas are left (tests, benches, shutdown); returns how many were folded. */
export async function drainAllFunnelDeltas(db: Db): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await drainFunnelDeltas(db);
    total += n;
    if (n === 0) return total;
  }
}

/**
 * Current funnel metrics of some broadcasts (of one workspace, or null for internal callers holding an id): the rollup plus the deltas not yet
 * drained, read in one statement (one snapshot, so a drain committing meanwhile is seen whole or
 * not at all). Exact at any drain lag; costs a few index probes per broadcast.
 */
export async function funnelMetrics(db: Db, workspaceId: string | null, broadcastIds: string[]): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>(broadcastIds.map((id) => [id, {}]));
  if (broadcastIds.length === 0) return out;
  const rows = await queryRowsOf<{ broadcast_id: string; metric: string; n: string }>(
    db,
    sql`select broadcast_id, metric, sum(n) as n from (
          select c.broadcast_id, c.metric, c.n from broadcast_funnel_counts c
          where c.broadcast_id = any(${param(broadcastIds)}::uuid[]) and (${workspaceId}::uuid is null or c.workspace_id = ${workspaceId})
          union all
          select d.broadcast_id, m.metric, d.n from broadcast_funnel_deltas d cross join lateral unnest(${METRICS}) as m(metric)
          where d.broadcast_id = any(${param(broadcastIds)}::uuid[]) and (${workspaceId}::uuid is null or d.workspace_id = ${workspaceId})) x
        group by 1, 2`,
  );
  for (const r of rows) {
    const n = Number(r.n);
    if (n !== 0) out.get(r.broadcast_id)![r.metric] = n;
  }
  return out;
}
