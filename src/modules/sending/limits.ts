// The messaging limit as a rule every sender applies: how many unique people a business may reach
// outside a customer service window per moving 24 h (Meta's tiers; per business portfolio).

/** The unique-recipient limit of a messaging tier per moving 24 h (null: unlimited or unknown). */
export function tierLimitOf(tier: string): number | null {
  const m = /^TIER_(\d+)(K?)$/.exec(tier);
  if (!m) return null;
  return Number(m[1]) * (m[2] ? 1000 : 1);
}
