// Runs one import end to end: chunks in, one transaction per chunk (contacts, consent and the
// progress row commit together), progress out.
import { createReadStream } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { AppError } from '../../lib/errors.js';
import { recordAudit } from '../audit/index.js';
import type { Actor, Db, Log } from '../context.js';
import type { ContactChunk } from './chunker.js';
import type { CsvEncoding } from './encoding.js';
import type { ImportOut } from './imports.schemas.js';
import { DEFAULT_CHUNK_SIZE, DEFAULT_MAX_BYTES, MAX_CHUNK_SIZE, getImport, type PreparedImport } from './imports.service.js';
import { imports } from './imports.tables.js';
import { writePart, type ImportProgress, type Kept } from './part-writer.js';
import { contactChunks, type PipelineState } from './row-pipeline.js';
import { DEFAULT_TX_BUDGET_MS, splitChunk, TransactionSizer } from './tx-sizer.js';
import { workerChunks } from './worker-chunks.js';
import { emitEvents } from '../hooks/index.js';

/** What running an import needs. */
export interface ImportDeps {
  db: Db;
  log: Log;
  clock: { now(): Date };
}

/** Where the CSV comes from: a file (parsed in a worker thread when large) or any byte stream. */
export type ImportSource = { path: string; bytes?: number } | { stream: AsyncIterable<Buffer | string>; bytes?: number };

export type { ImportProgress } from './part-writer.js';

/** Per-run settings. */
export interface RunOptions {
  chunkSize?: number;
  maxBytes?: number;
  /** Known from inspectCsvFile; detected from the first bytes otherwise. */
  encoding?: CsvEncoding;
  /** Parse in a worker thread: true, false, or 'auto' (files of 2 MB and more). */
  useWorker?: boolean | 'auto';
  signal?: AbortSignal;
  onProgress?: (p: ImportProgress) => void;
  /** Time budget of one write transaction (default 75 ms); see TransactionSizer. */
  txBudgetMs?: number;
}

/** Files from this size are parsed in a worker thread (starting one costs about half a second). */
export const WORKER_MIN_BYTES = 2 * 1024 * 1024;
const HEARTBEAT_MS = 30_000;

/** The identity of an import to run. */
export interface ImportJob {
  importId: string;
  workspaceId: string;
  actor: Actor;
  prepared: PreparedImport;
}

/** Write transactions in flight at once on PostgreSQL (one backend each; the machine kind has 2 cores). */
const IN_FLIGHT_ON_POSTGRES = 2;

/** Whether the database is PGlite in this process (a PostgreSQL server's client is a pool). */
function isEmbedded(db: Db): boolean {
  return typeof (db as { $client?: { totalCount?: unknown } }).$client?.totalCount !== 'number';
}

function chunkSizeOf(opts: RunOptions): number {
  return Math.min(Math.max(opts.chunkSize ?? DEFAULT_CHUNK_SIZE, 1), MAX_CHUNK_SIZE);
}

function chunksOf(source: ImportSource, job: ImportJob, opts: RunOptions, state: PipelineState): AsyncIterable<ContactChunk> {
  const chunkSize = chunkSizeOf(opts);
  const cfg = { ...job.prepared.cfg, chunkSize, maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES, ...(opts.encoding ? { encoding: opts.encoding } : {}) };
  if ('path' in source) {
    const big = (source.bytes ?? WORKER_MIN_BYTES) >= WORKER_MIN_BYTES;
    if (opts.useWorker === true || ((opts.useWorker ?? 'auto') === 'auto' && big)) return workerChunks(source.path, cfg, state);
    return contactChunks(createReadStream(source.path, { highWaterMark: 256 * 1024 }), cfg, state);
  }
  return contactChunks(source.stream, cfg, state);
}

/**
 * Runs a prepared import to its end and returns it as stored (completed or failed; only a
 * database that cannot even record the failure makes this throw). Each chunk commits on its own,
 * so a crash loses nothing: the same file run again skips what is already there.
 */
