// Groups mapped rows into write chunks: one entry per number (duplicates merged), with each row's
// consent prepared (suppression hash, idempotency keys) so the writer only runs SQL.
import { createHash } from 'node:crypto';
import { canonicalPhone } from '../../lib/phone/index.js';
import { hashPhoneWith } from '../consent/index.js';
import type { RowError } from './imports.schemas.js';
import { mergeRows, type MappedRow } from './imports.rules.js';

/** The consent a row carries, ready for the ledger. */
export interface RowGrant {
  phoneHash: string;
  occurredAt: string;
  collectedWhere: string;
  /** One per topic, in `topicIds` order. */
  dedupeKeys: string[];
}

/** A contact to write. `repeat`: the number already appeared in an earlier chunk of this file. */
export interface ChunkRow extends MappedRow {
  repeat: boolean;
  grant: RowGrant | null;
}

/**
 * A row merged into an earlier row of the same number. `into_row` is null when that row was in an
 * earlier chunk (only the numbers of earlier chunks are remembered); `ignored` names the fields
 * whose value in this row differed from the kept one.
 */
export interface RowMerge {
  row: number;
  into_row: number | null;
  ignored: string[];
}

/** One write chunk: unique numbers, the row errors met while filling it, and how far the file was read. */
export interface ContactChunk {
  rows: ChunkRow[];
  errors: RowError[];
  /** Data rows consumed: rows + errors + merged, where an unreadable stretch of the file counts as one row. */
  rowsRead: number;
  /** Rows merged into another row of the same number (in this chunk, or `repeat` rows from an earlier one). */
  duplicates: number;
  /** The merges of this chunk, in file order of their first row. */
  merges: RowMerge[];
  /** How many of `errors` are stretches the CSV reader could not read as rows. */
  unreadable: number;
  bytesRead: number;
}

/** What consent preparation needs (plain data, so it can cross into the parse worker). */
export interface GrantConfig {
  /** The workspace's suppression key, hex. */
  suppressionKeyHex: string;
  /** SHA-256 of the attested consent text. */
  textHash: string;
  /** The attestation's collected_at as an ISO instant (used when a row has no consent date). */
  collectedAt: string;
  collectedWhere: string;
}

/**
 * The ledger's idempotency key for an imported grant. It is derived from the content (number,
 * topic, when, which wording), not from the import, so re-running the same file, or a second file
 * with the same rows, never records the same consent twice.
 */
export function importDedupeKey(e164: string, topicId: string, occurredAt: string, textHash: string): string {
  return `import:${createHash('sha256').update(`${e164}|${topicId}|${occurredAt}|${textHash}`).digest('hex')}`;
}

// An import keeps the first 1,000 merges (all are counted); a chunk never needs to carry more.
const MAX_MERGES_PER_CHUNK = 1_000;

/** Accumulates rows into chunks of at most `size` numbers. */
export class ChunkBuilder {
  private rows = new Map<string, MappedRow>();
  private errors: RowError[] = [];
  private rowsRead = 0;
  private duplicates = 0;
  private unreadable = 0;
  private merges: RowMerge[] = [];
  // E.164 numbers seen in earlier chunks, as numbers (15 digits fit a double exactly): 1 M numbers
  // cost about 20 MB this way instead of about 60 MB as strings.
  private readonly seen = new Set<number>();
  private readonly key: Buffer | null;

  constructor(
    private readonly size: number,
    private readonly grants: GrantConfig | null,
  ) {
    this.key = grants ? Buffer.from(grants.suppressionKeyHex, 'hex') : null;
  }

  /** Adds one consumed data row (a mapped row or its error). */
  add(item: MappedRow | RowError): void {
    this.rowsRead++;
    if ('code' in item) {
      this.errors.push(item);
      return;
    }
    // Keyed by the canonical WhatsApp form: +551144445555 and +5511944445555 are one person (§7.1).
    const key = canonicalPhone(item.phone);
    const earlier = this.rows.get(key);
    if (earlier) {
      const ignored = mergeRows(earlier, item);
      if (this.merges.length < MAX_MERGES_PER_CHUNK) this.merges.push({ row: item.line, into_row: earlier.line, ignored });
      this.duplicates++;
    } else this.rows.set(key, item);
  }

  /** Records a stretch of the file that could not be read as rows (it counts as one skipped row). */
  addError(error: RowError): void {
    this.rowsRead++;
    this.unreadable++;
    this.errors.push(error);
  }

  /** True when the chunk holds `size` numbers (or as many errors: a file of bad rows stays bounded too). */
  isFull(): boolean {
    return this.rows.size >= this.size || this.errors.length >= this.size;
  }

  /** True when nothing is waiting. */
  isEmpty(): boolean {
    return this.rows.size === 0 && this.errors.length === 0 && this.rowsRead === 0;
  }

  /** Hands out the current chunk and starts a new one. */
  take(bytesRead: number): ContactChunk {
    const rows: ChunkRow[] = [];
    for (const mapped of this.rows.values()) {
      const digits = Number(canonicalPhone(mapped.phone).slice(1));
      const r = mapped as ChunkRow;
      r.repeat = this.seen.has(digits);
      if (r.repeat) {
        this.duplicates++;
        if (this.merges.length < MAX_MERGES_PER_CHUNK) this.merges.push({ row: r.line, into_row: null, ignored: [] });
      } else this.seen.add(digits);
      r.grant = this.grantOf(r);
      rows.push(r);
    }
    const merges = this.merges.sort((x, y) => x.row - y.row);
    const chunk: ContactChunk = { rows, errors: this.errors, rowsRead: this.rowsRead, duplicates: this.duplicates, merges, unreadable: this.unreadable, bytesRead };
    this.rows = new Map();
    this.errors = [];
    this.rowsRead = 0;
    this.duplicates = 0;
    this.unreadable = 0;
    this.merges = [];
    return chunk;
  }

  private grantOf(r: MappedRow): RowGrant | null {
    if (!this.grants || !this.key || r.topicIds.length === 0) return null;
    const occurredAt = r.consentAt ?? this.grants.collectedAt;
    return {
      phoneHash: hashPhoneWith(this.key, r.phone),
      occurredAt,
      collectedWhere: r.consentWhere ?? this.grants.collectedWhere,
      dedupeKeys: r.topicIds.map((t) => importDedupeKey(r.phone, t, occurredAt, this.grants!.textHash)),
    };
  }
}
