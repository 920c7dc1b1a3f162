/** Messages per second a number may send (Meta: 80 default, 1,000 upgraded, 20 for coexistence numbers). */
export const THROUGHPUT_TIERS = [20, 80, 1000] as const;
export type ThroughputTier = (typeof THROUGHPUT_TIERS)[number];

/** Business-initiated unique recipients per moving 24 h. */
export const MESSAGING_LIMIT_TIERS = ['TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED'] as const;
export type MessagingLimitTier = (typeof MESSAGING_LIMIT_TIERS)[number];

/** Phone number quality as Meta rates it. */
export const QUALITY_RATINGS = ['GREEN', 'YELLOW', 'RED', 'UNKNOWN'] as const;
export type QualityRating = (typeof QUALITY_RATINGS)[number];

/** Unique recipients allowed per 24 h for a tier (Infinity for unlimited). */
export function messagingLimitOf(tier: MessagingLimitTier): number {
  return { TIER_250: 250, TIER_2K: 2000, TIER_10K: 10_000, TIER_100K: 100_000, TIER_UNLIMITED: Infinity }[tier];
}

/** Maps Meta's tier names (legacy `TIER_1K`, `TIER_50`, numbers) onto ours; undefined when unknown. */
export function normaliseLimitTier(value: string | number | undefined): MessagingLimitTier | undefined {
  if (value === undefined) return undefined;
  const v = String(value).toUpperCase();
  if (v === 'TIER_UNLIMITED' || v === 'UNLIMITED') return 'TIER_UNLIMITED';
  if (v === 'TIER_50' || v === 'TIER_250' || v === '250' || v === '50') return 'TIER_250';
  if (v === 'TIER_1K' || v === 'TIER_2K' || v === '1000' || v === '2000') return 'TIER_2K';
  if (v === 'TIER_10K' || v === '10000') return 'TIER_10K';
  if (v === 'TIER_100K' || v === '100000') return 'TIER_100K';
  return undefined;
}

/** Meta's throughput level names → messages per second. */
export function throughputOfLevel(level: string | undefined): ThroughputTier | undefined {
  if (level === 'STANDARD') return 80;
  if (level === 'HIGH') return 1000;
  if (level === 'COEXISTENCE' || level === 'NOT_APPLICABLE') return 20;
  return undefined;
}

/**
 * The quality a `phone_number_quality_update` event implies. Why: Meta flags a number whose
 * quality fell to low (FLAGGED) and unflags it once it recovers; broadcasts auto-pause on the
 * stored rating, so the webhook must move it, not only a manual refresh.
 */
export function qualityOfEvent(event: string): QualityRating | undefined {
  if (event === 'FLAGGED') return 'RED';
  if (event === 'UNFLAGGED') return 'YELLOW';
  return undefined;
}
