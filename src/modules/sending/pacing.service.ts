import { param, sql } from 'drizzle-orm';
import { AppError } from '../../lib/errors.js';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';

// One virtual schedule per business number (GCRA, `number_pacing`): every sender books its slots
// here, so broadcasts, welcomes, confirmations and any worker together never exceed the number's
// rate, and a 130429 makes all of them wait. Times are on the database clock (ms since the epoch).

/**
 * Share of a number's throughput that senders book by default. Why not all of it: inbound traffic
 * shares the quota, and Meta counts arrivals on its side, where a stall on ours (GC, a busy core)
 * or network jitter bunches requests that left on time.
 */
export const DEFAULT_PACING_RATIO = 0.9;

/** The rate a sender without its own policy (outbox, agent replies, test sends) books at. */
export function defaultSendRate(throughputMps: number): number {
  return Math.max(1, throughputMps * DEFAULT_PACING_RATIO);
}

/** The schedule as a claim sees it while holding the number's row. */
export interface LockedSchedule {
  /** The first free slot. */
  nextMs: number;
  /** The database's clock when it read the row. */
  dbNowMs: number;
  /** This process's clock right after: dbNow − localAt is a lower bound of the clock offset. */
  localAtDbNowMs: number;
  /** Until when every sender waits after a 130429 (null: no backoff). */
  backoffUntilMs: number | null;
  /** > 0 while the number is probed one message at a time after a 130429. */
  backoffLevel: number;
}

/** Locks a number's schedule row (created on first use) in the caller's transaction. */
export async function lockSchedule(tx: Db, numberId: string, workspaceId: string, ratePerSecond: number): Promise<LockedSchedule> {
  await tx.execute(sql`insert into number_pacing (number_id, workspace_id, next_slot_at, rate_per_second)
                       values (${numberId}, ${workspaceId}, clock_timestamp(), ${ratePerSecond}) on conflict do nothing`);
  const [p] = await queryRowsOf<{ next_ms: string; now_ms: string; backoff_ms: string | null; backoff_level: number }>(
    tx,
    sql`select extract(epoch from next_slot_at) * 1000 as next_ms, extract(epoch from clock_timestamp()) * 1000 as now_ms,
               extract(epoch from backoff_until) * 1000 as backoff_ms, backoff_level
        from number_pacing where number_id = ${numberId} for update`,
  );
  const localAt = Date.now();
  return { nextMs: Number(p!.next_ms), dbNowMs: Number(p!.now_ms), localAtDbNowMs: localAt, backoffUntilMs: p!.backoff_ms === null ? null : Number(p!.backoff_ms), backoffLevel: Number(p!.backoff_level) };
}

/** Moves a locked schedule's first free slot to `nextMs` (after the caller booked the slots before it). */
export async function advanceSchedule(tx: Db, numberId: string, nextMs: number, ratePerSecond: number): Promise<void> {
  await tx.execute(sql`update number_pacing set next_slot_at = to_timestamp(${nextMs / 1000}), rate_per_second = ${ratePerSecond} where number_id = ${numberId}`);
}

/** Slots booked in one statement: the first at `startMs`, then `1000 / rate` ms apart. */
export interface BookedSlots {
  startMs: number;
  spacingMs: number;
  dbNowMs: number;
  localAtDbNowMs: number;
}

/**
 * Books `count` slots at the end of a number's schedule in one short statement (no row lock held
 * across the sends). Returns null while the number backs off or probes after a 130429: the caller
 * keeps its messages for later. Used by senders other than the broadcast claim (the outbox), and by
 * the dispatcher for sends that missed their slot.
 */
export async function bookSlots(db: Db, opts: { numberId: string; workspaceId?: string; count: number; ratePerSecond: number }): Promise<BookedSlots | null> {
  const { numberId, count, ratePerSecond } = opts;
  if (opts.workspaceId) {
    await db.execute(sql`insert into number_pacing (number_id, workspace_id, next_slot_at, rate_per_second)
                         values (${numberId}, ${opts.workspaceId}, clock_timestamp(), ${ratePerSecond}) on conflict do nothing`);
  }
  const [r] = await queryRowsOf<{ end_ms: string; now_ms: string }>(
    db,
    sql`update number_pacing set next_slot_at = greatest(next_slot_at, clock_timestamp() + interval '20 milliseconds') + make_interval(secs => ${count / ratePerSecond})
        where number_id = ${numberId} and backoff_level = 0 and (backoff_until is null or backoff_until <= clock_timestamp())
        returning extract(epoch from next_slot_at) * 1000 as end_ms, extract(epoch from clock_timestamp()) * 1000 as now_ms`,
  );
  const localAt = Date.now();
  if (!r) return null;
  const spacingMs = 1000 / ratePerSecond;
  return { startMs: Number(r.end_ms) - count * spacingMs, spacingMs, dbNowMs: Number(r.now_ms), localAtDbNowMs: localAt };
}

/** Longest an interactive send waits for its slot (a schedule booked further ahead is a full broadcast queue). */
const MAX_SLOT_WAIT_MS = 5_000;

/**
 * Books one slot on the number's shared schedule for a single interactive send (an agent's reply,
 * a test send) and resolves when the slot comes, so these share the number's rate with broadcasts
 * and the outbox. Throws WHATSAPP_RATE_LIMITED (transient) while the number backs off after a 130429.
 */
export async function waitForSendSlot(db: Db, opts: { numberId: string; workspaceId: string; ratePerSecond: number }): Promise<void> {
  const slots = await bookSlots(db, { ...opts, count: 1 });
  if (!slots) throw new AppError('WHATSAPP_RATE_LIMITED', 'WhatsApp asked this number to slow down (130429); try again in a minute', { meta_code: 130429 }, { retry: 'transient' });
  const wait = slots.startMs - slots.dbNowMs - (Date.now() - slots.localAtDbNowMs);
  if (wait > 0) await new Promise((r) => setTimeout(r, Math.min(wait, MAX_SLOT_WAIT_MS)));
}

/** After a 130429 on these numbers: every sender waits (0.5 s doubling to 60 s, with jitter), then probes. */
export async function throttleNumbers(tx: Db, numberIds: string[]): Promise<void> {
  for (const numberId of numberIds) {
    await tx.execute(sql`update number_pacing set backoff_level = backoff_level + 1,
                           backoff_until = clock_timestamp() + make_interval(secs => least(60.0, 0.5 * power(2, least(backoff_level, 7))) * (0.75 + random() * 0.25))
                         where number_id = ${numberId} and (backoff_until is null or backoff_until < clock_timestamp())`);
  }
}

/** A probe went through on these numbers: full speed again at once (the probe had booked the next second). */
export async function recoverNumbers(tx: Db, numberIds: string[]): Promise<void> {
  if (numberIds.length === 0) return;
  await tx.execute(sql`update number_pacing set backoff_level = 0, next_slot_at = least(next_slot_at, clock_timestamp()) where number_id = any(${param(numberIds)}::uuid[]) and backoff_level > 0`);
}

/** Resets a number's shared send schedule (tests and benchmarks start from a clean slate). */
export async function resetNumberPacing(db: Db, numberId: string): Promise<void> {
  await db.execute(sql`delete from number_pacing where number_id = ${numberId}`);
}
