import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { SimClock, TimerHandle } from './clock.js';
import type { Rng } from './random.js';
import type { DeliveryRecord, SimKnobs } from './types.js';
import { buildEnvelope, type SimEvent } from './webhook-events.js';
import { signSha1, signSha256, toMetaJson } from './wire.js';
import { Fifo, postOnce } from './webhook-transport.js';

/** What the dispatcher needs from the simulator. */
export interface DispatcherDeps {
  clock: SimClock;
  rng: Rng;
  knobs(): SimKnobs;
  appSecret(): string;
  logLimit: number;
}

interface QueueItem {
  record: DeliveryRecord;
  bytes: Buffer;
  sha1: string;
  /** Simulated ms spent waiting between attempts (the horizon is measured in simulated time). */
  waitedMs: number;
}

/**
 * The outgoing webhook queue (in memory: this is a simulator). Events become signed POSTs;
 * failures are retried with exponential backoff on the simulated clock, always with the
 * identical bytes and signature, until the horizon passes (Meta: up to 7 days).
 */
export class WebhookDispatcher {
  private readonly records: DeliveryRecord[] = [];
  private readonly queue = new Fifo<QueueItem>();
  private ready: SimEvent[] = [];
  private readonly held = new Map<string, { event: SimEvent; timer: TimerHandle }>();
  private readonly timers = new Set<TimerHandle>();
  private readonly controllers = new Set<AbortController>();
  private readonly idleWaiters: (() => void)[] = [];
  // node:http with keep-alive: about twice the rate of fetch for many small POSTs.
  private readonly agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 256 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 256 }) };
  private flushTimer: TimerHandle | undefined;
  private trimAt: number;
  private inFlight = 0;
  private nextId = 1;
  private closed = false;

  constructor(private readonly deps: DispatcherDeps) {
    this.trimAt = deps.logLimit * 1.1;
  }

  /** Schedules an event `delayMs` simulated ms from now. */
  emit(event: SimEvent, delayMs = 0): void {
    if (this.closed) return;
    if (delayMs <= 0) return this.onDue(event);
    this.later(delayMs, () => this.onDue(event));
  }

  /** The delivery log, oldest first. */
  log(): DeliveryRecord[] {
    return [...this.records];
  }

  /** Work not finished yet (scheduled retries, queued or in-flight POSTs, held or unbatched events). */
  backlog(): number {
    return this.queue.length + this.inFlight + this.ready.length + this.held.size + this.records.filter((r) => r.state === 'retrying').length;
  }

  /** Resolves once nothing is queued, in flight or waiting to be batched (future timers excepted). */
  idle(): Promise<void> {
    if (this.queue.length + this.inFlight + this.ready.length === 0 && !this.flushTimer) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops timers and aborts in-flight POSTs. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) this.deps.clock.clearTimer(t);
    for (const h of this.held.values()) this.deps.clock.clearTimer(h.timer);
    if (this.flushTimer) this.deps.clock.clearTimer(this.flushTimer);
    this.flushTimer = undefined;
    for (const c of this.controllers) c.abort();
    this.agents.http.destroy();
    this.agents.https.destroy();
    this.timers.clear();
    this.held.clear();
    this.notifyIdle(true);
  }

  private later(delayMs: number, fn: () => void): TimerHandle {
    const handle: TimerHandle = this.deps.clock.setTimer(() => {
      this.timers.delete(handle);
      fn();
    }, delayMs);
    this.timers.add(handle);
    return handle;
  }

  // Why: Meta gives no ordering guarantee; with the out-of-order knob an event waits until the
  // next event for the same message/user has gone out (read before delivered, and so on).
  private onDue(event: SimEvent): void {
    const chaos = this.deps.knobs().chaos;
    const held = this.held.get(event.orderKey);
    if (held) {
      this.deps.clock.clearTimer(held.timer);
      this.held.delete(event.orderKey);
      this.push(event);
      this.push(held.event);
      return;
    }
    if (this.deps.rng.chance(chaos.outOfOrderRate)) {
      const timer = this.deps.clock.setTimer(() => {
        this.held.delete(event.orderKey);
        this.push(event);
      }, chaos.outOfOrderMaxHoldMs);
      this.held.set(event.orderKey, { event, timer });
      return;
    }
    this.push(event);
  }

  private push(event: SimEvent): void {
    this.ready.push(event);
    if (!this.flushTimer) {
      this.flushTimer = this.deps.clock.setTimer(() => {
        this.flushTimer = undefined;
        this.flush();
      }, this.deps.knobs().chaos.batchWindowMs);
    }
  }

  private flush(): void {
    const chaos = this.deps.knobs().chaos;
    const ready = this.ready;
    this.ready = [];
    const taken = new Uint8Array(ready.length);
    for (let i = 0; i < ready.length; i++) {
      if (taken[i]) continue;
      const first = ready[i]!;
      const batch = [first];
      if (this.deps.rng.chance(chaos.batchRate)) {
        for (let j = i + 1; j < ready.length && batch.length < chaos.batchMax; j++) {
          if (!taken[j] && ready[j]!.url === first.url) {
            taken[j] = 1;
            batch.push(ready[j]!);
          }
        }
      }
      const item = this.createDelivery(batch);
      if (!item) continue;
      this.enqueue(item);
      if (this.deps.rng.chance(chaos.duplicateRate)) this.enqueue(this.copy(item));
    }
    this.pump();
  }

  private createDelivery(events: SimEvent[]): QueueItem | undefined {
    const knobs = this.deps.knobs();
    const body = toMetaJson(buildEnvelope(events, Math.floor(this.deps.clock.now() / 1000)), knobs.webhooks.escapeStyle);
    const bytes = Buffer.from(body, 'utf8');
    const secret = this.deps.appSecret();
    const url = events[0]!.url;
    const record: DeliveryRecord = {
      id: this.nextId++,
      ...(url ? { url } : {}),
      events: events.map((e) => e.label),
      body,
      signature: signSha256(bytes, secret),
      state: url ? 'pending' : 'no_url',
      attempts: [],
      createdAt: this.deps.clock.now(),
    };
    this.remember(record);
    return url ? { record, bytes, sha1: signSha1(bytes, secret), waitedMs: 0 } : undefined;
  }

  // Duplicates are separate POSTs of the very same bytes and signature.
  private copy(item: QueueItem): QueueItem {
    const record: DeliveryRecord = { ...item.record, id: this.nextId++, duplicateOf: item.record.id, attempts: [], state: 'pending' };
    this.remember(record);
    return { ...item, record, waitedMs: 0 };
  }

  private remember(record: DeliveryRecord): void {
    this.records.push(record);
    // Trim in one pass every 10 % of growth (amortised O(1)); unfinished deliveries always stay.
    if (this.records.length > this.trimAt) {
      const cut = this.records.length - this.deps.logLimit;
      const kept = this.records.filter((r, i) => i >= cut || r.state === 'pending' || r.state === 'retrying');
      this.records.length = 0;
      for (const r of kept) this.records.push(r);
      this.trimAt = Math.max(this.deps.logLimit, kept.length) * 1.1;
    }
  }

  private enqueue(item: QueueItem): void {
    this.queue.push(item);
  }

  private pump(): void {
    const max = this.deps.knobs().webhooks.concurrency;
    while (!this.closed && this.inFlight < max && this.queue.length > 0) {
      const item = this.queue.shift()!;
      this.inFlight++;
      void this.attempt(item).finally(() => {
        this.inFlight--;
        this.pump();
        this.notifyIdle();
      });
    }
    this.notifyIdle();
  }

  private async attempt(item: QueueItem): Promise<void> {
    const { record } = item;
    const cfg = this.deps.knobs().webhooks;
    const controller = new AbortController();
    this.controllers.add(controller);
    const timeout = setTimeout(() => controller.abort(new Error('timeout')), cfg.timeoutMs);
    const started = Date.now();
    const at = this.deps.clock.now();
    let status: number | undefined;
    let error: string | undefined;
    try {
      status = await postOnce(record.url!, item.bytes, { 'x-hub-signature-256': record.signature, 'x-hub-signature': item.sha1 }, controller.signal, this.agents);
    } catch (err) {
      error = controller.signal.aborted ? 'timeout' : err instanceof Error ? err.message || 'network error' : 'network error';
    } finally {
      clearTimeout(timeout);
      this.controllers.delete(controller);
    }
    if (this.closed) return;
    record.attempts.push({ at, durationMs: Date.now() - started, ...(status === undefined ? {} : { status }), ...(error ? { error } : {}) });
    if (status !== undefined && status >= 200 && status < 300) {
      record.state = 'delivered';
      return;
    }
    const delay = Math.min(cfg.retryMaxDelayMs, cfg.retryBaseMs * cfg.retryFactor ** (record.attempts.length - 1));
    if (item.waitedMs + delay > cfg.horizonMs) {
      record.state = 'expired';
      return;
    }
    item.waitedMs += delay;
    record.state = 'retrying';
    this.later(delay, () => {
      record.state = 'pending';
      this.enqueue(item);
      this.pump();
    });
  }

  private notifyIdle(force = false): void {
    if (!force && (this.queue.length + this.inFlight + this.ready.length > 0 || this.flushTimer)) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}

