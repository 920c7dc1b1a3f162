import { param, sql } from 'drizzle-orm';
import type { Db } from '../../modules/context.js';
import { queryRows } from './database.js';

/** A table is re-analyzed when its size moved by more than this share since its last ANALYZE. */
const DRIFT = 0.2;
/** Tables smaller than this many pages are left alone (any plan is fast on them). */
const MIN_PAGES = 8;

/**
 * Runs ANALYZE on every table of the app's schema whose planner statistics are missing or stale,
 * and returns how many it analyzed.
 *
 * Why: PGlite has no autovacuum, so without this its tables are never analyzed and every
 * `workspace_id = $1` is planned with PostgreSQL's default 0.5 % selectivity; on PostgreSQL the
 * autovacuum launcher wakes once a minute, so a table that grows from nothing during a first
 * broadcast (messages, status events) is planned as empty for that minute. Both made status
 * processing hash-join the whole messages table per webhook batch (docs/performance.md, "Stale
 * statistics"). `skip` leaves tables out (those a running import is filling: see sweeps.ts). Staleness is judged from the table's current size against `pg_class.relpages`,
 * which ANALYZE records, because PGlite keeps no `pg_stat_user_tables` counters.
 */
export async function refreshPlannerStats(db: Db, opts: { skip?: readonly string[] } = {}): Promise<number> {
  const stale = await queryRows<{ name: string }>(
    db,
    sql`select name from (
          select c.relname as name, c.relpages, c.reltuples,
                 pg_relation_size(c.oid) / current_setting('block_size')::int as pages
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = current_schema() and c.relkind = 'r'
        ) t
        where pages >= ${MIN_PAGES}::int and not (name = any(${param([...(opts.skip ?? [])])}::text[]))
          and (reltuples < 0 or abs(pages - relpages) > greatest(${MIN_PAGES}::int, relpages * ${DRIFT}::float8))
        order by pages`,
  );
  for (const { name } of stale) await db.execute(sql`analyze ${sql.identifier(name)}`);
  return stale.length;
}
