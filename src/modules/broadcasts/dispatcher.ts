import { eq } from 'drizzle-orm';
import { safeErrorMessage } from '../../lib/redact.js';
import type { SecretBox } from '../../lib/secrets.js';
import { SYSTEM_ACTOR, type Db, type Log } from '../context.js';
import { phoneHasher } from '../consent/index.js';
import type { NumberCredentials, WhatsAppGateway } from '../messaging/index.js';
import { credentialsFor } from '../numbers/index.js';
import { phoneNumbers } from '../numbers/numbers.tables.js';
import { compileTemplate, templateDefOf, type TemplateRow, type VariableMap } from '../templates/index.js';
import { templates } from '../templates/templates.tables.js';
import { policyFrom, resolveTrackedLinks, type BroadcastPolicy } from './broadcasts.rules.js';
import { broadcasts } from './broadcasts.tables.js';
import { claimForNumber, type ActiveBroadcast, type ClaimedSend } from './claim.service.js';
import { bookSlots } from '../sending/index.js';
import { clockOffsetEstimator } from './clock-offset.js';
import { postRateMeter } from './post-rate.js';
import { settleExpiredRows, startDueBroadcasts, superviseBroadcasts } from './reconcile.service.js';
import { markSending, recordOutcomes, releaseClaims, returnUnsent, type SendOutcome } from './send.service.js';
import { linkSigner, linkToken } from './tracking.service.js';

// Rows are marked `sending` in groups covering this much of the schedule: fewer statements (PGlite
// shares one connection with webhook intake) against a smaller window of "may have been sent" after a crash.
const MARK_AHEAD_MS = 50;
// A request leaves at most this long after its slot (see post()).
const LATE_MS = 100;
/** Pause before re-claiming a number that had nothing due (new rows come from snapshots and deferrals ending). */
const IDLE_CLAIM_PAUSE_MS = 200;
// Outcomes are recorded in batches at most this often (or at once past 200).
const FLUSH_EVERY_MS = 100;

/** What the dispatcher needs from the composition root. */
export interface DispatcherDeps {
  db: Db;
  box: SecretBox;
  gateway: WhatsAppGateway;
  log: Log;
  clock: { now(): Date };
  /** Base of tracked links (`<publicUrl>/r/<token>`). */
  publicUrl: string;
  masterKey: Buffer;
  /** How far ahead a worker books send slots (default 400 ms). */
  horizonMs?: number;
  /** Most recipients per claim (default 500). */
  maxBatch?: number;
  /** Requests in flight at most (default 2,000; Little's law: rate × latency). */
  maxInFlight?: number;
  /** How long a claimed or in-flight row stays with this worker before others may settle it (default 30 s). */
  leaseMs?: number;
  /** How often active broadcasts, leases and schedules are looked at (default 1 s). */
  houseKeepingMs?: number;
  /** Most sends per second per number whatever its tier: what this engine can hold (PGlite, see server.ts); none by default. */
  maxRatePerNumber?: number;
}

/** A running dispatcher. */
export interface Dispatcher {
  stop(): Promise<void>;
  /** Counters for benchmarks and tests. */
  stats(): { sent: number; failed: number; inFlight: number; queued: number; claims: number; rebooked: number; returned: number; peak1sPosted: number };
}

/** How long a worker leaves a number alone after a claim that got no sends (0 after one that did). */
export function emptyClaimPauseMs(res: { sends: unknown[]; skipped: number; deferred: number; bookedAheadMs: number }, horizonMs: number): number {
  if (res.sends.length > 0) return 0;
  // Booked ahead (by another worker, or a backoff): back when half the horizon is left to fill.
  if (res.bookedAheadMs > horizonMs / 2) return res.bookedAheadMs - horizonMs / 2;
  // Rows were settled (skipped, deferred): more may be due at once. Nothing found: a short pause.
  return res.skipped + res.deferred > 0 ? 0 : IDLE_CLAIM_PAUSE_MS;
}

/** A claimed send waiting for its slot, with the slot on this process's clock. */
type Queued = ClaimedSend & { localSlot: number; rebooked?: boolean };

interface NumberState {
  id: string;
  ratePerSecond: number;
  tier: string;
  creds: NumberCredentials;
  list: ActiveBroadcast[];
}

/**
 * The broadcast send engine of one worker process. Any number of them may run against one
 * database: each claims slots and recipients through the database (SKIP LOCKED, leases, the shared
 * per-number schedule), marks rows `sending` right before posting (the send-time consent check),
 * posts each request at its slot, and records outcomes in batches. Memory is bounded by the slot
 * horizon and the in-flight cap, whatever the audience size.
 */
