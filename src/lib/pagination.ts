import { AppError } from './errors.js';

/** A page of a list endpoint: `{ data, next_cursor }`. */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** Encodes a keyset position as an opaque cursor. */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** What each cursor key holds: a timestamp, a uuid, a row number, or text. */
export type CursorKind = 'time' | 'uuid' | 'int' | 'text';
type CursorValue<K extends CursorKind> = K extends 'int' ? number : string;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Every value goes into SQL as a typed parameter, so a wrong type or an impossible date is a
// database error (a 500) unless it is refused here.
function isCursorValue(kind: CursorKind, v: unknown): boolean {
  switch (kind) {
    case 'time': {
      if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(v)) return false;
      const d = new Date(v);
      return !Number.isNaN(d.getTime()) && d.getUTCFullYear() >= 1;
    }
    case 'uuid':
      return typeof v === 'string' && UUID.test(v);
    case 'int':
      return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
    case 'text':
      return typeof v === 'string' && v.length <= 1000 && !v.includes('\u0000') && (v as unknown as { isWellFormed(): boolean }).isWellFormed();
  }
}

/** Decodes a cursor made by `encodeCursor`, checking each key's kind; a tampered one is a 422 naming the `cursor` field. */
export function decodeCursor<S extends Record<string, CursorKind>>(cursor: string | undefined, shape: S): { [K in keyof S]: CursorValue<S[K]> } | undefined {
  if (!cursor) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.entries(shape).every(([k, kind]) => isCursorValue(kind, (value as Record<string, unknown>)[k]))) {
      return value as { [K in keyof S]: CursorValue<S[K]> };
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('VALIDATION_FAILED', 'cursor is not valid; pass the next_cursor value from the previous page', {
    fields: [{ field: 'cursor', message: 'not a cursor returned by this endpoint' }],
  });
}

/** The same page with each item mapped. */
export function mapPage<R, T>(page: Page<R>, map: (r: R) => T): Page<T> {
  return { data: page.data.map(map), next_cursor: page.next_cursor };
}

/** Turns `limit + 1` fetched rows into a page, computing the cursor from the last row kept. */
export function toPage<R, T>(rows: R[], limit: number, map: (r: R) => T, cursorOf: (r: R) => Record<string, string | number>): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1];
  return { data: kept.map(map), next_cursor: more && last !== undefined ? encodeCursor(cursorOf(last)) : null };
}
