import { and, inArray, lt, sql } from 'drizzle-orm';
import { queryRowsOf, workspaceRowById, workspaceRowsByTime } from '../sql.js';
import { AppError } from '../../lib/errors.js';
import { isTimeZone } from '../../lib/phone/index.js';
import { mapPage, type Page } from '../../lib/pagination.js';
import { recordAudit } from '../audit/index.js';
import { consentTextHash, listTopics, suppressionKeyFor, topicsByKeys } from '../consent/index.js';
import type { Ctx, Db } from '../context.js';
import { loadAttributeDefs } from './attributes.js';
import type { CsvEncoding } from './encoding.js';
import { attestationIn, importMappingIn, type Attestation, type ImportMapping, type ImportOut } from './imports.schemas.js';
import { assertAttributeKeys, parseConsentDate, planColumns } from './imports.rules.js';
import { imports } from './imports.tables.js';
import { invalid } from './invalid.js';
import { resolveMapping } from './mappings.service.js';
import { segmentKindOf } from '../segments/index.js';
import { getWorkspaceSettings } from '../workspaces/index.js';
import type { PipelineConfig } from './row-pipeline.js';

/** Default write chunk (rows per transaction); at most MAX_CHUNK_SIZE. */
export const DEFAULT_CHUNK_SIZE = 5_000;
/** The largest chunk: bigger ones hold PGlite's single connection too long (performance.md T1). */
export const MAX_CHUNK_SIZE = 10_000;
/** Default upload limit. */
export const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
/** How many row errors an import keeps (all are counted). */
export const MAX_KEPT_ERRORS = 1_000;

/** An import checked and resolved before any row is read. */
export interface PreparedImport {
  mapping: ImportMapping;
  attestation: Attestation | null;
  dryRun: boolean;
  /** The pipeline configuration, without per-run settings (chunk size, limits, encoding). */
  cfg: Omit<PipelineConfig, 'chunkSize' | 'maxBytes' | 'encoding'>;
}


async function workspaceCountry(db: Db, workspaceId: string): Promise<string | undefined> {
  return (await getWorkspaceSettings(db, workspaceId)).default_country ?? undefined;
}

/** The attestation, complete, or IMPORT_ATTESTATION_MISSING naming every missing field. */
function completeAttestation(raw: unknown, yesNoColumn: boolean): Attestation {
  const parsed = attestationIn.safeParse(raw ?? {});
  if (!parsed.success) throw invalid('attestation', parsed.error);
  const a = parsed.data;
  const missing = (['attested_by', 'collected_where', 'collected_at', 'text'] as const).filter((k) => !a[k] || a[k].trim() === '');
  if (missing.length > 0) {
    throw new AppError(
      'IMPORT_ATTESTATION_MISSING',
      `importing consent needs an attestation: who vouches for it, where and when it was collected, and the exact text people agreed to; missing ${missing.map((m) => `attestation.${m}`).join(', ')}`,
      { missing: missing.map((m) => `attestation.${m}`) },
    );
  }
  // Why: a shop's "Accepts Email/SMS Marketing" is consent to that channel; WhatsApp's Business
  // Policy needs opt-in to receive WhatsApp messages from the business (docs/design.md, imports).
  if (yesNoColumn && a.covers_whatsapp !== true) {
    throw new AppError(
      'VALIDATION_FAILED',
      'a yes/no consent column is WhatsApp consent only if the wording people agreed to named WhatsApp; a shop\'s email or SMS marketing consent is not. Set attestation.covers_whatsapp to true if it did; otherwise map the column to an attribute',
      { fields: [{ field: 'attestation.covers_whatsapp', message: 'must be true to import a yes/no consent column' }] },
    );
  }
  const at = parseConsentDate(a.collected_at!);
  if (!at) throw new AppError('VALIDATION_FAILED', 'attestation.collected_at must be a date such as 2025-03-31 or 2025-03-31T14:05:00Z', { fields: [{ field: 'attestation.collected_at', message: 'not a date' }] });
  return { attested_by: a.attested_by!, collected_where: a.collected_where!, collected_at: at, text: a.text!, ...(a.covers_whatsapp !== undefined ? { covers_whatsapp: a.covers_whatsapp } : {}) };
}

/** The list an import fills must be a static list of this workspace (checked before the file is read). */
async function assertStaticList(db: Db, workspaceId: string, id: string): Promise<void> {
  const kind = await segmentKindOf(db, workspaceId, id);
  if (!kind) throw new AppError('NOT_FOUND', 'mapping.list: no list with this id in the workspace', { field: 'mapping.list', id });
  if (kind !== 'static') throw new AppError('SEGMENT_NOT_STATIC', 'mapping.list must be a static list; a dynamic segment picks its members by its rules', { field: 'mapping.list' });
}

/** A mapping checked against the workspace: topics, attribute definitions and the default country resolved. */
export interface ResolvedMapping {
  mapping: ImportMapping;
  topics: { id: string; key: string }[];
  fixedTopicIds: string[];
  attributeDefs: PipelineConfig['attributeDefs'];
}