export async function runImport(deps: ImportDeps, job: ImportJob, source: ImportSource, opts: RunOptions = {}): Promise<ImportOut> {
  const { db } = deps;
  const ctx = () => ({ db, workspaceId: job.workspaceId, actor: job.actor, now: deps.clock.now(), log: deps.log });
  const started = await db
    .update(imports)
    .set({ status: 'running', startedAt: deps.clock.now(), heartbeatAt: deps.clock.now() })
    .where(and(eq(imports.id, job.importId), eq(imports.status, 'queued')))
    .returning({ id: imports.id });
  if (started.length === 0) throw new AppError('CONFLICT', 'this import is not queued (it already ran or failed)');
  const state: PipelineState = { bytesRead: 0 };
  let p: ImportProgress = { rowsRead: 0, created: 0, updated: 0, unchanged: 0, merged: 0, skipped: 0, unreadable: 0, errorCount: 0, consentGranted: 0, consentRefused: 0, bytesRead: 0, bytesTotal: source.bytes ?? null };
  const kept: Kept = { errors: [], merges: [] };
  const heartbeat = setInterval(() => {
    db.update(imports).set({ heartbeatAt: deps.clock.now() }).where(and(eq(imports.id, job.importId), eq(imports.status, 'running'))).catch(() => {});
  }, HEARTBEAT_MS);
  heartbeat.unref();
  try {
    // PGlite: one transaction at a time, sized to a time budget (it serialises everything, webhook acks
    // included). PostgreSQL: a chunk per transaction, two in flight (see writePart).
    const embedded = isEmbedded(db);
    const sizer = embedded ? new TransactionSizer(opts.txBudgetMs ?? DEFAULT_TX_BUDGET_MS, chunkSizeOf(opts)) : { size: chunkSizeOf(opts), record: () => {} };
    const depth = embedded ? 1 : IN_FLIGHT_ON_POSTGRES;
    const partJob = { db, log: deps.log, importId: job.importId, workspaceId: job.workspaceId, actor: job.actor, prepared: job.prepared };
    const inFlight: { done: Promise<ImportProgress>; rows: number; t0: number }[] = [];
    let last: Promise<ImportProgress> = Promise.resolve(p);
    const settleOldest = async () => {
      const oldest = inFlight.shift()!;
      p = await oldest.done;
      sizer.record(oldest.rows, performance.now() - oldest.t0);
      opts.onProgress?.(p);
    };
    try {
      for await (const chunk of chunksOf(source, job, opts, state)) {
        for (const part of splitChunk(chunk, () => sizer.size)) {
          if (opts.signal?.aborted) throw new AppError('CONFLICT', 'the import was stopped because the server shut down; run the same file again: nothing already imported is created twice');
          last = writePart(partJob, part, last, kept, deps.clock.now());
          last.catch(() => {}); // handled where it is awaited (settleOldest, or the finally below)
          inFlight.push({ done: last, rows: part.rows.length, t0: performance.now() });
          if (inFlight.length >= depth) await settleOldest();
          // PGlite runs on this thread: let webhook intake and other requests in between transactions.
          if (embedded) await new Promise((r) => setImmediate(r));
        }
      }
      while (inFlight.length > 0) await settleOldest();
    } finally {
      // A part still in flight after a failure fails too (it waits for the one before): wait for it to end.
      await Promise.allSettled(inFlight.map((f) => f.done));
    }
    p = { ...p, bytesRead: state.bytesRead };
    const done = p;
    // The end, its audit row and its webhook event commit together.
    await db.transaction(async (tx) => {
      const now = deps.clock.now();
      await finish(tx, job, { status: 'completed', encoding: state.encoding ?? null, failure: null }, now);
      await recordAudit({ ...ctx(), db: tx }, { action: 'import.completed', targetType: 'import', targetId: job.importId, details: { rows: done.rowsRead, created: done.created, updated: done.updated, unchanged: done.unchanged, merged: done.merged, skipped: done.skipped, consent_granted: done.consentGranted, dry_run: job.prepared.dryRun } });
      if (!job.prepared.dryRun) await emitImportCompleted(tx, job.workspaceId, job.importId, done, now);
    });
  } catch (err) {
    const failure = err instanceof AppError ? `${err.code}: ${err.message}` : 'INTERNAL: the import failed unexpectedly; the error was logged. Run the same file again: nothing already imported is created twice';
    if (!(err instanceof AppError)) deps.log.error({ importId: job.importId, err: { message: err instanceof Error ? err.message : String(err) } }, 'import failed');
    await finish(db, job, { status: 'failed', encoding: state.encoding ?? null, failure }, deps.clock.now());
    await recordAudit(ctx(), { action: 'import.failed', targetType: 'import', targetId: job.importId, details: { rows: p.rowsRead, failure: failure.slice(0, 300) } });
  } finally {
    clearInterval(heartbeat);
    opts.onProgress?.(p);
  }
  return getImport(ctx(), job.importId);
}

// One event per import, not one contact.created per row: a CRM re-reads the list (the export) after a bulk load.
async function emitImportCompleted(db: Db, workspaceId: string, importId: string, p: ImportProgress, now: Date): Promise<void> {
  await emitEvents(db, workspaceId, [{ type: 'import.completed', data: { import_id: importId, rows: p.rowsRead, created: p.created, updated: p.updated, unchanged: p.unchanged, merged: p.merged, skipped: p.skipped, errors: p.errorCount, consent_granted: p.consentGranted, consent_refused: p.consentRefused, occurred_at: now.toISOString() } }], now);
}

async function finish(db: Db, job: ImportJob, end: { status: 'completed' | 'failed'; encoding: string | null; failure: string | null }, now: Date): Promise<void> {
  await db
    .update(imports)
    .set({ status: end.status, failure: end.failure, finishedAt: now, heartbeatAt: now, ...(end.encoding ? { encoding: end.encoding } : {}) })
    .where(and(eq(imports.id, job.importId), eq(imports.status, 'running')));
}
