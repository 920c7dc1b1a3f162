// The messaging module's steps of erasure and merging (privacy orchestrates them, in its transaction).
import { param, sql } from 'drizzle-orm';
import type { Db } from '../context.js';

/** Erasure step: deletes the service windows and status events of one WhatsApp id (messages go with the contact). */
export async function eraseWaIdTraces(db: Db, workspaceId: string, waId: string): Promise<void> {
  await db.execute(sql`delete from service_windows where workspace_id = ${workspaceId} and wa_id = ${waId}`);
  await db.execute(sql`delete from message_status_events where workspace_id = ${workspaceId} and recipient_wa_id = ${waId}`);
}

/** Merge step: the messages, then the outbox items, of the dropped contacts move to the kept one. */
export async function moveContactMessages(db: Db, workspaceId: string, keepId: string, dropIds: string[]): Promise<void> {
  const ids = param(dropIds);
  await db.execute(sql`update messages set contact_id = ${keepId} where workspace_id = ${workspaceId} and contact_id = any(${ids}::uuid[])`);
  await db.execute(sql`update outbox set contact_id = ${keepId} where workspace_id = ${workspaceId} and contact_id = any(${ids}::uuid[])`);
}
