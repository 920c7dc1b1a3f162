// How many people each opt-in source brought in, read from the consent ledger (the proof itself).
import { param, sql } from 'drizzle-orm';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';

/** A source's opt-ins: the people granted consent through it, and when the last one did. */
export interface SourceOptinCount {
  people: number;
  lastAt: Date | null;
}

/**
 * Opt-ins per opt-in source among `sourceIds`, in one statement: grants whose evidence names the
 * source (`evidence.source_id`, written by keyword and double opt-in confirmations). A person counts
 * once however many topics or times they joined; an erased person's events name no source any
 * more, so they drop out. Sources with no grant are absent from the map.
 */
export async function optinCountsBySource(db: Db, workspaceId: string, sourceIds: string[]): Promise<Map<string, SourceOptinCount>> {
  if (sourceIds.length === 0) return new Map();
  // Matches the partial index consent_events_optin_source_idx (action = 'grant', source_id present).
  const rows = await queryRowsOf<{ source_id: string; people: number | string; last_at: Date | string | null }>(
    db,
    sql`select evidence->>'source_id' as source_id, count(distinct contact_id) as people, max(occurred_at) as last_at
        from consent_events
        where workspace_id = ${workspaceId}::uuid and action = 'grant' and (evidence->>'source_id') = any(${param(sourceIds)}::text[])
        group by 1`,
  );
  return new Map(rows.map((r) => [r.source_id, { people: Number(r.people), lastAt: r.last_at === null ? null : new Date(r.last_at) }]));
}
