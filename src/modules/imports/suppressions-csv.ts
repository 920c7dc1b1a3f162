// Suppression lists as CSV. Only keyed hashes are stored (the numbers themselves are not), so an
// export holds hashes, and importing hashes only makes sense into the workspace they came from.
import { parsePhone } from '../../lib/phone/index.js';
import { recordAudit } from '../audit/index.js';
import { addSuppressions, listSuppressions, phoneHasher } from '../consent/index.js';
import type { Ctx, Db } from '../context.js';
import { csvLine } from './csv-format.js';
import { guessDelimiter, isProblem, readCsv } from './csv-reader.js';
import type { RowError, SuppressionImportOut } from './imports.schemas.js';
import { decodeText, withHead, type PipelineState } from './row-pipeline.js';

const HASH = /^[0-9a-f]{64}$/i;
const HEADERS = ['phone_hash', 'hash', 'phone', 'phone_number', 'number', 'mobile', 'msisdn', 'whatsapp'];
const BATCH = 5_000;
const KEPT_ERRORS = 100;

/** Options of a suppression-list import. */
export interface SuppressionImportOptions {
  reason?: string;
  defaultCountry?: string;
  maxBytes: number;
}

/**
 * Adds every number (or 64-hex hash) of a CSV to the suppression list. A header naming
 * phone_hash, hash, phone, number, mobile… picks the column; without one the first column is
 * read, first line included. Invalid cells are reported per row and the rest is still added.
 */
export async function importSuppressions(ctx: Ctx, bytes: AsyncIterable<Buffer | string>, opts: SuppressionImportOptions): Promise<SuppressionImportOut> {
  const hasher = await phoneHasher(ctx.db, ctx.workspaceId);
  const reason = (opts.reason ?? 'imported').slice(0, 200);
  const out: SuppressionImportOut = { rows_total: 0, added: 0, already_present: 0, error_count: 0, errors: [] };
  const fail = (e: RowError) => {
    out.error_count++;
    if (out.errors.length < KEPT_ERRORS) out.errors.push(e);
  };
  let batch: string[] = [];
  const flush = async () => {
    const unique = [...new Set(batch)];
    batch = [];
    const added = await addSuppressions(ctx.db, ctx.workspaceId, unique, reason, 'import', ctx.now);
    out.added += added.length;
    out.already_present += unique.length - added.length;
  };
  const state: PipelineState = { bytesRead: 0 };
  let column: number | undefined;
  const { head, all } = await withHead(decodeText(bytes, { maxBytes: opts.maxBytes }, state));
  for await (const item of readCsv(all, guessDelimiter(head.split('\n', 1)[0] ?? ''))) {
    if (isProblem(item)) {
      fail({ row: item.line, code: 'IMPORT_CSV_INVALID', message: item.problem });
      continue;
    }
    const cells = item.cells.map((c) => c.trim().replace(/^'(?=[+=\-@])/, ''));
    if (cells.every((c) => c === '')) continue;
    if (column === undefined) {
      const found = cells.findIndex((c) => HEADERS.includes(c.toLowerCase()));
      column = found === -1 ? 0 : found;
      if (found !== -1) continue;
    }
    out.rows_total++;
    const cell = cells[column] ?? '';
    if (HASH.test(cell)) batch.push(cell.toLowerCase());
    else {
      try {
        batch.push(hasher(parsePhone(cell, opts.defaultCountry, 'phone').e164));
      } catch (err) {
        fail({ row: item.line, code: 'PHONE_INVALID', message: err instanceof Error ? err.message : 'not a phone number' });
      }
    }
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  await recordAudit(ctx, { action: 'suppressions.imported', targetType: 'suppression_list', details: { rows: out.rows_total, added: out.added, already_present: out.already_present, errors: out.error_count, reason } });
  return out;
}

/** The suppression list as CSV lines (phone_hash, reason, source, created_at), in pages of 1,000. */
export async function* exportSuppressionsCsv(db: Db, workspaceId: string): AsyncGenerator<string> {
  yield csvLine(['phone_hash', 'reason', 'source', 'created_at']);
  let after: string | undefined;
  for (;;) {
    const page = await listSuppressions(db, workspaceId, after, 1000);
    if (page.length === 0) return;
    yield page.map((r) => csvLine([r.phone_hash, r.reason, r.source, new Date(r.created_at).toISOString()])).join('');
    after = page[page.length - 1]!.phone_hash;
    if (page.length < 1000) return;
  }
}
