// Whether a contact's number is on WhatsApp at all: list hygiene marks it unreachable, any sign of life clears it.
import { param, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';

/** Marks unreachable, as of `at`, the reachable contacts among `contactIds` (a subquery of ids); one statement, returns the ids marked. */
export async function markUnreachable(db: Db, workspaceId: string, contactIds: SQL, at: Date): Promise<string[]> {
  const marked = await queryRowsOf<{ id: string }>(
    db,
    sql`update contacts c set unreachable_at = ${at.toISOString()}::timestamptz
        where c.workspace_id = ${workspaceId} and c.unreachable_at is null and c.id in (${contactIds})
        returning c.id`,
  );
  return marked.map((m) => m.id);
}

/** Clears the unreachable mark of those of `contactIds` that carry one (one statement). */
export async function clearUnreachable(db: Db, workspaceId: string, contactIds: string[]): Promise<void> {
  if (contactIds.length === 0) return;
  await db.execute(sql`update contacts c set unreachable_at = null where c.workspace_id = ${workspaceId} and c.id = any(${param(contactIds)}::uuid[]) and c.unreachable_at is not null`);
}
