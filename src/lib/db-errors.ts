// Tells "the database cannot be reached" from other errors; no driver imported (the CLI's lean paths use it).

const DOWN_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);

/** True when `err` (or its cause) says the database cannot be reached. */
export function isDatabaseDown(err: unknown): boolean {
  for (let e = err as { code?: string; message?: string; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) {
    if (e.code && DOWN_CODES.has(e.code)) return true;
    if (typeof e.message === 'string' && /Connection terminated|connection timeout|not queryable|terminating connection|PGlite is closed|pool after calling end/i.test(e.message)) return true;
  }
  return false;
}
