// Contacts as CSV, streamed in keyset pages of 1,000 (memory stays flat at any list size).
import { sql } from 'drizzle-orm';
import { consentStatesOf, listTopics } from '../consent/index.js';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { loadAttributeDefs } from './attributes.js';
import { csvLine } from './csv-format.js';

/** Contacts per page read from the database. */
export const EXPORT_PAGE = 1_000;

interface ExportRow {
  id: string;
  phone: string;
  name: string | null;
  country: string | null;
  timezone: string | null;
  language: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
  cursor_t: string;
}

function attributeText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/**
 * The workspace's contacts as CSV lines: id, phone, name, country, timezone, language, tags (joined
 * by ;), one `attributes.<key>` column per defined attribute and one `consent:<topic>` column per
 * topic (granted, withdrawn or none). Every cell is formula-neutralised and quoted.
 */
export async function* exportContactsCsv(db: Db, workspaceId: string): AsyncGenerator<string> {
  const defs = await loadAttributeDefs(db, workspaceId);
  const topics = await listTopics(db, workspaceId);
  yield csvLine(['id', 'phone', 'name', 'country', 'timezone', 'language', 'tags', ...defs.map((d) => `attributes.${d.key}`), ...topics.map((t) => `consent:${t.key}`)]);
  // The cursor keeps created_at as the database's text: a JS Date would drop microseconds and
  // make the keyset skip or repeat rows.
  let after: { t: string; id: string } | undefined;
  for (;;) {
    const page = await queryRowsOf<ExportRow>(
      db,
      sql`select id, phone, name, country, timezone, language, tags, attributes, created_at::text as cursor_t from contacts
          where workspace_id = ${workspaceId}::uuid ${after ? sql`and (created_at, id) > (${after.t}::timestamptz, ${after.id}::uuid)` : sql``}
          order by created_at, id limit ${EXPORT_PAGE}`,
    );
    if (page.length === 0) return;
    const states = topics.length ? await consentStatesOf(db, workspaceId, page.map((c) => c.id)) : [];
    const state = new Map(states.map((s) => [`${s.contact_id}/${s.topic_id}`, s.status]));
    let out = '';
    for (const c of page) {
      out += csvLine([
        c.id,
        c.phone,
        c.name,
        c.country,
        c.timezone,
        c.language,
        c.tags.join(';'),
        ...defs.map((d) => attributeText(c.attributes[d.key])),
        ...topics.map((t) => state.get(`${c.id}/${t.id}`) ?? 'none'),
      ]);
    }
    yield out;
    const last = page[page.length - 1]!;
    after = { t: last.cursor_t, id: last.id };
    if (page.length < EXPORT_PAGE) return;
  }
}
