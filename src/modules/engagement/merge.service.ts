// The engagement module's steps of merging contacts (privacy orchestrates them, in its transaction).
import { param, sql } from 'drizzle-orm';
import type { Db } from '../context.js';

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
