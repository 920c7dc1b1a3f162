import { safeErrorMessage } from '../../lib/redact.js';
import { claimLane } from './dispatch/claim-lane.js';
import { dispatchLane, returnLeftovers } from './dispatch/dispatch-lane.js';
import { flushLane } from './dispatch/flush-lane.js';
import { houseLane, refreshActive } from './dispatch/house-lane.js';
import { createDispatchState, dispatchConfig, type DispatcherDeps } from './dispatch/state.js';

export type { DispatcherDeps } from './dispatch/state.js';
export { emptyClaimPauseMs } from './dispatch/claim-lane.js';

/** A running dispatcher. */
export interface Dispatcher {
  stop(): Promise<void>;
  /** Counters for benchmarks and tests. */
  stats(): { sent: number; failed: number; inFlight: number; queued: number; claims: number; rebooked: number; returned: number; peak1sPosted: number };
}

/**
 * The broadcast send engine of one worker process. Any number of them may run against one
 * database: each claims slots and recipients through the database (SKIP LOCKED, leases, the shared
 * per-number schedule), marks rows `sending` right before posting (the send-time consent check),
 * posts each request at its slot, and records outcomes in batches. Memory is bounded by the slot
 * horizon and the in-flight cap, whatever the audience size.
 *
 * Four lanes share one state object (dispatch/state.ts names which lane writes what): claim
 * (recipients and slots into the queue), dispatch (mark and post at the slot; re-book late ones),
 * flush (record outcomes) and house (start, supervise, settle leases, reload what is sending).
 */
export function startBroadcastDispatcher(deps: DispatcherDeps): Dispatcher {
  const cfg = dispatchConfig(deps);
  const st = createDispatchState(deps.clock.now());
  const lanes = (async () => {
    await refreshActive(st, deps, cfg).catch((err: unknown) => deps.log.warn({ err: { message: safeErrorMessage(err) } }, 'could not load active broadcasts'));
    await Promise.all([claimLane(st, deps, cfg), dispatchLane(st, deps, cfg), flushLane(st, deps), houseLane(st, deps, cfg)]);
    await returnLeftovers(st, deps).catch(() => undefined);
    const c = st.counters;
    deps.log.info({ sent: c.sent, failed: c.failed, rebooked: c.rebooked, returned: c.returned, peak_1s_posted: st.posted.peak() }, 'broadcast dispatcher stopped');
  })();

  return {
    async stop() {
      st.stopped = true;
      await lanes;
    },
    stats: () => ({ ...st.counters, inFlight: st.inflight.size, queued: st.queue.length, peak1sPosted: st.posted.peak() }),
  };
}
