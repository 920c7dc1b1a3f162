import { hasStoppedMarketing } from './account-events.js';
import { isWindowOpen, messagingLimitOf, pairKey, type NumberState, type SimContext } from './context.js';
import { userProfile } from './population.js';
import type { PricingCategory, PricingType, TemplateCategory } from './types.js';

/** The `pricing` object of status webhooks (per-message pricing). */
export interface Pricing {
  billable: boolean;
  pricing_model: 'PMP';
  type: PricingType;
  category: PricingCategory;
}

/** What is known about an accepted send when deciding its fate. */
export interface SendFacts {
  waId: string;
  type: string;
  templateCategory?: TemplateCategory;
  media?: { id?: string; link?: string };
  /** Reactions: the wamid reacted to. */
  reactionTo?: string;
  /** Code forced by an async fault rule. */
  forcedCode?: number;
}

/** How an accepted message ends: a failure code, or delivery with this pricing. */
export interface Fate {
  failCode?: number;
  failDetails?: string;
  pricing: Pricing;
}

const DAY = 24 * 3600_000;

/**
 * Pricing per Meta's per-message model: service replies and utility templates inside an open
 * window are free; a Click-to-WhatsApp entry point makes everything free for 72 h.
 */
export function pricingFor(ctx: SimContext, n: NumberState, facts: SendFacts): Pricing {
  const w = ctx.windows.get(pairKey(n.config.phoneNumberId, facts.waId));
  const open = isWindowOpen(ctx, n.config.phoneNumberId, facts.waId);
  let category: PricingCategory = facts.templateCategory ? (facts.templateCategory.toLowerCase() as PricingCategory) : 'service';
  let type: PricingType = 'regular';
  if (w?.entryPointUntil !== undefined && ctx.clock.now() < w.entryPointUntil) {
    type = 'free_entry_point';
    category = 'referral_conversion';
  } else if (category === 'service' || (category === 'utility' && open)) type = 'free_customer_service';
  return { billable: type === 'regular', pricing_model: 'PMP', type, category };
}

/**
 * Decides whether an accepted (HTTP 200) message fails later, and with which code. Why: the
 * Cloud API answers 200 before it knows; non-WhatsApp numbers (131026), closed windows
 * (131047), marketing stops (131050) and ecosystem limits (131049) arrive as failed statuses.
 */
export function decideFate(ctx: SimContext, n: NumberState, facts: SendFacts): Fate {
  const pricing = pricingFor(ctx, n, facts);
  const fail = (failCode: number, failDetails?: string): Fate => ({ failCode, pricing, ...(failDetails ? { failDetails } : {}) });
  const k = ctx.knobs;
  const now = ctx.clock.now();
  if (facts.forcedCode !== undefined) return fail(facts.forcedCode);
  if (!userProfile(ctx.seed, facts.waId, k.population).onWhatsapp) return fail(131026);
  if (facts.media?.id !== undefined && !ctx.media.get(facts.media.id, now)) return fail(131053, `Media id ${facts.media.id} was not found or has expired.`);
  if (facts.media?.link !== undefined && isBadLink(facts.media.link, k.media.badLinkSubstrings)) return fail(131053, `Unable to download media from ${facts.media.link}.`);
  if (facts.reactionTo !== undefined) {
    const problem = reactionTargetProblem(ctx, n, facts.waId, facts.reactionTo, now);
    if (problem) return fail(131009, problem);
  }
  const open = isWindowOpen(ctx, n.config.phoneNumberId, facts.waId);
  if (!facts.templateCategory) return k.window.enforce && !open ? fail(131047) : { pricing };
  const marketing = facts.templateCategory === 'MARKETING';
  if (marketing && hasStoppedMarketing(ctx, n, facts.waId)) return fail(131050);
  // Since 2025-04-01 Meta does not deliver marketing templates to US (+1) numbers.
  if (marketing && k.marketingCap.blockUs && facts.waId.startsWith('1')) return fail(131049, 'Marketing template messages to US phone numbers are not delivered.');
  if (marketing && !ctx.marketingCap.allows(facts.waId, now, k.marketingCap.perUser, k.marketingCap.windowMs)) return fail(131049);
  // Business-initiated = a template while the window is closed; counted once per user per moving 24 h.
  if (!open && k.messagingLimit.enforce) {
    const limit = messagingLimitOf(n.config);
    if (!n.initiated.has(facts.waId, now, DAY) && n.initiated.size(now, DAY) >= limit) return fail(131049, `Messaging limit reached (${limit} business-initiated users in 24 hours).`);
    n.initiated.add(facts.waId, now);
  }
  if (marketing && k.marketingCap.perUser > 0) ctx.marketingCap.record(facts.waId, now);
  return { pricing };
}

const REACTION_MAX_AGE_MS = 30 * DAY;

/**
 * Why a reaction cannot land, or undefined. Meta: the target must be a message this user sent
 * the business, at most 30 days old, and not itself a reaction; otherwise the reaction is not
 * delivered and a failed status with 131009 arrives (the send itself still answers 200).
 */
function reactionTargetProblem(ctx: SimContext, n: NumberState, waId: string, messageId: string, now: number): string | undefined {
  const target = ctx.inbound.get(messageId);
  if (!target || target.phoneNumberId !== n.config.phoneNumberId || target.from !== waId) return `reaction.message_id ${messageId} does not match any message this user sent to this number.`;
  if (target.type === 'reaction') return `reaction.message_id ${messageId} is itself a reaction; reactions cannot be reacted to.`;
  if (now - target.at > REACTION_MAX_AGE_MS) return `reaction.message_id ${messageId} is more than 30 days old.`;
  return undefined;
}

function isBadLink(link: string, substrings: readonly string[]): boolean {
  try {
    // ".invalid" is reserved (RFC 2606): such hosts never resolve, so their media never downloads.
    if (new URL(link).hostname.endsWith('.invalid')) return true;
  } catch {
    return true;
  }
  return substrings.some((s) => s !== '' && link.includes(s));
}
