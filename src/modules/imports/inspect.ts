// A first pass over an uploaded file, before the import is accepted: size, SHA-256, encoding
// (checked over the whole file, so a Windows-1252 accent on row 900,000 is not a mid-import
// surprise) and the header, so a wrong mapping is answered at once instead of in the background.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { AppError } from '../../lib/errors.js';
import { guessDelimiter } from './csv-reader.js';
import { createDecoder, detectEncoding, SNIFF_BYTES, type CsvEncoding } from './encoding.js';
import { tooLarge } from './row-pipeline.js';

/** What the first pass found. */
export interface FileFacts {
  bytes: number;
  sha256: string;
  encoding: CsvEncoding;
  header: string[];
}

function headerOf(sample: Buffer, encoding: CsvEncoding, delimiter: string | undefined): string[] {
  const text = createDecoder(encoding).write(sample);
  const firstLine = text.split('\n', 1)[0] ?? '';
  try {
    const records = parse(text.replace(/^\s*\n/, ''), { to: 1, delimiter: delimiter ?? guessDelimiter(firstLine), relax_quotes: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
    if (records[0]) return records[0];
  } catch {
    // reported below
  }
  throw new AppError('IMPORT_CSV_INVALID', 'line 1: the header line cannot be read; the first line must name the columns, e.g. phone,name', { row: 1 });
}

async function readSample(path: string, size: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(size, SNIFF_BYTES));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Reads the file once: size limit, SHA-256, encoding over every byte, and the header line. */
export async function inspectCsvFile(path: string, maxBytes: number, delimiter?: string): Promise<FileFacts> {
  const { size } = await stat(path);
  if (size > maxBytes) throw tooLarge(maxBytes);
  if (size === 0) throw new AppError('IMPORT_CSV_INVALID', 'the file is empty: it needs a header line naming the columns, then one row per contact', { row: 1 });
  const sample = await readSample(path, size);
  let encoding = detectEncoding(sample, sample.length >= size);
  const isUtf16 = encoding === 'utf-16le' || encoding === 'utf-16be';
  let utf8 = encoding === 'utf-8' ? new TextDecoder('utf-8', { fatal: true }) : undefined;
  const hash = createHash('sha256');
  let offset = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
    const b = chunk as Buffer;
    hash.update(b);
    if (!isUtf16 && b.includes(0)) {
      throw new AppError('IMPORT_ENCODING_UNSUPPORTED', `the file contains NUL bytes near byte ${offset + b.indexOf(0)}, so it is not a text CSV; save it from your spreadsheet as "CSV UTF-8" and import it again`, { encoding: 'binary' });
    }
    offset += b.length;
    if (!utf8) continue;
    try {
      utf8.decode(b, { stream: true });
    } catch {
      // Valid UTF-8 at the start but not further on: a legacy export whose first accent is far down.
      encoding = 'windows-1252';
      utf8 = undefined;
    }
  }
  if (utf8) {
    try {
      utf8.decode();
    } catch {
      encoding = 'windows-1252';
    }
  }
  return { bytes: size, sha256: hash.digest('hex'), encoding, header: headerOf(sample, encoding, delimiter) };
}
