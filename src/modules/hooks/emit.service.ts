// The transactional outbox: events are written by the caller's transaction, with one pending
// delivery per subscribed, enabled endpoint, so a change and the news of it commit together.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';
import type { WebhookEventType } from './hooks.rules.js';

/** One event to publish: its type and its `data` (ids and the fields a receiver needs; never a secret). */
export interface WebhookEventInput {
  type: WebhookEventType;
  data: Record<string, unknown>;
}

/**
 * Records events for the workspace's endpoints in the caller's transaction (`db` = its tx).
 * With no enabled endpoint it is one indexed probe and writes nothing; otherwise one more statement
 * gives each event an id (the receivers' idempotency key) and a pending delivery per subscribed endpoint.
 * Why nothing is cached in memory: several processes may emit, and all must see a new endpoint at once.
 */
export async function emitEvents(db: Db, workspaceId: string, events: WebhookEventInput[], at: Date): Promise<number> {
  if (events.length === 0) return 0;
  const rows = sql`select x.type, x.data from jsonb_to_recordset(${JSON.stringify(events)}::jsonb) as x(type text, data jsonb)`;
  return emitEventRows(db, workspaceId, rows, at);
}

/**
 * `emitEvents` for events a set-based writer builds in SQL: `rows` is a SELECT yielding `type text,
 * data jsonb` (e.g. over a statement's RETURNING rows, with the owner's fragments for names and
 * phones). It is not evaluated at all when the workspace has no enabled endpoint.
 */
export async function emitEventRows(db: Db, workspaceId: string, rows: SQL, at: Date): Promise<number> {
  const ws = sql`${workspaceId}::uuid`;
  // Why a separate probe first: planning the data-modifying CTE below costs ~8× a simple indexed
  // SELECT (0.87 ms against 0.10 ms on PGlite), and most workspaces have no endpoint.
  const [probe] = await queryRowsOf<{ any: boolean }>(db, sql`select exists (select 1 from hook_endpoints p where p.workspace_id = ${ws} and p.enabled) as any`);
  if (!probe?.any) return 0;
  const when = sql`${at.toISOString()}::timestamptz`;
  const out = await queryRowsOf<{ n: number }>(
    db,
    sql`with e as materialized (
          select gen_random_uuid() as id, r.type, r.data from (${rows}) r
        ),
        m as materialized (
          select e.id as event_id, p.id as endpoint_id from e
          join hook_endpoints p on p.workspace_id = ${ws} and p.enabled and (e.type = any(p.events) or '*' = any(p.events))
        ),
        ev as (
          insert into hook_events (id, workspace_id, type, payload, created_at)
          select e.id, ${ws}, e.type, coalesce(e.data, '{}'::jsonb), ${when} from e where e.id in (select event_id from m)
          returning id
        ),
        d as (
          insert into hook_deliveries (workspace_id, endpoint_id, event_id, next_attempt_at, created_at)
          select ${ws}, m.endpoint_id, ev.id, ${when}, ${when} from m join ev on ev.id = m.event_id
          returning 1
        )
        select count(*)::int as n from d`,
  );
  return out[0]?.n ?? 0;
}
