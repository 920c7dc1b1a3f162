// The workspace's rate card: what one message costs per recipient country and pricing category.
// Owned here because it is a workspace setting (`settings.rate_card`); broadcast estimates and the
// cost report both price with it.

/** A per-country, per-category price list (price per delivered message). */
export interface RateCard {
  currency: string;
  rates: Record<string, Partial<Record<'marketing' | 'utility' | 'authentication', number>>>;
}

/**
 * Indicative prices per delivered template (USD, Meta's 2025 list, rounded). Workspaces replace
 * or extend it in settings `rate_card`; `*` is the fallback for other countries.
 */
export const DEFAULT_RATE_CARD: RateCard = {
  currency: 'USD',
  rates: {
    '*': { marketing: 0.0604, utility: 0.0077, authentication: 0.0077 },
    NG: { marketing: 0.0516, utility: 0.0067, authentication: 0.0067 },
    KE: { marketing: 0.0198, utility: 0.004, authentication: 0.004 },
    ZA: { marketing: 0.0379, utility: 0.0076, authentication: 0.0076 },
    IN: { marketing: 0.0107, utility: 0.0014, authentication: 0.0014 },
    BR: { marketing: 0.0625, utility: 0.0068, authentication: 0.0068 },
    MX: { marketing: 0.0305, utility: 0.0085, authentication: 0.0085 },
    US: { marketing: 0.025, utility: 0.004, authentication: 0.0135 },
    GB: { marketing: 0.0529, utility: 0.022, authentication: 0.0358 },
    DE: { marketing: 0.1365, utility: 0.055, authentication: 0.0768 },
    ID: { marketing: 0.0411, utility: 0.025, authentication: 0.03 },
  },
};

/**
 * The card's price of one message to `country` in a pricing `category` as Meta names them
 * (`marketing_lite` is priced as marketing, `authentication_international` as authentication;
 * service and free entry-point messages cost nothing); `*` stands for countries not on the card.
 */
export function rateOf(card: RateCard, country: string, category: string): number {
  const c = category.toLowerCase();
  const base = c.startsWith('marketing') ? 'marketing' : c.startsWith('authentication') ? 'authentication' : c === 'utility' ? 'utility' : null;
  if (!base) return 0;
  return card.rates[country]?.[base] ?? card.rates['*']?.[base] ?? 0;
}

/** The workspace's own rate card, else the indicative list; `own` says which. */
export function rateCardOf(settings: Record<string, unknown>): { card: RateCard; own: boolean } {
  const own = settings.rate_card as RateCard | null | undefined;
  return own ? { card: own, own: true } : { card: DEFAULT_RATE_CARD, own: false };
}
