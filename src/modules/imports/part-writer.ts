// Writes one part of an import (a transaction's worth of rows) with its progress row, and lets the
// next part start before this one commits. Why: on PostgreSQL one backend per transaction does the
// index work of an import, so two transactions in flight keep both cores busy (docs/performance.md).
import { and, eq } from 'drizzle-orm';
import { AppError } from '../../lib/errors.js';
import { whatsappEquivalents } from '../../lib/phone/index.js';
import type { Actor, Db, Log } from '../context.js';
import { previewChunk, writeChunk, type ChunkOutcome } from './chunk-writer.js';
import type { ContactChunk, RowMerge } from './chunker.js';
import type { RowError } from './imports.schemas.js';
import { MAX_KEPT_ERRORS, type PreparedImport } from './imports.service.js';
import { imports } from './imports.tables.js';

/** Counters as an import advances: rowsRead = created + updated + unchanged + merged + skipped. */
export interface ImportProgress {
  rowsRead: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Rows merged into an earlier row of the same number. */
  merged: number;
  /** Rows not imported (one per row error; an unreadable stretch of the file is one). */
  skipped: number;
  unreadable: number;
  errorCount: number;
  consentGranted: number;
  /** Rows whose grant was refused because the number opted out (the contact itself was imported). */
  consentRefused: number;
  bytesRead: number;
  bytesTotal: number | null;
}

/** The first row errors and merges an import keeps (all are counted); a list is written only when it grew. */
export interface Kept {
  errors: RowError[];
  merges: RowMerge[];
}

/** What writing a part needs. */
export interface PartJob {
  db: Db;
  log: Log;
  importId: string;
  workspaceId: string;
  actor: Actor;
  prepared: PreparedImport;
}

function add(p: ImportProgress, chunk: ContactChunk, o: ChunkOutcome, bytesRead: number): ImportProgress {
  return {
    ...p,
    rowsRead: p.rowsRead + chunk.rowsRead,
    created: p.created + o.created,
    updated: p.updated + o.updated,
    unchanged: p.unchanged + o.unchanged,
    merged: p.merged + chunk.duplicates,
    skipped: p.skipped + chunk.errors.length,
    unreadable: p.unreadable + chunk.unreadable,
    errorCount: p.errorCount + chunk.errors.length,
    consentGranted: p.consentGranted + o.consentGranted,
    consentRefused: p.consentRefused + o.optedOut,
    bytesRead,
  };
}

function sum(a: ChunkOutcome, b: ChunkOutcome): ChunkOutcome {
  return { created: a.created + b.created, updated: a.updated + b.updated, unchanged: a.unchanged + b.unchanged, consentGranted: a.consentGranted + b.consentGranted, optedOut: a.optedOut + b.optedOut };
}

const NOTHING: ChunkOutcome = { created: 0, updated: 0, unchanged: 0, consentGranted: 0, optedOut: 0 };

async function saveProgress(db: Db, id: string, p: ImportProgress, kept: { errors?: RowError[] | undefined; merges?: RowMerge[] | undefined }, now: Date): Promise<void> {
  const rows = await db
    .update(imports)
    .set({
      rowsTotal: p.rowsRead,
      created: p.created,
      updated: p.updated,
      unchanged: p.unchanged,
      merged: p.merged,
      skipped: p.skipped,
      unreadable: p.unreadable,
      consentGranted: p.consentGranted,
      consentRefused: p.consentRefused,
      errorCount: p.errorCount,
      ...(kept.errors ? { errors: kept.errors } : {}),
      ...(kept.merges ? { merges: kept.merges } : {}),
      heartbeatAt: now,
    })
    .where(and(eq(imports.id, id), eq(imports.status, 'running')))
    .returning({ id: imports.id });
  if (rows.length === 0) throw new AppError('CONFLICT', 'the import was marked failed while it ran (no heartbeat for two minutes); run the same file again');
}

/** Appends to a kept list up to MAX_KEPT_ERRORS; returns a copy of the list when it grew (to be saved), else undefined. */
function keep<T>(list: T[], fresh: T[]): T[] | undefined {
  const added = list.length < MAX_KEPT_ERRORS ? fresh.slice(0, MAX_KEPT_ERRORS - list.length) : [];
  list.push(...added);
  return added.length > 0 ? [...list] : undefined;
}

/**
 * Splits a part into the rows that cannot depend on an earlier part still in flight and those that
 * can: a number's repeat (its first row came earlier) and a number with another WhatsApp form
 * (Brazil, Mexico, Argentina), which adopts an existing contact that an earlier part may be creating.
 */
function byDependence(part: ContactChunk): { free: ContactChunk; later: ContactChunk } {
  const free: ContactChunk['rows'] = [];
  const later: ContactChunk['rows'] = [];
  // One pass: the equivalent-forms test parses the number, once per row.
  for (const r of part.rows) (r.repeat || whatsappEquivalents(r.phone).length > 1 ? later : free).push(r);
  const rest = { errors: [], rowsRead: 0, duplicates: 0, merges: [], unreadable: 0, bytesRead: part.bytesRead };
  return { free: { ...rest, rows: free }, later: { ...rest, rows: later } };
}

/**
 * Writes (or, in a dry run, previews) one part and its progress, in one transaction, once `before`
 * (the previous part) has committed; resolves with the counters after it. The rows that cannot
 * depend on the previous part are written first, while it may still be in flight; the rest, and the
 * progress row, wait for its commit, so parts commit in file order and a failed part fails the next.
 * Must be called in file order (it records the kept errors and merges as it is called).
 */
export function writePart(job: PartJob, part: ContactChunk, before: Promise<ImportProgress>, kept: Kept, now: Date): Promise<ImportProgress> {
  const grown = { errors: keep(kept.errors, part.errors), merges: keep(kept.merges, part.merges) };
  if (job.prepared.dryRun) {
    return (async () => {
      const outcome = await previewChunk(job.db, job.workspaceId, part);
      const next = add(await before, part, outcome, part.bytesRead);
      await saveProgress(job.db, job.importId, next, grown, now);
      return next;
    })();
  }
  return job.db.transaction(async (tx) => {
    const ctx = { db: tx, workspaceId: job.workspaceId, actor: job.actor, now, log: job.log };
    const write = (chunk: ContactChunk) => (chunk.rows.length === 0 ? NOTHING : writeChunk(ctx, { importId: job.importId, chunk, attestation: job.prepared.attestation, listId: job.prepared.mapping.list }));
    const { free, later } = byDependence(part);
    const first = await write(free);
    const p = await before;
    const next = add(p, part, sum(first, await write(later)), part.bytesRead);
    await saveProgress(tx, job.importId, next, grown, now);
    return next;
  });
}
