// How long the delivery log is kept: events (with their deliveries and attempts) older than the
// retention are deleted once none of their deliveries is still pending.
import { sql } from 'drizzle-orm';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { RETRY_WINDOW_MS } from './hooks.rules.js';

/** How long events and their delivery log are kept (well past the 3-day retry window, for replays). */
export const WEBHOOK_LOG_RETENTION_MS = 30 * 24 * 3600_000;

/**
 * Deletes up to `limit` events older than the retention with no pending delivery (their deliveries
 * and attempts go with them); returns how many. Pending ones older than the retry window plus the
 * retention belong to an endpoint disabled for a month: deleted too, as they could never be sent.
 */
export async function purgeWebhookLog(db: Db, now: Date, limit = 5_000): Promise<number> {
  const cutoff = new Date(now.getTime() - WEBHOOK_LOG_RETENTION_MS).toISOString();
  const abandoned = new Date(now.getTime() - WEBHOOK_LOG_RETENTION_MS - RETRY_WINDOW_MS).toISOString();
  const rows = await queryRowsOf<{ id: string }>(
    db,
    sql`delete from hook_events where id in (
          select e.id from hook_events e
          where e.created_at < ${cutoff}::timestamptz
            and (e.created_at < ${abandoned}::timestamptz or not exists (select 1 from hook_deliveries d where d.event_id = e.id and d.status = 'pending'))
          order by e.created_at limit ${limit})
        returning id`,
  );
  return rows.length;
}
