// How many rows one write transaction takes. PGlite runs in the app's thread and holds its single
// connection for a whole transaction, so a long one stalls every webhook ack behind it (Meta wants
// them under 250 ms). Transactions are therefore sized to a time budget, measured as they run:
// 75 ms is about 1,500-2,000 contacts on an idle machine; under load it shrinks by itself. While no
// webhook has arrived for a few seconds nobody is waiting for an ack, and the budget grows to
// 400 ms: each commit costs PGlite a WAL flush and file I/O, so bigger transactions import faster.
import { webhooksArrivedWithin } from '../../lib/webhook-pressure.js';
import type { ContactChunk } from './chunker.js';

/** The default time budget of one write transaction while webhooks arrive. */
export const DEFAULT_TX_BUDGET_MS = 75;
/** The budget while no webhook has arrived for QUIET_AFTER_MS. */
export const QUIET_TX_BUDGET_MS = 400;
const QUIET_AFTER_MS = 3_000;
const MIN_ROWS = 100;

/** Adapts the rows per transaction to a time budget from the measured time per row. */
export class TransactionSizer {
  size: number;

  constructor(
    private readonly budgetMs: number,
    private readonly maxRows: number,
    /** The budget when no webhook arrives (defaults to QUIET_TX_BUDGET_MS, never below budgetMs). */
    private readonly quietBudgetMs: number = Math.max(budgetMs, QUIET_TX_BUDGET_MS),
  ) {
    this.size = Math.min(1_000, maxRows);
  }

  /** The budget now: the short one while webhooks arrive, the long one when none have for a while. */
  budgetNow(): number {
    return webhooksArrivedWithin(QUIET_AFTER_MS) ? this.budgetMs : this.quietBudgetMs;
  }

  /** Takes the duration of a transaction of `rows` rows into account (smoothed; a change of budget applies at once). */
  record(rows: number, ms: number): void {
    if (rows < MIN_ROWS) return;
    const budget = this.budgetNow();
    const target = budget / Math.max(ms / rows, 0.001);
    if (budget === this.budgetMs && ms > budget * 1.5) {
      // Webhooks started arriving during a long transaction: shrink now, not over several rounds.
      this.size = Math.round(Math.min(this.maxRows, Math.max(MIN_ROWS, target)));
      return;
    }
    this.size = Math.round(Math.min(this.maxRows, Math.max(MIN_ROWS, (this.size + target) / 2)));
  }
}

/**
 * Splits a chunk into parts of `size()` rows. The first part carries the chunk's errors, merges
 * and their counts; each part's `rowsRead` covers exactly what it carries, so the counters stored
 * with every committed part add up even when an import stops between two parts.
 */
export function* splitChunk(chunk: ContactChunk, size: () => number): Generator<ContactChunk> {
  let i = 0;
  do {
    const n = size();
    const rows = chunk.rows.slice(i, i + n);
    yield i === 0
      ? { ...chunk, rows, rowsRead: chunk.rowsRead - (chunk.rows.length - rows.length) }
      : { rows, errors: [], rowsRead: rows.length, duplicates: 0, merges: [], unreadable: 0, bytesRead: chunk.bytesRead };
    i += n;
  } while (i < chunk.rows.length);
}