/**
 * Validates a mapping (a saved one or a preset by `mappingId`, with `mapping`'s keys on top) and
 * resolves what it names in the workspace: the part of preparing an import that needs no
 * attestation, so the import wizard can preview rows before the attestation is written.
 */
export async function resolveImportMapping(db: Db, workspaceId: string, input: { mapping: unknown; mappingId?: string | undefined }, checkParsed: (m: ImportMapping) => void = () => {}): Promise<ResolvedMapping> {
  const parsed = importMappingIn.safeParse((await resolveMapping(db, workspaceId, input.mappingId, input.mapping)) ?? {});
  if (!parsed.success) throw invalid('mapping', parsed.error);
  // National numbers fall back to the workspace's default country (settings.default_country).
  const mapping = { ...parsed.data, default_country: parsed.data.default_country ?? (await workspaceCountry(db, workspaceId)) };
  if (mapping.defaults?.timezone && !isTimeZone(mapping.defaults.timezone)) {
    throw new AppError('VALIDATION_FAILED', 'mapping.defaults.timezone must be an IANA zone such as Europe/London', { fields: [{ field: 'mapping.defaults.timezone', message: 'not an IANA zone' }] });
  }
  if (!mapping.topics && (mapping.consent_date || mapping.consent_source)) {
    throw new AppError('VALIDATION_FAILED', 'mapping.consent_date and mapping.consent_source need mapping.topics (what people consented to)', { fields: [{ field: 'mapping.topics', message: 'required with consent columns' }] });
  }
  checkParsed(mapping);
  const topics = (await listTopics(db, workspaceId)).map((t) => ({ id: t.id, key: t.key }));
  const fixed = mapping.topics?.keys ? await topicsByKeys(db, workspaceId, mapping.topics.keys, 'mapping.topics.keys') : [];
  if (mapping.list) await assertStaticList(db, workspaceId, mapping.list);
  const attributeDefs = await loadAttributeDefs(db, workspaceId);
  // Checked here too so an undefined attribute is a 422 before the upload is read.
  assertAttributeKeys(mapping, attributeDefs);
  return { mapping, topics, fixedTopicIds: fixed.map((t) => t.id), attributeDefs };
}

/**
 * Validates the mapping and attestation and resolves topics, attribute definitions and the
 * suppression key, all before the file is read. Consent is imported only with a complete
 * attestation (GDPR Art. 7(1)): without one the request is refused, not silently downgraded.
 */
export async function prepareImport(db: Db, workspaceId: string, input: { mapping: unknown; mappingId?: string | undefined; attestation?: unknown; dryRun?: boolean }, now: Date): Promise<PreparedImport> {
  const attestationOf = (m: ImportMapping) => (m.topics ? completeAttestation(input.attestation, m.topics.consent_column !== undefined) : null);
  // A missing attestation is reported before the topics are looked up (the first thing to fix).
  const { mapping, topics, fixedTopicIds, attributeDefs } = await resolveImportMapping(db, workspaceId, input, (m) => void attestationOf(m));
  const attestation = attestationOf(mapping);
  const grants = attestation
    ? { suppressionKeyHex: (await suppressionKeyFor(db, workspaceId)).toString('hex'), textHash: consentTextHash(attestation.text), collectedAt: attestation.collected_at, collectedWhere: attestation.collected_where }
    : null;
  return { mapping, attestation, dryRun: input.dryRun ?? false, cfg: { mapping, attributeDefs, topics, fixedTopicIds, grants, nowMs: now.getTime() } };
}

/** Checks the header of a file against the mapping (IMPORT_CSV_INVALID naming a missing column). */
export function checkHeader(prepared: PreparedImport, header: string[]): void {
  planColumns(header, prepared.mapping, prepared.cfg.attributeDefs, prepared.cfg.topics, prepared.cfg.fixedTopicIds);
}

/**
 * The earlier run this import completes: a failed (or dead: no heartbeat for STALE_IMPORT_MS)
 * import of the same file bytes with the same mapping that no other import has resumed yet.
 * Its rows committed chunk by chunk with its counters, so what it created and updated is exact;
 * the new run sees those rows as unchanged and reports the earlier counts next to its own.
 */
async function earlierRun(ctx: Ctx, prepared: PreparedImport, sha256: string | null | undefined): Promise<{ id: string; created: number; updated: number } | undefined> {
  if (!sha256 || prepared.dryRun) return undefined;
  const stale = new Date(ctx.now.getTime() - STALE_IMPORT_MS).toISOString();
  const [row] = await queryRowsOf<{ id: string; created: number; updated: number }>(
    ctx.db,
    sql`select i.id, i.created + i.earlier_created as created, i.updated + i.earlier_updated as updated from imports i
        where i.workspace_id = ${ctx.workspaceId}::uuid and i.file_sha256 = ${sha256} and not i.dry_run
          and (i.status = 'failed' or (i.status in ('queued', 'running') and coalesce(i.heartbeat_at, i.created_at) < ${stale}::timestamptz))
          and i.mapping = ${JSON.stringify(prepared.mapping)}::jsonb
          and not exists (select 1 from imports n where n.workspace_id = i.workspace_id and n.resumed_from = i.id)
        order by i.created_at desc limit 1`,
  );
  return row;
}

