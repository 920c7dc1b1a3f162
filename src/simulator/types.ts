import type { EscapeStyle } from './wire.js';

/** Legacy per-number messaging-limit tiers (unique business-initiated recipients per moving 24 h). */
export type MessagingLimitTier = 'TIER_50' | 'TIER_250' | 'TIER_1K' | 'TIER_2K' | 'TIER_10K' | 'TIER_100K' | 'TIER_UNLIMITED';
/** Phone-number and template quality. */
export type QualityRating = 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
/** Template categories (uppercase, as in template management). */
export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
/** Template lifecycle states; only APPROVED can be sent. */
export type TemplateStatus = 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED' | 'FLAGGED' | 'IN_APPEAL' | 'PENDING_DELETION' | 'DELETED' | 'ARCHIVED' | 'LIMIT_EXCEEDED' | 'LOCKED';
/** `pricing.category` on status webhooks. */
export type PricingCategory = 'marketing' | 'utility' | 'authentication' | 'service' | 'referral_conversion';
/** `pricing.type` on status webhooks (per-message pricing). */
export type PricingType = 'regular' | 'free_customer_service' | 'free_entry_point';
/** Status webhook values (`played`: first play of a voice note). */
export type StatusName = 'sent' | 'delivered' | 'read' | 'played' | 'failed';
/** Where a sent message stands in the simulator. */
export type SentState = 'accepted' | 'held' | StatusName;

/** One business phone number the simulator serves. */
export interface PhoneNumberConfig {
  phoneNumberId: string;
  wabaId: string;
  /** Digits as Meta shows them, e.g. "15550783881". */
  displayNumber: string;
  verifiedName: string;
  /** The bearer token that may act on this number (and its WABA). */
  accessToken: string;
  /** Throughput (messages per second): 80 default, 20 coexistence, 1,000 upgraded. */
  mps: number;
  messagingLimitTier: MessagingLimitTier;
  /** Overrides the tier's number (tests use tiny limits). */
  messagingLimit?: number;
  qualityRating: QualityRating;
  /** Test-number mode: only these recipients (wa_id digits) may be messaged, others → 131030. */
  allowedRecipients?: string[];
  /** Per-number webhook URL override (Meta's override_callback_uri). */
  webhookUrl?: string;
}

/** Which endpoints a fault rule applies to. */
export type FaultEndpoint = 'messages' | 'media' | 'templates' | 'phone_number' | 'any';

/** A fault-injection rule; the first active, matching rule whose dice roll hits wins. */
export interface FaultRule {
  /** Graph error code (131000, 131016, 4, 80007, 368, 190, 131057, 131048, 130429…). */
  code?: number;
  /** 'sync' (default): the HTTP call fails. 'async': 200 + wamid, then a failed status. */
  mode?: 'sync' | 'async';
  /** Accept and process the message, then answer with the error (the ambiguous 5xx). */
  acceptFirst?: boolean;
  /** Accept the message and lose the answer: 'hang' holds the socket `hangMs`, 'reset' drops it. */
  hang?: 'hang' | 'reset';
  /** Real ms to hold a hung request before dropping it (default 60 s; not time-scaled, like a network). */
  hangMs?: number;
  /** Default 'messages'. */
  endpoint?: FaultEndpoint;
  phoneNumberId?: string;
  /** Only sends to this wa_id. */
  to?: string;
  /** Chance per matching request (default 1). */
  probability?: number;
  /** Uses left; absent means unlimited. */
  remaining?: number;
  /** Active for this many simulated ms after being configured. */
  durationMs?: number;
  /** Epoch ms when the rule stops (computed from durationMs). */
  activeUntil?: number;
}

/** A wa_id rewrite: `pattern` (regex source, matched against digits) → `replace`. */
export interface WaIdRule {
  name: string;
  pattern: string;
  replace: string;
}

