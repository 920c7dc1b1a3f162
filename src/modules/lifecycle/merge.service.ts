// The lifecycle module's step of merging contacts (privacy orchestrates it, in its transaction).
import { param, sql } from 'drizzle-orm';
import type { Db } from '../context.js';

/** Merge step: the stage transitions of the dropped contacts move to the kept one. */
export async function moveLifecycleTransitions(db: Db, workspaceId: string, keepId: string, dropIds: string[]): Promise<void> {
  await db.execute(sql`update lifecycle_transitions set contact_id = ${keepId} where workspace_id = ${workspaceId} and contact_id = any(${param(dropIds)}::uuid[])`);
}
