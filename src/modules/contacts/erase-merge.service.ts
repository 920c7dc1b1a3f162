// The contacts module's steps of erasure and merging (privacy orchestrates them, in its transaction).
import { and, eq, param, sql } from 'drizzle-orm';
import type { Db } from '../context.js';
import { contacts } from './contacts.tables.js';

/** Erasure step: deletes the contact (rows holding a foreign key to it cascade). */
export async function eraseContactRow(db: Db, workspaceId: string, id: string): Promise<void> {
  await db.delete(contacts).where(and(eq(contacts.id, id), eq(contacts.workspaceId, workspaceId)));
}

/**
 * Merge step: the kept contact's own values win and its empty ones are filled from the dropped
 * contacts (oldest first; attributes and tags are joined); then the dropped contacts are deleted.
 */
export async function mergeContactRows(db: Db, workspaceId: string, keepId: string, dropIds: string[], now: Date): Promise<void> {
  const ids = param(dropIds);
  await db.execute(sql`
    update contacts c set
      wa_id = coalesce(c.wa_id, o.wa_id), name = coalesce(c.name, o.name), profile_name = coalesce(c.profile_name, o.profile_name),
      language = coalesce(c.language, o.language), notes = coalesce(c.notes, o.notes),
      attributes = o.attributes || c.attributes, tags = c.tags || array(select t from unnest(o.tags) t where t <> all(c.tags)),
      updated_at = ${now.toISOString()}::timestamptz
    from (select (array_agg(wa_id order by created_at) filter (where wa_id is not null))[1] as wa_id,
                 (array_agg(name order by created_at) filter (where name is not null))[1] as name,
                 (array_agg(profile_name order by created_at) filter (where profile_name is not null))[1] as profile_name,
                 (array_agg(language order by created_at) filter (where language is not null))[1] as language,
                 (array_agg(notes order by created_at) filter (where notes is not null))[1] as notes,
                 coalesce(jsonb_object_agg(k, v) filter (where k is not null), '{}'::jsonb) as attributes,
                 array(select distinct t from contacts x, unnest(x.tags) t where x.id = any(${ids}::uuid[])) as tags
          from contacts d left join lateral jsonb_each(d.attributes) as a(k, v) on true
          where d.id = any(${ids}::uuid[])) o
    where c.id = ${keepId}`);
  await db.execute(sql`delete from contacts where workspace_id = ${workspaceId} and id = any(${ids}::uuid[])`);
}