/** Records a new import (queued) with its audit entry; returns its id. */
export async function createImport(ctx: Ctx, prepared: PreparedImport, file: { filename?: string | null; sha256?: string | null; encoding?: CsvEncoding | null; bytes?: number | null }): Promise<string> {
  const earlier = await earlierRun(ctx, prepared, file.sha256);
  const [row] = await ctx.db
    .insert(imports)
    .values({
      workspaceId: ctx.workspaceId,
      status: 'queued',
      dryRun: prepared.dryRun,
      filename: file.filename ?? null,
      fileSha256: file.sha256 ?? null,
      encoding: file.encoding ?? null,
      mapping: prepared.mapping as unknown as Record<string, unknown>,
      attestation: prepared.attestation as unknown as Record<string, unknown> | null,
      createdBy: ctx.actor.id ? `${ctx.actor.type}:${ctx.actor.id}` : ctx.actor.type,
      heartbeatAt: ctx.now,
      createdAt: ctx.now,
      ...(earlier ? { resumedFrom: earlier.id, earlierCreated: earlier.created, earlierUpdated: earlier.updated } : {}),
    })
    .returning({ id: imports.id });
  await recordAudit(ctx, {
    action: 'import.created',
    targetType: 'import',
    targetId: row!.id,
    details: { filename: file.filename ?? null, bytes: file.bytes ?? null, sha256: file.sha256 ?? null, dry_run: prepared.dryRun, resumes: earlier?.id ?? null, consent: prepared.attestation !== null, attested_by: prepared.attestation?.attested_by ?? null },
  });
  return row!.id;
}

/** Live progress of an import running in this process (bytes are not stored). */
export interface LiveProgress {
  bytesRead: number;
  bytesTotal: number | null;
}

/** Maps an imports row to the API shape. */
export function toImportOut(r: typeof imports.$inferSelect, live?: LiveProgress): ImportOut {
  return {
    id: r.id,
    status: r.status as ImportOut['status'],
    dry_run: r.dryRun,
    filename: r.filename,
    file_sha256: r.fileSha256,
    encoding: r.encoding,
    mapping: r.mapping,
    rows_total: r.rowsTotal,
    created: r.created,
    updated: r.updated,
    unchanged: r.unchanged,
    merged: r.merged,
    skipped: r.skipped,
    skipped_reasons: { invalid: r.skipped - r.unreadable, unreadable: r.unreadable },
    consent_granted: r.consentGranted,
    consent_refused: { opted_out: r.consentRefused },
    error_count: r.errorCount,
    errors: (r.errors as ImportOut['errors']) ?? [],
    merges: (r.merges as ImportOut['merges']) ?? [],
    resumed_from: r.resumedFrom ? { import_id: r.resumedFrom, created: r.earlierCreated, updated: r.earlierUpdated } : null,
    failure: r.failure,
    progress: live ? { bytes_read: live.bytesRead, bytes_total: live.bytesTotal } : null,
    created_at: r.createdAt.toISOString(),
    started_at: r.startedAt?.toISOString() ?? null,
    finished_at: r.finishedAt?.toISOString() ?? null,
  };
}

/** One import of the workspace (404 for another workspace's). */
export async function getImport(ctx: Ctx, id: string, live?: LiveProgress): Promise<ImportOut> {
  const row = await workspaceRowById(ctx, imports, id, 'import');
  return toImportOut(row, live);
}

/** The workspace's imports, newest first (without their row errors and merges; fetch one for those). */
export async function listImports(ctx: Ctx, q: { limit: number; cursor?: string }): Promise<Page<ImportOut>> {
  const page = await workspaceRowsByTime(ctx.db, imports, { workspaceId: ctx.workspaceId, time: 'createdAt', order: 'newest', limit: q.limit, cursor: q.cursor });
  return mapPage(page, (r) => ({ ...toImportOut(r), errors: [], merges: [] }));
}

/** How long an import may go without a heartbeat before it is considered dead. */
export const STALE_IMPORT_MS = 2 * 60_000;

/**
 * Fails imports whose process died (no heartbeat for `staleMs`, two minutes by default; 0 at the
 * start of the embedded database's only process, where every running import is an orphan).
 * Nothing is lost by that: chunks commit one by one, and running the same file again creates nothing twice.
 */
export async function failStaleImports(db: Db, now: Date, staleMs = STALE_IMPORT_MS): Promise<number> {
  const cutoff = new Date(now.getTime() - staleMs);
  const rows = await db
    .update(imports)
    .set({
      status: 'failed',
      failure: 'the import stopped (its process ended before it finished); run the same file again: rows already imported are not created twice and no consent is recorded twice',
      finishedAt: now,
    })
    .where(and(inArray(imports.status, ['queued', 'running']), lt(sql`coalesce(${imports.heartbeatAt}, ${imports.createdAt})`, cutoff)))
    .returning({ id: imports.id });
  return rows.length;
}
