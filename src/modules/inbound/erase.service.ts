// The inbound module's step of erasure (privacy orchestrates it, in its transaction).
import { sql } from 'drizzle-orm';
import type { Db } from '../context.js';

/** Erasure step: deletes the workspace's stored webhook bodies that name one WhatsApp id. */
export async function eraseWebhookBodies(db: Db, workspaceId: string, waId: string): Promise<void> {
  // Raw bodies carry the number as "wa_id"/"from"/"recipient_id"; matching the quoted digits finds them.
  await db.execute(sql`delete from webhook_events where raw like ${`%"${waId}"%`}
                       and phone_number_id in (select phone_number_id from phone_numbers where workspace_id = ${workspaceId})`);
}
