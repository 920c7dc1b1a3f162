// Writes one chunk set-based: one upsert statement for the contacts, one append for their consent.
import { param, sql } from 'drizzle-orm';
import { upsertContactBatch } from '../contacts/index.js';
import { appendConsentEvents, recordedDedupeKeys, refusedGrants, type ConsentEventInput } from '../consent/index.js';
import type { Ctx, Db } from '../context.js';
import { addListMembersByPhone } from '../segments/index.js';
import { queryRowsOf } from '../sql.js';
import type { ChunkRow, ContactChunk } from './chunker.js';
import { adoptExistingForms } from './equivalent-forms.js';
import type { Attestation } from './imports.schemas.js';

/** What writing (or previewing) a chunk did. */
export interface ChunkOutcome {
  created: number;
  updated: number;
  /** First rows of a number whose contact already held everything they say. */
  unchanged: number;
  consentGranted: number;
  /** Rows whose grant was refused because the number opted out (suppressed, or withdrew the topic). */
  optedOut: number;
}

/**
 * Upserts the chunk's contacts (one statement, two when the chunk holds numbers already seen in
 * an earlier chunk: a number's first row in the file updates its contact like any import, a
 * `repeat` row only fills what is still empty, the same rule as mergeRows) and returns each row's
 * id with what happened. A conflict where nothing would change is not written at all (the WHERE
 * of DO UPDATE), so a re-run of the same file leaves rows untouched: they are "same", and their
 * ids are looked up only for rows that carry consent.
 */
async function upsertContacts(tx: Db, workspaceId: string, rows: ChunkRow[], now: Date): Promise<Map<string, { id: string; outcome: 'created' | 'updated' | 'same' }>> {
  const first = rows.filter((r) => !r.repeat);
  const repeats = rows.filter((r) => r.repeat);
  const written = [
    ...(first.length > 0 ? await upsertContactBatch(tx, workspaceId, first, 'update', now) : []),
    ...(repeats.length > 0 ? await upsertContactBatch(tx, workspaceId, repeats, 'fill', now) : []),
  ];
  const ids = new Map<string, { id: string; outcome: 'created' | 'updated' | 'same' }>(written.map((r) => [r.phone, { id: r.id, outcome: r.inserted ? 'created' : 'updated' }]));
  const unchanged = rows.filter((r) => r.grant !== null && !ids.has(r.phone)).map((r) => r.phone);
  if (unchanged.length > 0) {
    const found = await queryRowsOf<{ id: string; phone: string }>(tx, sql`select id, phone from contacts where workspace_id = ${workspaceId}::uuid and phone = any(${param(unchanged)}::text[])`);
    for (const r of found) ids.set(r.phone, { id: r.id, outcome: 'same' });
  }
  return ids;
}

/** The ledger events for the chunk's grants (one per row and topic). */
function grantEvents(rows: ChunkRow[], ids: Map<string, { id: string }>, importId: string, att: Attestation): ConsentEventInput[] {
  const events: ConsentEventInput[] = [];
  for (const r of rows) {
    const g = r.grant;
    const contact = ids.get(r.phone);
    if (!g || !contact) continue;
    const evidence = { text: att.text, import_id: importId, attested_by: att.attested_by, collected_where: g.collectedWhere, collected_at: g.occurredAt, row: r.line, ...(att.covers_whatsapp ? { covers_whatsapp: true } : {}) };
    r.topicIds.forEach((topicId, i) => {
      events.push({ contactId: contact.id, phoneHash: g.phoneHash, topicId, action: 'grant', source: 'import', evidence, occurredAt: new Date(g.occurredAt), dedupeKey: g.dedupeKeys[i]! });
    });
  }
  return events;
}

/**
 * Writes a chunk in the caller's transaction. Grants go through the consent ledger, which refuses
 * them for suppressed numbers and withdrawn topics: an import never re-subscribes anyone who
 * opted out (only the person can), even when their contact was erased and is created anew.
 */
export async function writeChunk(ctx: Ctx, input: { importId: string; chunk: ContactChunk; attestation: Attestation | null; listId?: string | undefined }): Promise<ChunkOutcome> {
  const { db: tx, workspaceId, actor, now } = ctx;
  const { importId, chunk, attestation: att, listId } = input;
  const out: ChunkOutcome = { created: 0, updated: 0, unchanged: 0, consentGranted: 0, optedOut: 0 };
  if (chunk.rows.length === 0) return out;
  await adoptExistingForms(tx, workspaceId, chunk.rows);
  const ids = await upsertContacts(tx, workspaceId, chunk.rows, now);
  if (listId) {
    await addListMembersByPhone(tx, workspaceId, listId, chunk.rows.map((r) => r.phone), now);
  }
  // Every first row of a number is created, updated or unchanged; repeat rows are counted as merged.
  for (const r of chunk.rows) {
    const o = ids.get(r.phone)?.outcome;
    if (r.repeat) continue;
    if (o === 'created') out.created++;
    else if (o === 'updated') out.updated++;
    else out.unchanged++;
  }
  if (att) {
    const res = await appendConsentEvents(tx, workspaceId, actor, grantEvents(chunk.rows, ids, importId, att), now);
    out.consentGranted = res.recorded.length;
    out.optedOut = new Set(res.blocked.map((e) => e.contactId)).size;
  }
  return out;
}

/** What writing the chunk would do, without writing: the dry run (an existing number counts as updated). */
export async function previewChunk(db: Db, workspaceId: string, chunk: ContactChunk): Promise<ChunkOutcome> {
  const out: ChunkOutcome = { created: 0, updated: 0, unchanged: 0, consentGranted: 0, optedOut: 0 };
  if (chunk.rows.length === 0) return out;
  await adoptExistingForms(db, workspaceId, chunk.rows);
  const existing = await queryRowsOf<{ id: string; phone: string }>(
    db,
    sql`select id, phone from contacts where workspace_id = ${workspaceId}::uuid and phone = any(${param(chunk.rows.map((r) => r.phone))}::text[])`,
  );
  const idOf = new Map(existing.map((r) => [r.phone, r.id]));
  for (const r of chunk.rows) {
    if (r.repeat) continue;
    if (idOf.has(r.phone)) out.updated++;
    else out.created++;
  }
  const granted = chunk.rows.filter((r) => r.grant !== null);
  if (granted.length === 0) return out;
  // The ledger's own refusal rule, asked without writing (a new contact has no consent to withdraw yet).
  const checksOf = new Map(granted.map((r) => [r, r.topicIds.map((topicId) => ({ contactId: idOf.get(r.phone) ?? null, phoneHash: r.grant!.phoneHash, topicId, action: 'grant' as const, source: 'import' as const }))]));
  const refused = await refusedGrants(db, workspaceId, [...checksOf.values()].flat());
  const done = await recordedDedupeKeys(db, workspaceId, granted.flatMap((r) => r.grant!.dedupeKeys));
  for (const [r, checks] of checksOf) {
    const blocked = checks.map((c) => refused.has(c));
    if (blocked.some(Boolean)) out.optedOut++;
    out.consentGranted += r.grant!.dedupeKeys.filter((k, i) => !blocked[i] && !done.has(k)).length;
  }
  return out;
}
