// The broadcasts module's steps of erasure and merging (privacy orchestrates them, in its transaction).
import { param, sql } from 'drizzle-orm';
import type { Db } from '../context.js';

/** Erasure step: deletes the contact's broadcast rows (they carry no foreign key to cascade: a million-row snapshot would check one per row). */
export async function eraseBroadcastRecipients(db: Db, workspaceId: string, contactId: string): Promise<void> {
  await db.execute(sql`delete from broadcast_recipients where workspace_id = ${workspaceId} and contact_id = ${contactId}`);
  await db.execute(sql`delete from broadcast_conversions where workspace_id = ${workspaceId} and contact_id = ${contactId}`);
  await db.execute(sql`delete from automation_conversions where workspace_id = ${workspaceId} and contact_id = ${contactId}`);
}

/** Merge step: the dropped contacts' broadcast rows move to the kept one, except where that broadcast already has the kept contact (those are deleted). */
export async function mergeBroadcastRecipients(db: Db, workspaceId: string, keepId: string, dropIds: string[]): Promise<void> {
  const ids = param(dropIds);
  await db.execute(sql`update broadcast_recipients r set contact_id = ${keepId} where r.workspace_id = ${workspaceId} and r.contact_id = any(${ids}::uuid[])
                       and not exists (select 1 from broadcast_recipients k where k.broadcast_id = r.broadcast_id and k.contact_id = ${keepId})`);
  await db.execute(sql`delete from broadcast_recipients where workspace_id = ${workspaceId} and contact_id = any(${ids}::uuid[])`);
  // Credited events follow their person (the engagement module moves the events themselves).
  await db.execute(sql`update broadcast_conversions set contact_id = ${keepId} where workspace_id = ${workspaceId} and contact_id = any(${ids}::uuid[])`);
  await db.execute(sql`update automation_conversions set contact_id = ${keepId} where workspace_id = ${workspaceId} and contact_id = any(${ids}::uuid[])`);
}
