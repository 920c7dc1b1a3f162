// Background imports in this process: started after the upload is accepted, visible while they
// run (bytes read), stopped cleanly on shutdown. The imports row stays the source of truth.
import type { Ctx, Db } from '../context.js';
import { CONSENT_LEDGER_TABLES } from '../consent/index.js';
import type { ImportOut } from './imports.schemas.js';
import { runImport, type ImportDeps, type ImportJob, type ImportProgress, type ImportSource, type RunOptions } from './import-run.js';
import { inspectCsvFile } from './inspect.js';
import { checkHeader, createImport, DEFAULT_MAX_BYTES, prepareImport, type LiveProgress, type PreparedImport } from './imports.service.js';

/** Runs imports in the background of this process. */
export interface ImportRunner {
  /** Starts running an import; `cleanup` runs when it ends (e.g. deletes the spooled upload). */
  start(job: ImportJob, source: ImportSource, opts?: Omit<RunOptions, 'signal' | 'onProgress'> & { cleanup?: () => Promise<void> }): void;
  /** Bytes read so far, for an import running here. */
  progress(importId: string): LiveProgress | undefined;
  /** Resolves when that import (if running here) has ended. */
  settled(importId: string): Promise<void>;
  /** Stops every running import (each is marked failed after its current chunk) and waits. */
  close(): Promise<void>;
}

interface Running {
  abort: AbortController;
  progress: ImportProgress | undefined;
  bytesTotal: number | null;
  done: Promise<void>;
}

/** How many imports run in this process now (started by any runner). */
let runningHere = 0;

/** Whether an import is running in this process (the planner-stats sweep leaves its tables alone meanwhile). */
export function importsRunningHere(): boolean {
  return runningHere > 0;
}

/** The tables an import fills (through the contacts, consent, segments and analytics modules). */
export const IMPORT_FILLED_TABLES: readonly string[] = ['contacts', 'contact_tags', 'contact_changes', ...CONSENT_LEDGER_TABLES, 'analytics_growth_deltas', 'segment_members'];

// One runner per database: the HTTP routes and the CLI's control channel share it, so shutting
// the app down stops imports started either way.
const runners = new WeakMap<Db, ImportRunner>();

/** The runner of this database in this process (created on first use). */
export function importRunnerFor(deps: ImportDeps): ImportRunner {
  const existing = runners.get(deps.db);
  if (existing) return existing;
  const running = new Map<string, Running>();
  const runner: ImportRunner = {
    start(job, source, opts = {}) {
      const abort = new AbortController();
      const entry: Running = { abort, progress: undefined, bytesTotal: source.bytes ?? null, done: Promise.resolve() };
      entry.done = runImport(deps, job, source, { ...opts, signal: abort.signal, onProgress: (p) => (entry.progress = p) })
        .then(
          () => undefined,
          (err: unknown) => deps.log.error({ importId: job.importId, err: { message: err instanceof Error ? err.message : String(err) } }, 'import could not be recorded as finished'),
        )
        .finally(async () => {
          runningHere--;
          running.delete(job.importId);
          await opts.cleanup?.().catch(() => {});
        });
      running.set(job.importId, entry);
      runningHere++;
    },
    progress(id) {
      const r = running.get(id);
      return r ? { bytesRead: r.progress?.bytesRead ?? 0, bytesTotal: r.bytesTotal } : undefined;
    },
    async settled(id) {
      await running.get(id)?.done;
    },
    async close() {
      runners.delete(deps.db);
      for (const r of running.values()) r.abort.abort();
      await Promise.all([...running.values()].map((r) => r.done));
    },
  };
  runners.set(deps.db, runner);
  return runner;
}

/** What starting an import from a file needs. */
export interface StartImportInput {
  path: string;
  filename?: string;
  mapping: unknown;
  attestation?: unknown;
  dryRun?: boolean;
  chunkSize?: number;
  maxBytes?: number;
  /** Runs when the import ends, or at once if it is refused. */
  cleanup?: () => Promise<void>;
  /** Already checked with prepareImport (e.g. before the upload was read). */
  prepared?: PreparedImport;
}

/** An accepted import: recorded (queued) and ready to run. */
interface Accepted {
  job: ImportJob;
  source: ImportSource;
  opts: Omit<RunOptions, 'signal' | 'onProgress'>;
}

/**
 * Checks the request (mapping, attestation, topics), then the file (size, encoding over every
 * byte, header), then records the import as queued. Everything that can be refused is refused
 * here, with a 4xx, before the caller is told 202 or a progress bar starts.
 */
async function acceptImport(ctx: Ctx, input: StartImportInput): Promise<Accepted> {
  const prepared = input.prepared ?? (await prepareImport(ctx.db, ctx.workspaceId, { mapping: input.mapping, attestation: input.attestation, dryRun: input.dryRun }, ctx.now));
  const maxBytes = input.maxBytes ?? DEFAULT_MAX_BYTES;
  const facts = await inspectCsvFile(input.path, maxBytes, prepared.mapping.delimiter);
  checkHeader(prepared, facts.header);
  const id = await ctx.db.transaction((tx) => createImport({ ...ctx, db: tx }, prepared, { filename: input.filename ?? null, sha256: facts.sha256, encoding: facts.encoding, bytes: facts.bytes }));
  return {
    job: { importId: id, workspaceId: ctx.workspaceId, actor: ctx.actor, prepared },
    source: { path: input.path, bytes: facts.bytes },
    opts: { encoding: facts.encoding, maxBytes, ...(input.chunkSize ? { chunkSize: input.chunkSize } : {}) },
  };
}

/** Accepts an import from a file and runs it in the background; answers with its id at once. */
export async function startImport(ctx: Ctx, runner: ImportRunner, input: StartImportInput): Promise<{ id: string; status: 'queued'; bytes: number }> {
  let accepted: Accepted;
  try {
    accepted = await acceptImport(ctx, input);
  } catch (err) {
    await input.cleanup?.().catch(() => {});
    throw err;
  }
  runner.start(accepted.job, accepted.source, { ...accepted.opts, ...(input.cleanup ? { cleanup: input.cleanup } : {}) });
  return { id: accepted.job.importId, status: 'queued', bytes: accepted.source.bytes ?? 0 };
}

/** Accepts an import from a file and runs it here, to the end (the CLI without a server). */
export async function importFile(deps: ImportDeps, ctx: Ctx, input: StartImportInput, onProgress?: (p: ImportProgress) => void): Promise<ImportOut> {
  const accepted = await acceptImport(ctx, input);
  return runImport(deps, accepted.job, accepted.source, { ...accepted.opts, ...(onProgress ? { onProgress } : {}) });
}
