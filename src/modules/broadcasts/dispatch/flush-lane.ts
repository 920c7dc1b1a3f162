import { safeErrorMessage } from '../../../lib/redact.js';
import { recordOutcomes, releaseClaims } from '../send.service.js';
import { sleep, type DispatcherDeps, type DispatchState } from './state.js';

// Outcomes are recorded in batches at most this often (or at once past 200).
const FLUSH_EVERY_MS = 100;

async function flush(st: DispatchState, deps: DispatcherDeps): Promise<void> {
  if (st.outcomes.length === 0) return;
  const batch = st.outcomes.splice(0);
  try {
    const { paused, throttled } = await recordOutcomes(deps.db, batch, st.policies, deps.clock.now());
    // Sends already booked for a throttled number or a paused broadcast go back unsent.
    if (throttled.length > 0 || paused.length > 0) {
      const drop = new Set([...throttled, ...paused]);
      const kept = st.queue.filter((q) => !drop.has(q.numberId) && !drop.has(q.broadcastId));
      const dropped = st.queue.filter((q) => drop.has(q.numberId) || drop.has(q.broadcastId));
      st.queue.splice(0, st.queue.length, ...kept);
      await releaseClaims(deps.db, dropped);
    }
  } catch (err) {
    // Rows stay `sending`; their lease expires and the status webhooks settle them (never a blind re-post).
    deps.log.error({ err: { message: safeErrorMessage(err) }, count: batch.length }, 'could not record send outcomes');
  }
}

/** Records request outcomes in batches; on stop, waits for the requests in flight and records theirs too. */
export async function flushLane(st: DispatchState, deps: DispatcherDeps): Promise<void> {
  while (!st.stopped || st.inflight.size > 0 || st.outcomes.length > 0) {
    await sleep(st.outcomes.length >= 200 ? 0 : FLUSH_EVERY_MS);
    await flush(st, deps);
    if (st.stopped && st.inflight.size > 0) await Promise.allSettled([...st.inflight]);
  }
  await flush(st, deps);
}
