// Changes to watched tags and attributes: who watches which keys (`contact_change_watches`), and
// how long the recorded changes are kept. The changes themselves are written by triggers on
// `contacts` (migration 0018), so every write path is seen; readers scan `contact_changes` by id.
import { param, sql } from 'drizzle-orm';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';

/** A tag or attribute someone wants changes of. */
export interface ContactChangeWatch {
  kind: 'tag' | 'attribute';
  key: string;
}

/** How long recorded changes are kept: readers scan them within seconds; a week covers a stopped worker. */
export const CONTACT_CHANGES_RETENTION_MS = 7 * 86_400_000;

/** Replaces what `watcher` watches in a workspace (an empty list stops recording for it). */
export async function setContactChangeWatches(db: Db, workspaceId: string, watcher: string, watches: ContactChangeWatch[]): Promise<void> {
  await db.execute(sql`delete from contact_change_watches where workspace_id = ${workspaceId} and watcher = ${watcher}`);
  if (watches.length === 0) return;
  await db.execute(sql`insert into contact_change_watches (workspace_id, watcher, kind, key)
                       select ${workspaceId}, ${watcher}, k, key from unnest(${param(watches.map((w) => w.kind))}::text[], ${param(watches.map((w) => w.key))}::text[]) as x(k, key)
                       on conflict do nothing`);
}

/** Deletes recorded changes older than the retention, at most `limit` a call (PGlite's one connection); returns how many. */
export async function purgeContactChanges(db: Db, now: Date, limit = 10_000): Promise<number> {
  const cutoff = new Date(now.getTime() - CONTACT_CHANGES_RETENTION_MS).toISOString();
  const rows = await queryRowsOf<{ id: number }>(db, sql`delete from contact_changes where id in (select id from contact_changes where at < ${cutoff}::timestamptz order by id limit ${limit}) returning id`);
  return rows.length;
}
