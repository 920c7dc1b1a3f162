// Writing CSV that is safe to open in a spreadsheet (INV-EXPORT, ASVS 1.2.10).

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Neutralises a cell against formula injection: a value a spreadsheet would evaluate (starting
 * with = + - @, a tab or a carriage return) gets a leading apostrophe, which spreadsheets show as
 * text. Our importer strips that apostrophe again, so exports re-import unchanged.
 */
export function neutralise(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** One RFC 4180 cell: neutralised, then double-quoted with inner quotes doubled (empty stays empty). */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  return `"${neutralise(String(value)).replace(/"/g, '""')}"`;
}

/** One CSV line with CRLF, as RFC 4180 asks. */
export function csvLine(values: (string | number | boolean | null | undefined)[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
