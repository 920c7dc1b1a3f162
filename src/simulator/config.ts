import type { DeepPartial, MessagingLimitTier, PhoneNumberConfig, SimKnobs } from './types.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Knob defaults: published Meta limits are enforced; unpublished/adaptive ones are opt-in. */
export function defaultKnobs(): SimKnobs {
  return {
    statusDelays: { sentMs: 300, deliveredMs: 1_500, readMs: 6_000, jitter: 0.3 },
    population: {
      notOnWhatsappRate: 0.02,
      // +44 7700 9009xx sits in Ofcom's drama range: valid-looking, never a real WhatsApp user.
      notOnWhatsappPrefixes: ['4477009009'],
      notOnWhatsappNumbers: [],
      offlineRate: 0.02,
      readReceiptsOffRate: 0.1,
      readRate: 0.7,
      skipDeliveredRate: 0.05,
      replyRate: 0.08,
      tapButtonRate: 0.1,
      stopRate: 0.01,
      preferenceStopRate: 0.005,
      actionDelayMs: 20_000,
    },
    window: { enforce: true, mode: 'async', lengthMs: DAY },
    pairRate: { enforce: true, intervalMs: 6_000, burst: 45 },
    throughput: { enforce: true },
    messagingLimit: { enforce: true },
    marketingCap: { perUser: 0, windowMs: DAY, blockUs: false },
    pacing: { enabled: false, releaseAfter: 50, assessAfterMs: 10 * 60_000, outcome: 'release' },
    templateReview: { delayMs: 5_000, outcome: 'auto' },
    webhooks: {
      retryBaseMs: 2_000,
      retryFactor: 2,
      retryMaxDelayMs: HOUR,
      horizonMs: 7 * DAY,
      timeoutMs: 10_000,
      concurrency: 32,
      includeConversation: false,
      escapeStyle: 'meta',
    },
    chaos: { duplicateRate: 0, outOfOrderRate: 0, outOfOrderMaxHoldMs: 2_000, batchRate: 0, batchMax: 10, batchWindowMs: 0, deliveredAfterFailedRate: 0 },
    media: { badLinkSubstrings: ['/broken/'], urlTtlMs: 5 * 60_000 },
    faults: [],
    waIdRules: [
      // Brazil: accounts registered before the mobile "9th digit" keep the old 12-digit wa_id.
      { name: 'BR 9th digit', pattern: '^55(\\d{2})9(\\d{8})$', replace: '55$1$2' },
      // Mexico: WhatsApp ids of mobiles carry the legacy "1" after the country code.
      { name: 'MX 521', pattern: '^52(\\d{10})$', replace: '521$1' },
      // Argentina: mobiles are addressed with the "9" mobile prefix.
      { name: 'AR 549', pattern: '^54(\\d{10})$', replace: '549$1' },
    ],
  };
}

/**
 * A patch that makes traffic boring and predictable: everyone is on WhatsApp, online, reads
 * with receipts on, never replies; no chaos. Handy for app tests that only want the loop.
 */
export const QUIET_KNOBS: DeepPartial<SimKnobs> = {
  population: {
    notOnWhatsappRate: 0,
    offlineRate: 0,
    readReceiptsOffRate: 0,
    readRate: 1,
    skipDeliveredRate: 0,
    replyRate: 0,
    tapButtonRate: 0,
    stopRate: 0,
    preferenceStopRate: 0,
  },
  statusDelays: { jitter: 0 },
};

/** The limit each tier stands for (unique business-initiated recipients per moving 24 h). */
export const TIER_LIMITS: Record<MessagingLimitTier, number> = {
  TIER_50: 50,
  TIER_250: 250,
  TIER_1K: 1_000,
  TIER_2K: 2_000,
  TIER_10K: 10_000,
  TIER_100K: 100_000,
  TIER_UNLIMITED: Number.POSITIVE_INFINITY,
};

/** The number used when no phone numbers are configured. */
export const DEFAULT_NUMBER: PhoneNumberConfig = {
  phoneNumberId: '106540352242922',
  wabaId: '102290129340398',
  displayNumber: '15550783881',
  verifiedName: 'Greenlist Sandbox',
  accessToken: 'sim-access-token',
  mps: 80,
  messagingLimitTier: 'TIER_UNLIMITED',
  qualityRating: 'GREEN',
};

/** Fills a partially specified phone number from the defaults. */
export function resolveNumber(input: Partial<PhoneNumberConfig> & { phoneNumberId: string }): PhoneNumberConfig {
  return { ...DEFAULT_NUMBER, ...stripUndefined(input) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep-merges a patch into knobs (arrays are replaced, not merged). */
export function mergeKnobs(base: SimKnobs, patch: DeepPartial<SimKnobs> | undefined): SimKnobs {
  if (!patch) return base;
  return mergeDeep(base, patch) as SimKnobs;
}

function mergeDeep(base: unknown, patch: unknown): unknown {
  if (!isObject(base) || !isObject(patch)) return patch === undefined ? base : patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) out[k] = mergeDeep(base[k], v);
  return out;
}
