// `greenlist import FILE.csv`: builds the mapping from flags, then runs the import in the process
// that owns the database (a running embedded Greenlist, over the control channel) or here.
import { readFile, stat } from 'node:fs/promises';
import { Command } from 'commander';
import { basename, resolve } from 'node:path';
import type { Config } from '../config/index.js';
import { AppError } from '../lib/errors.js';
import { silentLogger } from '../lib/logger.js';
import { readLiveLock } from '../adapters/db/data-dir-lock.js';
import { sendControlCommand } from '../adapters/control/control-channel.js';
import { importFile, type ImportOut } from '../modules/imports/index.js';
import { findWorkspaceBySlug } from '../modules/workspaces/index.js';
import { openRuntime } from './runtime.js';

/** The command's options, as commander gives them. */
export interface ImportCommandOptions {
  workspace: string;
  mapping?: string;
  list?: string;
  phoneColumn: string;
  nameColumn?: string;
  languageColumn?: string;
  timezoneColumn?: string;
  countryColumn?: string;
  defaultCountry?: string;
  attribute?: string[];
  tagsColumn?: string;
  tagsSeparator?: string;
  delimiter?: string;
  topics?: string;
  topicsColumn?: string;
  consentDateColumn?: string;
  consentSourceColumn?: string;
  attestedBy?: string;
  collectedWhere?: string;
  collectedAt?: string;
  consentText?: string;
  consentTextFile?: string;
  dryRun?: boolean;
  chunkSize?: string;
}

function jsonOption(name: string, raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new AppError('VALIDATION_FAILED', `${name} must be JSON, e.g. --mapping '{"phone":"Phone","name":"Name"}'`);
  }
}

