// The engagement module's steps of merging contacts (privacy orchestrates them, in its transaction).
import { param, sql } from 'drizzle-orm';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { PURCHASE_EVENT } from './events.service.js';

/** Merge step: the customer events of the dropped contacts move to the kept one. */
export async function moveContactEvents(db: Db, workspaceId: string, keepId: string, dropIds: string[]): Promise<void> {
  await db.execute(sql`update contact_events set contact_id = ${keepId} where workspace_id = ${workspaceId} and contact_id = any(${param(dropIds)}::uuid[])`);
}

/**
 * Merge step: folds the dropped contacts' engagement rows into the kept one's: the latest of each
 * timestamp and the sum of purchases; 30/90-day counts are recomputed by the next lifecycle run.
 */
export async function mergeContactEngagement(db: Db, workspaceId: string, keepId: string, dropIds: string[]): Promise<void> {
  const latest = ['last_inbound_at', 'last_sent_at', 'last_delivered_at', 'last_read_at', 'last_click_at', 'last_purchase_at', 'last_event_at', 'last_engaged_at'];
  const set = [
    ...latest.map((c) => `${c} = greatest(e.${c}, excluded.${c})`),
    'first_purchase_at = least(e.first_purchase_at, excluded.first_purchase_at)',
    'purchases_count = e.purchases_count + excluded.purchases_count',
    'purchases_total = e.purchases_total + excluded.purchases_total',
    'windows_at = null',
  ].join(', ');
  await db.execute(sql`
    insert into contact_engagement as e (contact_id, workspace_id, ${sql.raw(latest.join(', '))}, first_purchase_at, purchases_count, purchases_total, updated_at)
    select ${keepId}::uuid, ${workspaceId}::uuid, ${sql.raw(latest.map((c) => `max(${c})`).join(', '))}, min(first_purchase_at), coalesce(sum(purchases_count), 0), coalesce(sum(purchases_total), 0), now()
    from contact_engagement where workspace_id = ${workspaceId} and contact_id = any(${param(dropIds)}::uuid[])
    having count(*) > 0
    on conflict (contact_id) do update set ${sql.raw(set)}`);
}

/**
 * Erases the customer events a source recorded (their idempotency keys start with `keyPrefix`, e.g.
 * `shop:<connection id>:` when a shop asks for its data to be deleted) and recomputes the purchase
 * figures of the contacts they belonged to from what is left. Returns how many events went.
 * Why `left()` and not a range on the key index: under a non-C collation a text range does not
 * follow byte order, and this runs once per shop, so a scan of the workspace's events is fine.
 */
export async function eraseEventsByKeyPrefix(db: Db, workspaceId: string, keyPrefix: string): Promise<number[]> {
  const rows = await queryRowsOf<{ id: string; contact_id: string }>(
    db,
    sql`delete from contact_events where workspace_id = ${workspaceId} and left(idempotency_key, ${keyPrefix.length}) = ${keyPrefix} returning id::text as id, contact_id`,
  );
  const ids = [...new Set(rows.map((r) => r.contact_id))];
  if (ids.length === 0) return [];
  await db.execute(sql`
    update contact_engagement ce set
      first_purchase_at = p.first_at, last_purchase_at = p.last_at, purchases_count = p.n, purchases_total = p.total, last_event_at = p.last_event_at
    from (
      select c.id as contact_id,
        min(e.occurred_at) filter (where e.type = ${PURCHASE_EVENT}) as first_at,
        max(e.occurred_at) filter (where e.type = ${PURCHASE_EVENT}) as last_at,
        count(e.id) filter (where e.type = ${PURCHASE_EVENT})::int as n,
        coalesce(sum(e.amount) filter (where e.type = ${PURCHASE_EVENT}), 0) as total,
        max(e.occurred_at) as last_event_at
      from unnest(${param(ids)}::uuid[]) as c(id) left join contact_events e on e.workspace_id = ${workspaceId} and e.contact_id = c.id
      group by c.id
    ) p
    where ce.contact_id = p.contact_id and ce.workspace_id = ${workspaceId}`);
  return rows.map((r) => Number(r.id));
}
