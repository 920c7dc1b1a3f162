// The import wizard's look at a file before anything is imported: its encoding, delimiter, header
// and first rows, and, with a mapping, those rows as they would be imported (normalised phone,
// joined name, defaults, topics) or the error each would get. Nothing is written.
import { createReadStream } from 'node:fs';
import { open, stat, truncate } from 'node:fs/promises';
import type { Db } from '../context.js';
import { guessDelimiter, isProblem, readCsv, type CsvItem } from './csv-reader.js';
import type { CsvEncoding } from './encoding.js';
import type { ImportPreviewOut, PreviewRowOut } from './imports.schemas.js';
import { isRowError, mapRow, planColumns } from './imports.rules.js';
import { resolveImportMapping } from './imports.service.js';
import { inspectCsvFile } from './inspect.js';
import { decodeText, withHead } from './row-pipeline.js';

/** The most rows a preview shows. */
export const MAX_PREVIEW_ROWS = 50;
// How far back from the end of a partial upload the last line break is looked for.
const TAIL_BYTES = 1024 * 1024;

/**
 * Cuts a file that is only the start of a larger one (a browser sends a slice) after its last
 * line break, so a row or a character cut in half is not read. A UTF-16LE line break is two bytes
 * (0A 00): the 00 is kept with it.
 */
export async function cutAtLastLine(path: string): Promise<void> {
  const { size } = await stat(path);
  const from = Math.max(0, size - TAIL_BYTES);
  const fh = await open(path, 'r');
  let tail: Buffer;
  try {
    tail = Buffer.alloc(size - from);
    await fh.read(tail, 0, tail.length, from);
  } finally {
    await fh.close();
  }
  const i = tail.lastIndexOf(0x0a);
  if (i === -1) return;
  const keep = from + i + 1 + (tail[i + 1] === 0x00 && (from + i + 1) % 2 === 1 ? 1 : 0);
  await truncate(path, keep);
}

/** The header and the first `limit` rows after it (blank lines skipped), read from the start of the file. */
async function firstRows(path: string, encoding: CsvEncoding, delimiterGiven: string | undefined, limit: number): Promise<{ delimiter: string; header: string[]; rows: CsvItem[] }> {
  const bytes = createReadStream(path, { highWaterMark: 64 * 1024 });
  try {
    const { head, all } = await withHead(decodeText(bytes, { maxBytes: Number.MAX_SAFE_INTEGER, encoding }, { bytesRead: 0 }));
    const delimiter = delimiterGiven ?? guessDelimiter(head.split('\n', 1)[0] ?? '');
    let header: string[] | undefined;
    const rows: CsvItem[] = [];
    for await (const item of readCsv(all, delimiter)) {
      if (!isProblem(item) && item.cells.every((c) => c.trim() === '')) continue;
      if (!header) {
        header = isProblem(item) ? [] : item.cells;
        continue;
      }
      rows.push(item);
      if (rows.length >= limit) break;
    }
    return { delimiter, header: header ?? [], rows };
  } finally {
    bytes.destroy();
  }
}

/** One record as the preview shows it, mapped when a plan is given. */
function previewRow(item: CsvItem, plan: ReturnType<typeof planColumns> | undefined, topicKeys: Map<string, string>, nowMs: number): PreviewRowOut {
  if (isProblem(item)) return { line: item.line, cells: [], contact: null, error: { code: 'IMPORT_CSV_INVALID', message: item.problem } };
  const base = { line: item.line, cells: item.cells };
  if (!plan) return { ...base, contact: null, error: null };
  const mapped = mapRow(item.cells, item.line, plan, nowMs);
  if (mapped === null) return { ...base, contact: null, error: null };
  if (isRowError(mapped)) return { ...base, contact: null, error: { code: mapped.code, message: mapped.message } };
  return {
    ...base,
    error: null,
    contact: {
      phone: mapped.phone,
      name: mapped.name,
      country: mapped.country,
      language: mapped.language,
      timezone: mapped.timezone,
      tags: mapped.tags,
      attributes: mapped.attributes ?? {},
      topics: mapped.topicIds.map((id) => topicKeys.get(id) ?? id),
      consent_at: mapped.consentAt,
      consent_where: mapped.consentWhere,
    },
  };
}

/** What previewing a file needs: where it is, its limit, and optionally a mapping to apply. */
export interface PreviewInput {
  path: string;
  maxBytes: number;
  /** The file is the start of a larger one: it is cut after its last line break first. */
  partial: boolean;
  rows: number;
  delimiter?: string | undefined;
  mapping?: unknown;
  mappingId?: string | undefined;
  now: Date;
}

/**
 * Reads an uploaded file (or its start) and answers its encoding, delimiter, header and first rows;
 * with a mapping, each row as it would be imported. The mapping is checked as an import checks it
 * (a missing column is a 422 naming it) but needs no attestation: that comes after the preview.
 */
export async function previewImportFile(db: Db, workspaceId: string, input: PreviewInput): Promise<ImportPreviewOut> {
  if (input.partial) await cutAtLastLine(input.path);
  const hasMapping = input.mapping !== undefined || input.mappingId !== undefined;
  const resolved = hasMapping ? await resolveImportMapping(db, workspaceId, { mapping: input.mapping, mappingId: input.mappingId }) : undefined;
  const delimiter = resolved?.mapping.delimiter ?? input.delimiter;
  const facts = await inspectCsvFile(input.path, input.maxBytes, delimiter);
  const sample = await firstRows(input.path, facts.encoding, delimiter, Math.min(Math.max(input.rows, 1), MAX_PREVIEW_ROWS));
  const plan = resolved ? planColumns(facts.header, resolved.mapping, resolved.attributeDefs, resolved.topics, resolved.fixedTopicIds) : undefined;
  const topicKeys = new Map((resolved?.topics ?? []).map((t) => [t.id, t.key]));
  return {
    bytes: facts.bytes,
    partial: input.partial,
    encoding: facts.encoding,
    delimiter: sample.delimiter,
    header: facts.header,
    mapping: resolved ? (resolved.mapping as unknown as Record<string, unknown>) : null,
    rows: sample.rows.map((r) => previewRow(r, plan, topicKeys, input.now.getTime())),
  };
}
