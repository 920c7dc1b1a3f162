// The opt-in module's steps of erasure and merging (privacy orchestrates them, in its transaction).
import { param, sql } from 'drizzle-orm';
import type { Db } from '../context.js';

/** Erasure step: deletes the opt-in form submissions made with a phone number. */
export async function eraseOptinSubmissions(db: Db, workspaceId: string, phone: string): Promise<void> {
  await db.execute(sql`delete from optin_submissions where workspace_id = ${workspaceId} and phone = ${phone}`);
}

/** Merge step: the opt-in submissions of the dropped contacts move to the kept one. */
export async function moveOptinSubmissions(db: Db, workspaceId: string, keepId: string, dropIds: string[]): Promise<void> {
  await db.execute(sql`update optin_submissions set contact_id = ${keepId} where workspace_id = ${workspaceId} and contact_id = any(${param(dropIds)}::uuid[])`);
}
