// How long a finished broadcast's view keeps reading it: delivery and read receipts arrive after the last send.

/** How long after a broadcast finished its view keeps polling. */
export const RECEIPTS_WINDOW_MS = 10 * 60_000;

/** True for a broadcast that completed less than RECEIPTS_WINDOW_MS ago (its delivered and read counts still move). */
export function receiptsStillComing(b: { status: string; finished_at: string | null }, now = Date.now()): boolean {
  return b.status === 'completed' && b.finished_at !== null && now - Date.parse(b.finished_at) < RECEIPTS_WINDOW_MS;
}
