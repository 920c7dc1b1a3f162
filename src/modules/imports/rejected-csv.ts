// An import's rejected rows as a CSV download: each row's line in the uploaded file, the error
// code and what to fix. The file itself is not kept after the import (it holds personal data), so
// the rows are named by line: fix those lines in your copy and import it again.
import type { Ctx } from '../context.js';
import { csvLine } from './csv-format.js';
import { getImport } from './imports.service.js';

/** The CSV download of an import's rejected rows and how many were rejected in all. */
export interface RejectedRowsCsv {
  lines: AsyncIterable<string>;
  /** Every rejected row, counted (the file lists the first MAX_KEPT_ERRORS). */
  total: number;
  listed: number;
}

/** An import's rejected rows (line, code, message), formula-neutralised; 404 for another workspace's import. */
export async function rejectedRowsCsv(ctx: Ctx, importId: string): Promise<RejectedRowsCsv> {
  const imp = await getImport(ctx, importId);
  async function* lines(): AsyncGenerator<string> {
    yield csvLine(['line', 'code', 'message']);
    // In slices, so a thousand errors go out as a few writes rather than one string.
    for (let i = 0; i < imp.errors.length; i += 200) yield imp.errors.slice(i, i + 200).map((e) => csvLine([e.row, e.code, e.message])).join('');
  }
  return { lines: lines(), total: imp.error_count, listed: imp.errors.length };
}
