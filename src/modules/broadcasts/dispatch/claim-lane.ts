import { safeErrorMessage } from '../../../lib/redact.js';
import { claimForNumber } from '../claim.service.js';
import { sleep, type DispatchConfig, type DispatcherDeps, type DispatchState } from './state.js';

/** Pause before re-claiming a number that had nothing due (new rows come from snapshots and deferrals ending). */
const IDLE_CLAIM_PAUSE_MS = 200;

/**
 * How long a worker leaves a number alone after a claim that got no sends (0 after one that did),
 * at most `maxMs`: a pause computed from a schedule that is then reset or rolled back (a test's
 * reset, a crashed worker's far-ahead re-bookings) must not idle a worker for minutes
 * (broadcasts-crash R2 sent nothing for 120 s with an uncapped pause).
 */
export function emptyClaimPauseMs(res: { sends: unknown[]; skipped: number; deferred: number; bookedAheadMs: number }, horizonMs: number, maxMs: number): number {
  if (res.sends.length > 0) return 0;
  // Booked ahead (by another worker, or a backoff): back when half the horizon is left to fill.
  if (res.bookedAheadMs > horizonMs / 2) return Math.min(res.bookedAheadMs - horizonMs / 2, maxMs);
  // Rows were settled (skipped, deferred): more may be due at once. Nothing found: a short pause.
  return res.skipped + res.deferred > 0 ? 0 : IDLE_CLAIM_PAUSE_MS;
}

/**
 * Keeps about half the slot horizon of each number claimed ahead in the queue, within the
 * in-flight cap. Why the pause per number (`retryAt`): with several workers, the one that finds a
 * schedule booked ahead by another, or nothing due, would otherwise re-claim every few ms: 2 workers
 * × 5 numbers ran ~500 empty claim transactions a second.
 */
export async function claimLane(st: DispatchState, deps: DispatcherDeps, cfg: DispatchConfig): Promise<void> {
  while (!st.stopped) {
    let claimed = 0;
    for (const n of st.numbers.values()) {
      if (st.stopped) break;
      const pending = st.queue.filter((q) => q.numberId === n.id);
      const tail = pending.length ? pending[pending.length - 1]!.localSlot : 0;
      if (tail > Date.now() + cfg.horizonMs / 2 || st.inflight.size >= cfg.maxInFlight || (st.retryAt.get(n.id) ?? 0) > Date.now()) continue;
      try {
        const res = await claimForNumber(deps.db, n.id, n.list, { now: deps.clock.now(), ratePerSecond: n.ratePerSecond, tier: n.tier, horizonMs: cfg.horizonMs, maxBatch: cfg.maxBatch, leaseMs: cfg.leaseMs });
        st.counters.claims++;
        st.clockOffset.add(res.dbNowMs, res.localAtDbNowMs);
        const offset = st.clockOffset.offset();
        for (const s of res.sends) st.queue.push({ ...s, localSlot: s.slotAt - offset });
        st.queue.sort((a, b) => a.localSlot - b.localSlot);
        claimed += res.sends.length + res.skipped + res.deferred;
        st.retryAt.set(n.id, Date.now() + emptyClaimPauseMs(res, cfg.horizonMs, cfg.houseKeepingMs));
      } catch (err) {
        deps.log.warn({ numberId: n.id, err: { message: safeErrorMessage(err) } }, 'broadcast claim failed; retrying');
        await sleep(500);
      }
    }
    await sleep(claimed > 0 ? 5 : 25);
  }
}
