// The set-based contact upsert of an import chunk: one statement per policy, whatever the batch size.
import { param, sql } from 'drizzle-orm';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';

/** One row of a batch upsert: a contact by number, with the values the file gives it. */
export interface ContactBatchRow {
  phone: string;
  name: string | null;
  country: string | null;
  timezone: string | null;
  tzSource: 'explicit' | 'number' | null;
  language: string | null;
  attributes: Record<string, string | number | boolean> | null;
  tags: string[];
}

/**
 * What a row may change on a contact that exists: `update` (a number's first row in a file: non-empty
 * values replace) or `fill` (a repeat of a number already written: only what is still empty is filled).
 */
export type ContactBatchPolicy = 'update' | 'fill';

/** A contact the batch upsert wrote, with whether it was inserted (false: updated). */
export interface ContactBatchWrite {
  id: string;
  phone: string;
  inserted: boolean;
}

// Tags travel as one text per row joined by the ASCII unit separator (tags never contain control
// characters), so the statement needs no two-dimensional array parameter.
const TAG_SEP = '\u001f';

const UPDATE_FIRST = sql`
  set name = coalesce(excluded.name, c.name),
      country = coalesce(c.country, excluded.country),
      timezone = case when excluded.timezone is not null and (excluded.timezone_source = 'explicit' or c.timezone is null) then excluded.timezone else c.timezone end,
      timezone_source = case when excluded.timezone is not null and (excluded.timezone_source = 'explicit' or c.timezone is null) then excluded.timezone_source else c.timezone_source end,
      language = coalesce(excluded.language, c.language),
      attributes = c.attributes || excluded.attributes,
      tags = c.tags || array(select t from unnest(excluded.tags) t where t <> all(c.tags)),
      updated_at = excluded.updated_at
  where (excluded.name is not null and excluded.name is distinct from c.name)
     or (c.country is null and excluded.country is not null)
     or (excluded.timezone is not null and (excluded.timezone_source = 'explicit' or c.timezone is null)
         and (excluded.timezone is distinct from c.timezone or excluded.timezone_source is distinct from c.timezone_source))
     or (excluded.language is not null and excluded.language is distinct from c.language)
     or not (c.attributes @> excluded.attributes)
     or not (c.tags @> excluded.tags)`;
const FILL_REPEAT = sql`
  set name = coalesce(c.name, excluded.name),
      country = coalesce(c.country, excluded.country),
      timezone = case when excluded.timezone is not null and c.timezone_source is distinct from 'explicit' and (excluded.timezone_source = 'explicit' or c.timezone is null) then excluded.timezone else c.timezone end,
      timezone_source = case when excluded.timezone is not null and c.timezone_source is distinct from 'explicit' and (excluded.timezone_source = 'explicit' or c.timezone is null) then excluded.timezone_source else c.timezone_source end,
      language = coalesce(c.language, excluded.language),
      attributes = excluded.attributes || c.attributes,
      tags = c.tags || array(select t from unnest(excluded.tags) t where t <> all(c.tags)),
      updated_at = excluded.updated_at
  where (c.name is null and excluded.name is not null)
     or (c.country is null and excluded.country is not null)
     or (c.language is null and excluded.language is not null)
     or (excluded.timezone is not null and c.timezone_source is distinct from 'explicit' and (excluded.timezone_source = 'explicit' or c.timezone is null)
         and (excluded.timezone is distinct from c.timezone or excluded.timezone_source is distinct from c.timezone_source))
     or (excluded.attributes || c.attributes) <> c.attributes
     or not (c.tags @> excluded.tags)`;

const ON_CONFLICT: Record<ContactBatchPolicy, typeof UPDATE_FIRST> = { update: UPDATE_FIRST, fill: FILL_REPEAT };

/**
 * Upserts `rows` (unique numbers) in one set-based statement, existing contacts changed by `policy`.
 * A conflict where nothing would change is not written (the WHERE of DO UPDATE), so it is not returned.
 */
export async function upsertContactBatch(db: Db, workspaceId: string, rows: ContactBatchRow[], policy: ContactBatchPolicy, now: Date): Promise<ContactBatchWrite[]> {
  const col = <T>(f: (r: ContactBatchRow) => T) => param(rows.map(f));
  const at = now.toISOString();
  return queryRowsOf<ContactBatchWrite>(
    db,
    sql`insert into contacts as c (workspace_id, phone, name, country, timezone, timezone_source, language, attributes, tags, created_at, updated_at)
        select ${workspaceId}::uuid, r.phone, r.name, r.country, r.timezone, r.tz_source, r.language, r.attributes, string_to_array(r.tags, ${TAG_SEP}), ${at}::timestamptz, ${at}::timestamptz
        from unnest(${col((r) => r.phone)}::text[], ${col((r) => r.name)}::text[], ${col((r) => r.country)}::text[], ${col((r) => r.timezone)}::text[],
                    ${col((r) => r.tzSource)}::text[], ${col((r) => r.language)}::text[], ${col((r) => (r.attributes ? JSON.stringify(r.attributes) : '{}'))}::jsonb[],
                    ${col((r) => r.tags.join(TAG_SEP))}::text[])
          as r(phone, name, country, timezone, tz_source, language, attributes, tags)
        on conflict (workspace_id, phone) do update ${ON_CONFLICT[policy]}
        returning c.id, c.phone, (xmax = 0) as inserted`,
  );
}