/** Behaviour knobs, changeable at run time through `configure()` or `POST /_sim/config`. */
export interface SimKnobs {
  /** Simulated ms from acceptance to each status; each delay gets ±jitter (fraction). */
  statusDelays: { sentMs: number; deliveredMs: number; readMs: number; jitter: number };
  population: {
    notOnWhatsappRate: number;
    /** wa_ids starting with one of these are never on WhatsApp (→ 131026). */
    notOnWhatsappPrefixes: string[];
    notOnWhatsappNumbers: string[];
    /** Phone off: stays at `sent`. */
    offlineRate: number;
    /** Read receipts disabled: stops at `delivered`. */
    readReceiptsOffRate: number;
    readRate: number;
    /** Read while looking at the chat: `read` without a `delivered` webhook. */
    skipDeliveredRate: number;
    replyRate: number;
    tapButtonRate: number;
    /** Types "STOP" after reading. */
    stopRate: number;
    /** Uses WhatsApp's own "stop marketing" (user_preferences) after a marketing message. */
    preferenceStopRate: number;
    /** Simulated ms between reading and acting (±50 %). */
    actionDelayMs: number;
  };
  window: { enforce: boolean; mode: 'async' | 'sync'; lengthMs: number };
  pairRate: { enforce: boolean; intervalMs: number; burst: number };
  throughput: { enforce: boolean };
  messagingLimit: { enforce: boolean };
  /** Per-user marketing cap (0 = off) over `windowMs`, lifted by a reply; optional US (+1) marketing block. */
  marketingCap: { perUser: number; windowMs: number; blockUs: boolean };
  /** Template pacing: after `releaseAfter` sends of a new marketing template, hold the rest. */
  pacing: { enabled: boolean; releaseAfter: number; assessAfterMs: number; outcome: 'release' | 'pause' };
  templateReview: { delayMs: number; outcome: 'auto' | 'approve' | 'reject' };
  webhooks: {
    retryBaseMs: number;
    retryFactor: number;
    retryMaxDelayMs: number;
    /** Give up after this much simulated time (Meta: up to 7 days). */
    horizonMs: number;
    /** Real ms to wait for the receiver's answer. */
    timeoutMs: number;
    concurrency: number;
    includeConversation: boolean;
    escapeStyle: EscapeStyle;
  };
  chaos: {
    duplicateRate: number;
    /** Chance an event is held back until the next event for the same message/user has gone. */
    outOfOrderRate: number;
    outOfOrderMaxHoldMs: number;
    /** Chance a POST carries every event that is ready (up to batchMax). */
    batchRate: number;
    batchMax: number;
    /** Simulated ms events wait to be batched. */
    batchWindowMs: number;
    /** Multi-device race: a `delivered` after a `failed`. */
    deliveredAfterFailedRate: number;
  };
  media: { badLinkSubstrings: string[]; urlTtlMs: number };
  faults: FaultRule[];
  waIdRules: WaIdRule[];
}

/** Recursive partial used for knob patches. */
export type DeepPartial<T> = T extends (infer U)[] ? U[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** A message the business sent, as the control plane reports it. */
export interface SentMessage {
  seq: number;
  wamid: string;
  phoneNumberId: string;
  /** `to` exactly as sent (or the `recipient` BSUID). */
  to: string;
  /** The user's key: wa_id, or the BSUID of a send by `recipient`. */
  waId: string;
  /** Set for sends by `recipient` (BSUID): statuses then carry `recipient_user_id`, not `recipient_id`. */
  userId?: string;
  type: string;
  category: PricingCategory;
  template?: { name: string; language: string; category: TemplateCategory };
  callbackData?: string;
  acceptedAt: number;
  messageStatus?: 'accepted' | 'held_for_quality_assessment';
  state: SentState;
  errorCode?: number;
  statuses: { status: StatusName; at: number }[];
  /** The request body as received. */
  request: Record<string, unknown>;
}

/** One attempt to deliver a webhook POST. */
export interface DeliveryAttempt {
  at: number;
  status?: number;
  error?: string;
  durationMs: number;
}

/** A webhook POST and its attempts (the delivery log). */
export interface DeliveryRecord {
  id: number;
  url?: string;
  /** Field and kind of each event carried, e.g. "messages:status:delivered". */
  events: string[];
  body: string;
  signature: string;
  duplicateOf?: number;
  state: 'pending' | 'delivered' | 'retrying' | 'expired' | 'no_url';
  attempts: DeliveryAttempt[];
  createdAt: number;
}