export function startBroadcastDispatcher(deps: DispatcherDeps): Dispatcher {
  const horizonMs = deps.horizonMs ?? 400;
  const maxBatch = deps.maxBatch ?? 500;
  const maxInFlight = deps.maxInFlight ?? 2_000;
  const leaseMs = deps.leaseMs ?? 30_000;
  const houseKeepingMs = deps.houseKeepingMs ?? 1_000;
  const sign = linkSigner(deps.masterKey);
  // Uncertain sends are not given up before a whole window has passed with this process up (see settleExpiredRows).
  const upSince = deps.clock.now();
  let stopped = false;
  let numbers = new Map<string, NumberState>();
  const policies = new Map<string, BroadcastPolicy>();
  const actives = new Map<string, { key: string; value: ActiveBroadcast }>();
  // Claimed sends waiting for their slot, with the slot on this process's clock.
  const queue: Queued[] = [];
  // Marked sends whose slot passed before they could leave; and those to hand back unsent.
  const late: Queued[] = [];
  const unsent: Queued[] = [];
  let markMs = 0;
  const outcomes: SendOutcome[] = [];
  const inflight = new Set<Promise<void>>();
  const counters = { sent: 0, failed: 0, claims: 0, rebooked: 0, returned: 0 };
  const credsCache = new Map<string, { creds: NumberCredentials; at: number }>();
  const clockOffset = clockOffsetEstimator();
  const posted = postRateMeter();
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)).unref?.());

  async function refreshActive(): Promise<void> {
    const rows = await deps.db
      .select({ b: broadcasts, mps: phoneNumbers.throughputMps, tier: phoneNumbers.messagingLimitTier, t: templates })
      .from(broadcasts)
      .innerJoin(phoneNumbers, eq(phoneNumbers.id, broadcasts.numberId))
      .innerJoin(templates, eq(templates.id, broadcasts.templateId))
      .where(eq(broadcasts.status, 'sending'));
    const next = new Map<string, NumberState>();
    for (const { b, mps, tier, t } of rows) {
      const policy = { ...policyFrom(undefined), ...(b.policy as Partial<BroadcastPolicy>) };
      policies.set(b.id, policy);
      let n = next.get(b.numberId!);
      if (!n) {
        const cached = credsCache.get(b.numberId!);
        const creds = cached && Date.now() - cached.at < 30_000 ? cached.creds : await credentialsFor({ db: deps.db, workspaceId: b.workspaceId, actor: SYSTEM_ACTOR, now: deps.clock.now(), log: deps.log }, deps.box, b.numberId!);
        credsCache.set(b.numberId!, { creds, at: cached && Date.now() - cached.at < 30_000 ? cached.at : Date.now() });
        n = { id: b.numberId!, ratePerSecond: Math.max(0.1, Math.min(mps * policy.pacingRatio, deps.maxRatePerNumber ?? Infinity)), tier, creds, list: [] };
        next.set(b.numberId!, n);
      }
      // Compiled once per broadcast and template version, not every second.
      const key = `${b.id}:${t.updatedAt.getTime()}:${deps.publicUrl}`;
      let active = actives.get(b.id);
      if (!active || active.key !== key) actives.set(b.id, (active = { key, value: await activeOf(b, t as TemplateRow, policy) }));
      n.list.push(active.value);
    }
    for (const id of actives.keys()) if (!rows.some((r) => r.b.id === id)) actives.delete(id);
    numbers = next;
  }

  async function activeOf(b: typeof broadcasts.$inferSelect, t: TemplateRow, policy: BroadcastPolicy): Promise<ActiveBroadcast> {
    // Tracked links render through a per-recipient attribute so the template compiles once.
    const { vars, links: linkIdx } = resolveTrackedLinks(b.variables, (n) => ({ attribute: `__gl_link_${n}` }));
    const render = compileTemplate(templateDefOf(t), vars as VariableMap);
    const hashPhone = await phoneHasher(deps.db, b.workspaceId);
    const base = deps.publicUrl.replace(/\/$/, '');
    return {
      id: b.id,
      workspaceId: b.workspaceId,
      numberId: b.numberId!,
      topicId: b.topicId!,
      isMarketing: b.templateCategory === 'MARKETING',
      policy,
      hashPhone,
      render: (c, recipientId) => {
        const links = linkIdx.length ? Object.fromEntries(linkIdx.map((i) => [`__gl_link_${i}`, `${base}/r/${linkToken(sign, recipientId, i)}`])) : {};
        const r = render(linkIdx.length ? { ...c, attributes: { ...c.attributes, ...links } } : c);
        return r.ok ? { ok: true, message: r.message, text: r.text } : { ok: false, reason: r.reason };
      },
    };
  }

  // Why: with several workers, the one that finds a number's schedule booked ahead by another, or
  // nothing due, would otherwise re-claim it every few ms: 2 workers × 5 numbers ran ~500 empty claim
  // transactions a second, and PostgreSQL used 2 ms of CPU per send at 360 sends/s.
  const retryAt = new Map<string, number>();

  async function claimLane(): Promise<void> {
    while (!stopped) {
      let claimed = 0;
      for (const n of numbers.values()) {
        if (stopped) break;
        const pending = queue.filter((q) => q.numberId === n.id);
        const tail = pending.length ? pending[pending.length - 1]!.localSlot : 0;
        if (tail > Date.now() + horizonMs / 2 || inflight.size >= maxInFlight || (retryAt.get(n.id) ?? 0) > Date.now()) continue;
        try {
          const res = await claimForNumber(deps.db, n.id, n.list, { now: deps.clock.now(), ratePerSecond: n.ratePerSecond, tier: n.tier, horizonMs, maxBatch, leaseMs });
          counters.claims++;
          clockOffset.add(res.dbNowMs, res.localAtDbNowMs);
          const offset = clockOffset.offset();
          for (const s of res.sends) queue.push({ ...s, localSlot: s.slotAt - offset });
          queue.sort((a, b) => a.localSlot - b.localSlot);
          claimed += res.sends.length + res.skipped + res.deferred;
          retryAt.set(n.id, Date.now() + emptyClaimPauseMs(res, horizonMs));
        } catch (err) {
          deps.log.warn({ numberId: n.id, err: { message: safeErrorMessage(err) } }, 'broadcast claim failed; retrying');
          await sleep(500);
        }
      }
      await sleep(claimed > 0 ? 5 : 25);
    }
  }

  // Why: a request leaves at most LATE_MS after its slot or not at all, so every 1 s window holds at
  // most rate × (1 + LATE_MS/1000) requests of all workers together. A send whose slot passed while
  // this process stalled gets one fresh slot on the shared schedule, then goes back to the queue.
  function post(s: Queued): void {
    const p = (async () => {
      const delay = s.localSlot - Date.now();
      if (delay > 0) await sleep(delay);
      if (Date.now() - s.localSlot > LATE_MS) {
        (s.rebooked ? unsent : late).push(s);
        return;
      }
      const creds = numbers.get(s.numberId)?.creds ?? credsCache.get(s.numberId)?.creds;
      if (!creds) return void unsent.push(s);
      posted.add();
      try {
        const res = await deps.gateway.sendMessage(creds, { to: s.to, message: s.message, callbackData: s.callbackData });
        outcomes.push({ send: s, ok: true, wamid: res.wamid, waId: res.waId });
        counters.sent++;
      } catch (error) {
        outcomes.push({ send: s, ok: false, error });
        counters.failed++;
      }
    })();
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  }

  /** Late sends get one fresh slot each; those that missed that too (or whose number backs off) return to the queue. */
  async function rescheduleLate(): Promise<void> {
    const missed = late.splice(0);
    const back = unsent.splice(0);
    counters.rebooked += missed.length;
    for (const numberId of new Set(missed.map((m) => m.numberId))) {
      const n = numbers.get(numberId);
      // Only for broadcasts still running as of the last look (a paused one's sends go back).
      const running = new Set(n?.list.map((b) => b.id));
      const mine = missed.filter((m) => m.numberId === numberId && running.has(m.broadcastId));
      back.push(...missed.filter((m) => m.numberId === numberId && !running.has(m.broadcastId)));
      if (mine.length === 0) continue;
      const slots = n && !stopped ? await bookSlots(deps.db, { numberId, count: mine.length, ratePerSecond: n.ratePerSecond }) : null;
      if (!slots) {
        back.push(...mine);
        continue;
      }
      clockOffset.add(slots.dbNowMs, slots.localAtDbNowMs);
      const offset = clockOffset.offset();
      mine.forEach((m, i) => post({ ...m, rebooked: true, localSlot: slots.startMs + (i * 1000) / n!.ratePerSecond - offset }));
    }
    counters.returned += back.length;
    await returnUnsent(deps.db, back);
  }

  async function dispatchLane(): Promise<void> {
    while (!stopped || queue.length > 0) {
      if (stopped) {
        // Never posted: hand the rows back at once instead of waiting for their lease.
        const rest = queue.splice(0);
        await releaseClaims(deps.db, rest).catch(() => undefined);
        break;
      }
      if (late.length > 0 || unsent.length > 0) {
        await rescheduleLate().catch((err: unknown) => deps.log.warn({ err: { message: safeErrorMessage(err) } }, 'could not reschedule late sends; their leases will return them'));
      }
      const now = Date.now();
      const first = queue[0];
      // Marked ahead by twice the recent marking time, so a slow database does not make every send late.
      const ahead = Math.min(horizonMs / 2, Math.max(MARK_AHEAD_MS, 2 * markMs));
      if (!first || first.localSlot > now + ahead) {
        await sleep(first ? Math.min(first.localSlot - now - ahead, 10) : 10);
        continue;
      }
      let k = 0;
      while (k < queue.length && queue[k]!.localSlot <= now + ahead) k++;
      const due = queue.splice(0, k);
      let ok: Set<number>;
      const t0 = Date.now();
      try {
        ok = await markSending(deps.db, due, deps.clock.now(), leaseMs);
      } catch (err) {
        deps.log.warn({ err: { message: safeErrorMessage(err) } }, 'could not mark sends; their leases will return them');
        await sleep(200);
        continue;
      }
      markMs = 0.8 * markMs + 0.2 * (Date.now() - t0);
      for (const s of due) if (ok.has(s.recipientId)) post(s);
    }
  }

  async function flush(): Promise<void> {
    if (outcomes.length === 0) return;
    const batch = outcomes.splice(0);
    try {
      const { paused, throttled } = await recordOutcomes(deps.db, batch, policies, deps.clock.now());
      // Sends already booked for a throttled number or a paused broadcast go back unsent.
      if (throttled.length > 0 || paused.length > 0) {
        const drop = new Set([...throttled, ...paused]);
        const kept = queue.filter((q) => !drop.has(q.numberId) && !drop.has(q.broadcastId));
        const dropped = queue.filter((q) => drop.has(q.numberId) || drop.has(q.broadcastId));
        queue.splice(0, queue.length, ...kept);
        await releaseClaims(deps.db, dropped);
      }
    } catch (err) {
      // Rows stay `sending`; their lease expires and the status webhooks settle them (never a blind re-post).
      deps.log.error({ err: { message: safeErrorMessage(err) }, count: batch.length }, 'could not record send outcomes');
    }
  }

  async function flushLane(): Promise<void> {
    while (!stopped || inflight.size > 0 || outcomes.length > 0) {
      await sleep(outcomes.length >= 200 ? 0 : FLUSH_EVERY_MS);
      await flush();
      if (stopped && inflight.size > 0) await Promise.allSettled([...inflight]);
    }
    await flush();
  }

  async function houseLane(): Promise<void> {
    let ticks = 0;
    while (!stopped) {
      try {
        const now = deps.clock.now();
        await startDueBroadcasts(deps.db, now, deps.log);
        await settleExpiredRows(deps.db, now, { upSince });
        await superviseBroadcasts(deps.db, now, deps.log, { checkHealth: ticks % 5 === 0 });
        await refreshActive();
      } catch (err) {
        deps.log.warn({ err: { message: safeErrorMessage(err) } }, 'broadcast housekeeping failed; retrying');
      }
      ticks++;
      await sleep(houseKeepingMs);
    }
  }

  const lanes = (async () => {
    await refreshActive().catch((err: unknown) => deps.log.warn({ err: { message: safeErrorMessage(err) } }, 'could not load active broadcasts'));
    await Promise.all([claimLane(), dispatchLane(), flushLane(), houseLane()]);
    // Sends that missed their slot while stopping were never posted.
    await returnUnsent(deps.db, [...late.splice(0), ...unsent.splice(0)]).catch(() => undefined);
    deps.log.info({ sent: counters.sent, failed: counters.failed, rebooked: counters.rebooked, returned: counters.returned, peak_1s_posted: posted.peak() }, 'broadcast dispatcher stopped');
  })();

  return {
    async stop() {
      stopped = true;
      await lanes;
    },
    stats: () => ({ ...counters, inFlight: inflight.size, queued: queue.length, peak1sPosted: posted.peak() }),
  };
}