/** The mapping from --mapping JSON, or from the column flags. */
export function mappingFromOptions(o: ImportCommandOptions): Record<string, unknown> {
  if (o.mapping) return jsonOption('--mapping', o.mapping) as Record<string, unknown>;
  const attributes = Object.fromEntries(
    (o.attribute ?? []).map((a) => {
      const eq = a.indexOf('=');
      if (eq <= 0) throw new AppError('VALIDATION_FAILED', `--attribute takes key=Column, e.g. --attribute city=City (got "${a}")`);
      return [a.slice(0, eq), a.slice(eq + 1)];
    }),
  );
  const topics = o.topics || o.topicsColumn ? { ...(o.topics ? { keys: o.topics.split(',').map((t) => t.trim()).filter(Boolean) } : {}), ...(o.topicsColumn ? { column: o.topicsColumn } : {}) } : undefined;
  const entries: [string, unknown][] = [
    ['phone', o.phoneColumn],
    ['name', o.nameColumn],
    ['language', o.languageColumn],
    ['timezone', o.timezoneColumn],
    ['country', o.countryColumn],
    ['default_country', o.defaultCountry],
    ['attributes', Object.keys(attributes).length ? attributes : undefined],
    ['tags', o.tagsColumn],
    ['tags_separator', o.tagsSeparator],
    ['delimiter', o.delimiter === 'tab' ? '\t' : o.delimiter],
    ['topics', topics],
    ['consent_date', o.consentDateColumn],
    ['consent_source', o.consentSourceColumn],
    ['list', o.list],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
}

async function attestationFromOptions(o: ImportCommandOptions): Promise<Record<string, unknown> | undefined> {
  const text = o.consentTextFile ? await readFile(o.consentTextFile, 'utf8') : o.consentText;
  const a = { attested_by: o.attestedBy, collected_where: o.collectedWhere, collected_at: o.collectedAt, text };
  return Object.values(a).some((v) => v !== undefined) ? a : undefined;
}

/** Progress on stderr as the rows go in. */
export interface ProgressOutput {
  draw(bytesRead: number, bytesTotal: number | null, rows: number, errors: number): void;
  /** Called once with the final counts, before the summary is printed. */
  end(rows: number, errors: number): void;
}

// Plain lines go out at most this often when there is no terminal (logs, CI, a service manager).
const PLAIN_EVERY_MS = 5_000;

/**
 * A \r-redrawn bar when stderr and stdout are both terminals. Otherwise (output piped or
 * captured) no control characters and no bar: a plain line every few seconds while rows arrive,
 * and, if any was printed, a last one with the final counts, so the log never ends on a stale
 * "0% 0 rows" line after the result.
 */
export function progressOutput(file: string, out: { write(s: string): unknown; isTTY?: boolean } = process.stderr, stdoutTty = process.stdout.isTTY === true, now: () => number = Date.now): ProgressOutput {
  const t0 = now();
  const tty = out.isTTY === true && stdoutTty;
  let printed = false;
  let lastLine = t0;
  const rate = (rows: number) => Math.round(rows / Math.max((now() - t0) / 1000, 0.001)).toLocaleString('en');
  return {
    draw(bytesRead, bytesTotal, rows, errors) {
      const pct = bytesTotal ? Math.min(100, Math.floor((bytesRead / bytesTotal) * 100)) : 0;
      if (tty) {
        const bar = '#'.repeat(Math.round(pct / 5)).padEnd(20, '.');
        out.write(`\r${file} [${bar}] ${String(pct).padStart(3)}%  ${rows.toLocaleString('en')} rows  ${rate(rows)} rows/s  ${errors} errors\x1b[K`);
      } else if (rows > 0 && now() - lastLine >= PLAIN_EVERY_MS) {
        out.write(`${file}: ${pct}% read, ${rows.toLocaleString('en')} rows, ${rate(rows)} rows/s, ${errors} errors\n`);
        lastLine = now();
        printed = true;
      }
    },
    end(rows, errors) {
      if (tty) out.write('\n');
      else if (printed) out.write(`${file}: done, ${rows.toLocaleString('en')} rows, ${rate(rows)} rows/s, ${errors} errors\n`);
    },
  };
}

function summary(out: ImportOut): string {
  const n = (x: number) => x.toLocaleString('en');
  const lines = [
    `Import ${out.id} ${out.status}${out.dry_run ? ' (dry run: nothing was written)' : ''}: ${n(out.rows_total)} rows, ${n(out.created)} created, ${n(out.updated)} updated, ` +
      `${n(out.unchanged)} unchanged, ${n(out.merged)} merged duplicates, ${n(out.skipped)} skipped (${n(out.skipped_reasons.invalid)} invalid, ${n(out.skipped_reasons.unreadable)} unreadable); ` +
      `${n(out.consent_granted)} consent grants, ${n(out.consent_refused.opted_out)} refused (opted out)`,
  ];
  if (out.resumed_from) {
    const r = out.resumed_from;
    lines.push(`Resumed import ${r.import_id}, which had created ${n(r.created)} and updated ${n(r.updated)}: this file in total ${n(r.created + out.created)} created, ${n(r.updated + out.updated)} updated`);
  }
  if (out.failure) lines.push(`Failure: ${out.failure}`);
  for (const e of out.errors.slice(0, 20)) lines.push(`  line ${e.row}: ${e.code} ${e.message}`);
  if (out.error_count > 20) lines.push(`  … ${out.error_count - 20} more; see GET /api/v1/imports/${out.id}`);
  for (const m of out.merges.slice(0, 20)) {
    const kept = m.ignored.length > 0 ? ` (its ${m.ignored.join(', ')} differed; the first row's kept)` : '';
    lines.push(`  line ${m.row}: same number as ${m.into_row === null ? 'an earlier line' : `line ${m.into_row}`}, merged${kept}`);
  }
  if (out.merged > 20) lines.push(`  … ${out.merged - 20} more merges; see GET /api/v1/imports/${out.id}`);
  return `${lines.join('\n')}\n`;
}

/** Runs `greenlist import`; returns the exit code (0 when the import completed). */
export async function runImportCommand(config: Config, file: string, opts: ImportCommandOptions): Promise<number> {
  const path = resolve(file);
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new AppError('NOT_FOUND', `no file at ${path}`);
  const input = {
    path,
    filename: basename(path),
    mapping: mappingFromOptions(opts),
    attestation: await attestationFromOptions(opts),
    dryRun: opts.dryRun === true,
    ...(opts.chunkSize ? { chunkSize: Number(opts.chunkSize) } : {}),
  };
  const bar = progressOutput(basename(path));
  let out: ImportOut;
  const live = config.databaseUrl ? undefined : await readLiveLock(config.dataDir);
  if (live?.controlPort && live.controlToken) {
    // A running Greenlist owns the embedded database: it runs the import; this process shows progress.
    const call = (name: string, args: Record<string, unknown>) => sendControlCommand(live.controlPort!, live.controlToken!, name, args) as Promise<Record<string, unknown>>;
    const started = await call('import.start', { ...input, dry_run: input.dryRun, workspace: opts.workspace });
    for (;;) {
      out = (await call('import.status', { id: started.id, workspace: opts.workspace })) as unknown as ImportOut;
      bar.draw(out.progress?.bytes_read ?? (out.status === 'completed' ? info.size : 0), info.size, out.rows_total, out.error_count);
      if (out.status === 'completed' || out.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 250));
    }
  } else {
    if (live) throw new AppError('DATA_DIR_LOCKED', `Greenlist (pid ${live.pid}) is starting on ${config.dataDir}; retry in a few seconds`);
    const rt = await openRuntime(config, silentLogger());
    try {
      const ws = await findWorkspaceBySlug(rt.database.db, opts.workspace);
      if (!ws) throw new AppError('NOT_FOUND', `no workspace with slug "${opts.workspace}"; create it with: npx greenlist workspace create --slug ${opts.workspace}`);
      const ctx = { db: rt.database.db, workspaceId: ws.id, actor: { type: 'cli' as const, id: null, role: 'owner' as const }, now: rt.clock.now(), log: rt.log };
      out = await importFile({ db: rt.database.db, log: rt.log, clock: rt.clock }, ctx, input, (p) => bar.draw(p.bytesRead, info.size, p.rowsRead, p.errorCount));
    } finally {
      await rt.close();
    }
  }
  bar.end(out.rows_total, out.error_count);
  process.stdout.write(summary(out));
  return out.status === 'completed' ? 0 : 1;
}

