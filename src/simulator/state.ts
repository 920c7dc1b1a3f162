import type { SentMessage } from './types.js';

/** The messages the business sent, in acceptance order, bounded to the newest `limit`. */
export class SentLog {
  private records: SentMessage[] = [];
  private readonly byWamid = new Map<string, SentMessage>();
  private seq = 0;
  constructor(private readonly limit: number) {}

  /** Appends a record (assigning its sequence number). */
  add(record: Omit<SentMessage, 'seq'>): SentMessage {
    const full = { ...record, seq: ++this.seq };
    this.records.push(full);
    this.byWamid.set(full.wamid, full);
    if (this.records.length > this.limit * 1.1) {
      const drop = this.records.length - this.limit;
      for (const r of this.records.slice(0, drop)) this.byWamid.delete(r.wamid);
      this.records = this.records.slice(drop);
    }
    return full;
  }

  /** The record for a wamid, if still kept. */
  get(wamid: string): SentMessage | undefined {
    return this.byWamid.get(wamid);
  }

  /** Records matching the filter, oldest first. */
  list(filter: { waId?: string; phoneNumberId?: string; afterSeq?: number; limit?: number } = {}): SentMessage[] {
    const out: SentMessage[] = [];
    for (const r of this.records) {
      if (filter.waId !== undefined && r.waId !== filter.waId) continue;
      if (filter.phoneNumberId !== undefined && r.phoneNumberId !== filter.phoneNumberId) continue;
      if (filter.afterSeq !== undefined && r.seq <= filter.afterSeq) continue;
      out.push(r);
      if (filter.limit !== undefined && out.length >= filter.limit) break;
    }
    return out;
  }

  /** The newest record to `waId` from `phoneNumberId` matching `pred`. */
  lastTo(phoneNumberId: string, waId: string, pred: (r: SentMessage) => boolean = () => true): SentMessage | undefined {
    for (let i = this.records.length - 1; i >= 0; i--) {
      const r = this.records[i]!;
      if (r.phoneNumberId === phoneNumberId && r.waId === waId && pred(r)) return r;
    }
    return undefined;
  }

  /** Number of records kept. */
  get size(): number {
    return this.records.length;
  }

  /** Forgets everything. */
  clear(): void {
    this.records = [];
    this.byWamid.clear();
  }
}

/** An inbound (user → business) message the simulator delivered. */
export interface InboundRecord {
  wamid: string;
  phoneNumberId: string;
  from: string;
  type: string;
  at: number;
  message: Record<string, unknown>;
}

/** Counters for the inspection endpoints. */
export class SimStats {
  requests = 0;
  accepted = 0;
  markedRead = 0;
  /** Mark-as-read requests that also asked for the typing indicator (`typing_indicator: {type: "text"}`). */
  typingIndicators = 0;
  inbound = 0;
  readonly rejectedByCode = new Map<number, number>();
  readonly failedByCode = new Map<number, number>();

  /** Counts a synchronous rejection. */
  reject(code: number): void {
    this.rejectedByCode.set(code, (this.rejectedByCode.get(code) ?? 0) + 1);
  }

  /** Counts an asynchronous failure. */
  fail(code: number): void {
    this.failedByCode.set(code, (this.failedByCode.get(code) ?? 0) + 1);
  }

  /** A JSON view. */
  toJSON(): Record<string, unknown> {
    return {
      requests: this.requests,
      accepted: this.accepted,
      marked_read: this.markedRead,
      typing_indicators: this.typingIndicators,
      inbound: this.inbound,
      rejected_by_code: Object.fromEntries(this.rejectedByCode),
      failed_by_code: Object.fromEntries(this.failedByCode),
    };
  }
}
