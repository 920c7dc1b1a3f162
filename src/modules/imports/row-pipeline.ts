// Bytes → text → CSV records → contacts → write chunks, streaming: memory stays bounded by one
// chunk however large the file is. Runs in the parse worker, or in-process for small inputs.
import { AppError } from '../../lib/errors.js';
import type { AttributeDef } from './attributes.js';
import { ChunkBuilder, type ContactChunk, type GrantConfig } from './chunker.js';
import { guessDelimiter, isProblem, readCsv, type CsvItem } from './csv-reader.js';
import { createDecoder, detectEncoding, SNIFF_BYTES, type CsvEncoding } from './encoding.js';
import type { ImportMapping } from './imports.schemas.js';
import { mapRow, planColumns } from './imports.rules.js';

/** Everything the pipeline needs; plain data, so it can be handed to a worker thread. */
export interface PipelineConfig {
  mapping: ImportMapping;
  attributeDefs: AttributeDef[];
  topics: { id: string; key: string }[];
  fixedTopicIds: string[];
  grants: GrantConfig | null;
  chunkSize: number;
  maxBytes: number;
  /** Known from a scan of the whole file; detected from the first bytes otherwise. */
  encoding?: CsvEncoding;
  nowMs: number;
}

/** What the pipeline found out while running. */
export interface PipelineState {
  bytesRead: number;
  encoding?: CsvEncoding;
}

/** The size error, raised before the rest of an oversized input is read. */
export function tooLarge(maxBytes: number): AppError {
  return new AppError('BODY_TOO_LARGE', `the file is larger than the import limit of ${Math.round(maxBytes / 1_048_576)} MB; split it into smaller files`, { limit_bytes: maxBytes });
}

/** Decodes a byte stream, detecting the encoding from its first bytes and enforcing the size limit. */
export async function* decodeText(bytes: AsyncIterable<Buffer | string>, cfg: Pick<PipelineConfig, 'maxBytes' | 'encoding'>, state: PipelineState): AsyncGenerator<string> {
  let head: Buffer[] = [];
  let headBytes = 0;
  let decoder = cfg.encoding ? createDecoder(cfg.encoding) : undefined;
  state.encoding = cfg.encoding;
  for await (const piece of bytes) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    state.bytesRead += chunk.length;
    if (state.bytesRead > cfg.maxBytes) throw tooLarge(cfg.maxBytes);
    if (!decoder) {
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes < SNIFF_BYTES) continue;
      const sample = Buffer.concat(head);
      head = [];
      state.encoding = detectEncoding(sample, false);
      decoder = createDecoder(state.encoding);
      yield decoder.write(sample);
      continue;
    }
    yield decoder.write(chunk);
  }
  if (!decoder) {
    const sample = Buffer.concat(head);
    state.encoding = detectEncoding(sample, true);
    decoder = createDecoder(state.encoding);
    yield decoder.write(sample);
  }
  yield decoder.end();
}

/** Reads text until the first line break, then yields that head and everything after it. */
export async function withHead(text: AsyncIterable<string>): Promise<{ head: string; all: AsyncIterable<string> }> {
  const it = text[Symbol.asyncIterator]();
  let head = '';
  for (;;) {
    const next = await it.next();
    if (next.done) break;
    head += next.value;
    if (head.includes('\n')) break;
  }
  async function* all(): AsyncGenerator<string> {
    if (head !== '') yield head;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head, all: all() };
}

async function readHeader(items: AsyncIterator<CsvItem>): Promise<string[]> {
  for (;;) {
    const next = await items.next();
    if (next.done) throw new AppError('IMPORT_CSV_INVALID', 'the file is empty: it needs a header line naming the columns, then one row per contact', { row: 1 });
    const item = next.value;
    if (isProblem(item)) throw new AppError('IMPORT_CSV_INVALID', `line ${item.line}: the header line cannot be read: ${item.problem}`, { row: item.line });
    if (item.cells.some((c) => c.trim() !== '')) return item.cells;
  }
}

/** Streams `bytes` as write chunks of at most `cfg.chunkSize` numbers each. */
export async function* contactChunks(bytes: AsyncIterable<Buffer | string>, cfg: PipelineConfig, state: PipelineState = { bytesRead: 0 }): AsyncGenerator<ContactChunk> {
  const { head, all } = await withHead(decodeText(bytes, cfg, state));
  const delimiter = cfg.mapping.delimiter ?? guessDelimiter(head.split('\n', 1)[0] ?? '');
  const items = readCsv(all, delimiter)[Symbol.asyncIterator]();
  const plan = planColumns(await readHeader(items), cfg.mapping, cfg.attributeDefs, cfg.topics, cfg.fixedTopicIds);
  const builder = new ChunkBuilder(cfg.chunkSize, cfg.grants);
  for (;;) {
    const next = await items.next();
    if (next.done) break;
    const item = next.value;
    if (isProblem(item)) {
      const lines = item.endLine > item.line ? `lines ${item.line}-${item.endLine}` : `line ${item.line}`;
      builder.addError({ row: item.line, code: 'IMPORT_CSV_INVALID', message: `${lines} not imported: ${item.problem}` });
      continue;
    }
    const mapped = mapRow(item.cells, item.line, plan, cfg.nowMs);
    if (mapped === null) continue;
    builder.add(mapped);
    if (builder.isFull()) yield builder.take(state.bytesRead);
  }
  if (!builder.isEmpty()) yield builder.take(state.bytesRead);
}
