import { safeErrorMessage } from '../../../lib/redact.js';
import { bookSlots } from '../../sending/index.js';
import { markSending, releaseClaims, returnUnsent } from '../send.service.js';
import { sleep, type DispatchConfig, type DispatcherDeps, type DispatchState, type Queued } from './state.js';

// Rows are marked `sending` in groups covering this much of the schedule: fewer statements (PGlite
// shares one connection with webhook intake) against a smaller window of "may have been sent" after a crash.
const MARK_AHEAD_MS = 50;
// A request leaves at most this long after its slot (see post()).
const LATE_MS = 100;

/**
 * Posts one marked send at its slot and keeps its outcome for the flush lane.
 * Why: a request leaves at most LATE_MS after its slot or not at all, so every 1 s window holds at
 * most rate × (1 + LATE_MS/1000) requests of all workers together. A send whose slot passed while
 * this process stalled gets one fresh slot on the shared schedule, then goes back to the queue.
 */
function post(st: DispatchState, deps: DispatcherDeps, s: Queued): void {
  const p = (async () => {
    const delay = s.localSlot - Date.now();
    if (delay > 0) await sleep(delay);
    if (Date.now() - s.localSlot > LATE_MS) {
      (s.rebooked ? st.unsent : st.late).push(s);
      return;
    }
    const creds = st.numbers.get(s.numberId)?.creds ?? st.credsCache.get(s.numberId)?.creds;
    if (!creds) return void st.unsent.push(s);
    st.posted.add();
    try {
      const res = await deps.gateway.sendMessage(creds, { to: s.to, message: s.message, callbackData: s.callbackData });
      st.outcomes.push({ send: s, ok: true, wamid: res.wamid, waId: res.waId });
      st.counters.sent++;
    } catch (error) {
      st.outcomes.push({ send: s, ok: false, error });
      st.counters.failed++;
    }
  })();
  st.inflight.add(p);
  void p.finally(() => st.inflight.delete(p));
}

/** Late sends get one fresh slot each; those that missed that too (or whose number backs off) return to the queue. */
async function rescheduleLate(st: DispatchState, deps: DispatcherDeps): Promise<void> {
  const missed = st.late.splice(0);
  const back = st.unsent.splice(0);
  st.counters.rebooked += missed.length;
  for (const numberId of new Set(missed.map((m) => m.numberId))) {
    const n = st.numbers.get(numberId);
    // Only for broadcasts still running as of the last look (a paused one's sends go back).
    const running = new Set(n?.list.map((b) => b.id));
    const mine = missed.filter((m) => m.numberId === numberId && running.has(m.broadcastId));
    back.push(...missed.filter((m) => m.numberId === numberId && !running.has(m.broadcastId)));
    if (mine.length === 0) continue;
    const slots = n && !st.stopped ? await bookSlots(deps.db, { numberId, count: mine.length, ratePerSecond: n.ratePerSecond }) : null;
    if (!slots) {
      back.push(...mine);
      continue;
    }
    st.clockOffset.add(slots.dbNowMs, slots.localAtDbNowMs);
    const offset = st.clockOffset.offset();
    mine.forEach((m, i) => post(st, deps, { ...m, rebooked: true, localSlot: slots.startMs + (i * 1000) / n!.ratePerSecond - offset }));
  }
  st.counters.returned += back.length;
  await returnUnsent(deps.db, back);
}

/** Takes sends whose slot is near off the queue, marks them `sending` in one statement, and posts each at its slot. */
export async function dispatchLane(st: DispatchState, deps: DispatcherDeps, cfg: DispatchConfig): Promise<void> {
  while (!st.stopped || st.queue.length > 0) {
    if (st.stopped) {
      // Never posted: hand the rows back at once instead of waiting for their lease.
      const rest = st.queue.splice(0);
      await releaseClaims(deps.db, rest).catch(() => undefined);
      break;
    }
    if (st.late.length > 0 || st.unsent.length > 0) {
      await rescheduleLate(st, deps).catch((err: unknown) => deps.log.warn({ err: { message: safeErrorMessage(err) } }, 'could not reschedule late sends; their leases will return them'));
    }
    const now = Date.now();
    const first = st.queue[0];
    // Marked ahead by twice the recent marking time, so a slow database does not make every send late.
    const ahead = Math.min(cfg.horizonMs / 2, Math.max(MARK_AHEAD_MS, 2 * st.markMs));
    if (!first || first.localSlot > now + ahead) {
      await sleep(first ? Math.min(first.localSlot - now - ahead, 10) : 10);
      continue;
    }
    let k = 0;
    while (k < st.queue.length && st.queue[k]!.localSlot <= now + ahead) k++;
    const due = st.queue.splice(0, k);
    let ok: Set<number>;
    const t0 = Date.now();
    try {
      ok = await markSending(deps.db, due, deps.clock.now(), cfg.leaseMs);
    } catch (err) {
      deps.log.warn({ err: { message: safeErrorMessage(err) } }, 'could not mark sends; their leases will return them');
      await sleep(200);
      continue;
    }
    st.markMs = 0.8 * st.markMs + 0.2 * (Date.now() - t0);
    for (const s of due) if (ok.has(s.recipientId)) post(st, deps, s);
  }
}

/** Sends that missed their slot while stopping were never posted: handed back. */
export async function returnLeftovers(st: DispatchState, deps: DispatcherDeps): Promise<void> {
  await returnUnsent(deps.db, [...st.late.splice(0), ...st.unsent.splice(0)]);
}
