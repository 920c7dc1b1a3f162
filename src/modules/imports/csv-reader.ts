// Streaming CSV records with their line numbers, on top of csv-parse.
import { Readable, pipeline } from 'node:stream';
import { Parser, type CsvError } from 'csv-parse';

/** A record and the CSV line it starts on (1 = the header). */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/** A stretch of the file csv-parse could not read as records (broken quotes, an oversized field). */
export interface CsvProblem {
  line: number;
  endLine: number;
  problem: string;
}

/** One item of the record stream. */
export type CsvItem = CsvRecord | CsvProblem;

/** The longest record accepted: an unclosed quote would otherwise swallow the whole file into memory. */
export const MAX_RECORD_CHARS = 1_000_000;

const PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field opened here is never closed, so the rest of the file was read as one field; close the quote',
  CSV_MAX_RECORD_SIZE: 'this record is longer than 1,000,000 characters (an unclosed quote?); check the quotes',
  CSV_INVALID_CLOSING_QUOTE: 'a closing quote is followed by other characters; write a quote inside a quoted field as ""',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'a closing quote is followed by other characters; write a quote inside a quoted field as ""',
};

function countNewlines(cells: string[]): number {
  let n = 0;
  for (const c of cells) {
    for (let i = c.indexOf('\n'); i !== -1; i = c.indexOf('\n', i + 1)) n++;
  }
  return n;
}

/**
 * csv-parse's own line info costs an object per record (more than the parse itself), so lines
 * are counted here: a record spans one line plus the line breaks inside its quoted fields.
 */
class LineParser extends Parser {
  private nextLine = 1;

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null || !Array.isArray(chunk)) return super.push(chunk, encoding);
    const line = this.nextLine;
    this.nextLine = line + 1 + countNewlines(chunk as string[]);
    return super.push({ line, cells: chunk } satisfies CsvRecord, encoding);
  }

  /** Turns a skipped stretch into an in-order problem item. */
  pushProblem(err: CsvError): void {
    const line = this.nextLine;
    const reported = (err as CsvError & { lines?: number }).lines ?? line;
    const endLine = Math.max(line, reported);
    this.nextLine = endLine + 1;
    super.push({ line, endLine, problem: PROBLEMS[err.code] ?? `the CSV cannot be read here (${err.code})` } satisfies CsvProblem);
  }
}

/** True when the item is a problem rather than a record. */
export function isProblem(item: CsvItem): item is CsvProblem {
  return 'problem' in item;
}

/**
 * Parses CSV text (RFC 4180, any of , ; tab | as delimiter) into records with line numbers.
 * Quotes inside unquoted fields are kept as text (`5" screen`); a broken stretch becomes one
 * problem item and parsing goes on after it.
 */
export function readCsv(text: AsyncIterable<string>, delimiter = ','): AsyncIterable<CsvItem> {
  const parser = new LineParser({
    delimiter,
    relax_quotes: true,
    relax_column_count: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_CHARS,
  });
  parser.on('skip', (err: CsvError) => parser.pushProblem(err));
  // pipeline (unlike pipe) hands a decoding error of the source on to the parser, so the
  // consumer's loop throws it instead of waiting forever.
  pipeline(Readable.from(text, { objectMode: true }), parser, () => {});
  return parser as unknown as AsyncIterable<CsvItem>;
}

/** Guesses the delimiter from the header line: the most frequent of , ; tab and |. */
export function guessDelimiter(headerLine: string): string {
  const candidates = [',', ';', '\t', '|'];
  let best = ',';
  let bestCount = 0;
  for (const d of candidates) {
    const n = headerLine.split(d).length - 1;
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}
