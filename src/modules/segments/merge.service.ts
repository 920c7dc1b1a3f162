// The segments module's step of merging contacts (privacy orchestrates it, in its transaction).
import { param, sql } from 'drizzle-orm';
import type { Db } from '../context.js';

/** Merge step: the kept contact joins every list a dropped contact was on (earliest join date); the dropped memberships go with their contacts. */
export async function mergeListMemberships(db: Db, workspaceId: string, keepId: string, dropIds: string[]): Promise<void> {
  await db.execute(sql`insert into segment_members (segment_id, contact_id, workspace_id, added_at)
                       select segment_id, ${keepId}, workspace_id, min(added_at) from segment_members where workspace_id = ${workspaceId} and contact_id = any(${param(dropIds)}::uuid[])
                       group by segment_id, workspace_id on conflict do nothing`);
}
