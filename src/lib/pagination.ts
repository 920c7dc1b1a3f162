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

/** Decodes a cursor made by `encodeCursor`; a tampered one is a 422 naming the `cursor` field. */
export function decodeCursor<T extends Record<string, string | number>>(cursor: string | undefined, keys: (keyof T)[]): T | undefined {
  if (!cursor) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as T;
    if (typeof value === 'object' && value && keys.every((k) => k in value)) return value;
  } catch {
    // fall through to the error below
  }
  throw new AppError('VALIDATION_FAILED', 'cursor is not valid; pass the next_cursor value from the previous page', {
    fields: [{ field: 'cursor', message: 'not a cursor returned by this endpoint' }],
  });
}

/** Turns `limit + 1` fetched rows into a page, computing the cursor from the last row kept. */
export function toPage<R, T>(rows: R[], limit: number, map: (r: R) => T, cursorOf: (r: R) => Record<string, string | number>): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1];
  return { data: kept.map(map), next_cursor: more && last !== undefined ? encodeCursor(cursorOf(last)) : null };
}
