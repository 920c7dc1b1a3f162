import type { SimClock, TimerHandle } from './clock.js';
import { TIER_LIMITS } from './config.js';
import { MarketingCap, MovingUniqueSet, PairRateLimiter, throughputBucket, type TokenBucket } from './limits.js';
import { MediaStore } from './media.js';
import type { QrCodeRecord } from './qr-routes.js';
import { createIdFactory, createRng, type IdFactory, type Rng } from './random.js';
import { SentLog, SimStats, type InboundRecord } from './state.js';
import { TemplateStore, type TemplateHooks } from './template-store.js';
import type { PhoneNumberConfig, SimKnobs } from './types.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';

/** Live state of one business number. */
export interface NumberState {
  config: PhoneNumberConfig;
  bucket: TokenBucket;
  /** Business-initiated recipients (messaging limit). */
  initiated: MovingUniqueSet;
}

/** The customer-service window of one (number, user). */
export interface WindowState {
  phoneNumberId: string;
  waId: string;
  lastInboundAt: number;
  /** Free entry point (Click-to-WhatsApp referral): everything free until then. */
  entryPointUntil?: number;
}

/** Settings that are not behaviour knobs. */
export interface SimSettings {
  appSecret: string;
  verifyToken: string;
  webhookUrl?: string;
}

/** Everything the simulator's parts share; one per simulator instance (never shared with the app). */
export interface SimContext {
  seed: string;
  clock: SimClock;
  ids: IdFactory;
  /** Seeded stream for fault dice and chaos. */
  rng: Rng;
  knobs: SimKnobs;
  settings: SimSettings;
  numbers: Map<string, NumberState>;
  pairs: PairRateLimiter;
  windows: Map<string, WindowState>;
  /** `${wabaId}|${waId}` of users who stopped marketing messages. */
  stops: Set<string>;
  marketingCap: MarketingCap;
  sent: SentLog;
  inbound: Map<string, InboundRecord>;
  /** Messages each user received so far (keys per-message behaviour decisions). */
  userMessageCount: Map<string, number>;
  /** Profile names given through the control plane. */
  names: Map<string, string>;
  stats: SimStats;
  templates: TemplateStore;
  media: MediaStore;
  /** Click-to-chat QR codes by code (`message_qrdls`). */
  qrCodes: Map<string, QrCodeRecord>;
  webhooks: WebhookDispatcher;
  /** Runs `fn` after `delayMs` simulated ms; cancelled by `cancelAll`. */
  schedule(delayMs: number, fn: () => void): void;
  cancelAll(): void;
}

/** Key of the per-(number, user) maps. */
export const pairKey = (phoneNumberId: string, waId: string) => `${phoneNumberId}|${waId}`;

/** A number's live state from its config. */
export function numberState(config: PhoneNumberConfig, now: number): NumberState {
  return { config, bucket: throughputBucket(config.mps, now), initiated: new MovingUniqueSet() };
}

/** The messaging limit in force for a number. */
export function messagingLimitOf(n: PhoneNumberConfig): number {
  return n.messagingLimit ?? TIER_LIMITS[n.messagingLimitTier];
}

/**
 * True while the 24 h customer-service window is open. Why: it runs from the user's last
 * inbound message only; business messages never extend it.
 */
export function isWindowOpen(ctx: SimContext, phoneNumberId: string, waId: string): boolean {
  const w = ctx.windows.get(pairKey(phoneNumberId, waId));
  return !!w && ctx.clock.now() - w.lastInboundAt < ctx.knobs.window.lengthMs;
}

/** The webhook URL for events of a number (override first, then the global one). */
export function webhookUrlFor(ctx: SimContext, n?: PhoneNumberConfig): string | undefined {
  return n?.webhookUrl ?? ctx.settings.webhookUrl;
}

/** Inputs to build a context. */
export interface ContextInit {
  seed: string;
  clock: SimClock;
  knobs: SimKnobs;
  settings: SimSettings;
  numbers: PhoneNumberConfig[];
  sentLogLimit: number;
  deliveryLogLimit: number;
  templateHooks: (ctx: SimContext) => Pick<TemplateHooks, 'onStatus' | 'onQuality'>;
}

/** Wires a fresh context. */
export function createContext(init: ContextInit): SimContext {
  const ids = createIdFactory(init.seed);
  const timers = new Set<TimerHandle>();
  const now = init.clock.now();
  const ctx = {
    seed: init.seed,
    clock: init.clock,
    ids,
    rng: createRng(`${init.seed}:chaos`),
    knobs: init.knobs,
    settings: init.settings,
    numbers: new Map(init.numbers.map((n) => [n.phoneNumberId, numberState(n, now)])),
    pairs: new PairRateLimiter(init.knobs.pairRate.intervalMs, init.knobs.pairRate.burst),
    windows: new Map(),
    stops: new Set(),
    marketingCap: new MarketingCap(),
    sent: new SentLog(init.sentLogLimit),
    inbound: new Map(),
    userMessageCount: new Map(),
    names: new Map(),
    stats: new SimStats(),
    media: new MediaStore(`${init.seed}:media-url-key`, () => ids.objectId()),
    qrCodes: new Map(),
    schedule(delayMs: number, fn: () => void) {
      const handle: TimerHandle = init.clock.setTimer(() => {
        timers.delete(handle);
        fn();
      }, delayMs);
      timers.add(handle);
    },
    cancelAll() {
      for (const t of timers) init.clock.clearTimer(t);
      timers.clear();
    },
  } as Omit<SimContext, 'templates' | 'webhooks'> as SimContext; // the two parts below need ctx itself
  ctx.webhooks = new WebhookDispatcher({
    clock: init.clock,
    rng: createRng(`${init.seed}:webhooks`),
    knobs: () => ctx.knobs,
    appSecret: () => ctx.settings.appSecret,
    logLimit: init.deliveryLogLimit,
  });
  const hooks = init.templateHooks(ctx);
  ctx.templates = new TemplateStore({
    now: () => ctx.clock.now(),
    newId: () => ids.objectId(),
    schedule: (ms, fn) => ctx.schedule(ms, fn),
    knobs: () => ctx.knobs,
    ...hooks,
  });
  return ctx;
}