/** The `import` command for the CLI (its options, and running it with the CLI's config and error exit). */
export function importCommand(config: () => Config, fail: (err: unknown) => never): Command {
  return new Command('import')
    .description('import contacts from a CSV file, with a progress bar (see README: Importing contacts)')
    .argument('<file>', 'the CSV file (UTF-8, UTF-16 with BOM or Windows-1252)')
    .option('--workspace <slug>', 'workspace slug', 'default')
    .option('--mapping <json>', 'the whole mapping as JSON, e.g. \'{"phone":"Phone","name":"Name"}\' (instead of the column flags)')
    .option('--phone-column <name>', 'column with the phone number', 'phone')
    .option('--name-column <name>', 'column with the name')
    .option('--language-column <name>', 'column with the language code')
    .option('--timezone-column <name>', 'column with the IANA time zone')
    .option('--country-column <name>', 'column with an ISO country code for national numbers')
    .option('--default-country <cc>', 'country of numbers written without +country code, e.g. GB')
    .option('--attribute <key=column...>', 'attribute key and its column, e.g. --attribute city=City (repeatable)')
    .option('--tags-column <name>', 'column with tags')
    .option('--tags-separator <sep>', 'separator inside the tags column', ';')
    .option('--delimiter <char>', 'field separator: , ; | or tab (guessed when absent)')
    .option('--topics <keys>', 'topic keys every row consented to, comma-separated (needs the attestation flags)')
    .option('--topics-column <name>', 'column with topic keys per row')
    .option('--consent-date-column <name>', 'column with when each person agreed')
    .option('--consent-source-column <name>', 'column with where each person agreed')
    .option('--attested-by <who>', 'who vouches for the consent in the file')
    .option('--collected-where <where>', 'where consent was collected')
    .option('--collected-at <date>', 'when consent was collected (ISO date)')
    .option('--consent-text <text>', 'the exact consent wording people agreed to')
    .option('--consent-text-file <path>', 'read the consent wording from a file')
    .option('--chunk-size <rows>', 'rows per transaction (at most 10000)')
    .option('--list <id>', 'a static list (segment id) every imported contact joins')
    .option('--dry-run', 'check every row and report what would change, writing nothing')
    .action(async (file: string, opts: ImportCommandOptions) => {
      process.exitCode = await runImportCommand(config(), file, opts).catch(fail);
    });
}
