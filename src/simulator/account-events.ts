import { messagingLimitOf, pairKey, webhookUrlFor, type NumberState, type SimContext } from './context.js';
import type { TemplateRecord } from './templates.js';
import type { MessagingLimitTier, QualityRating } from './types.js';
import { accountEvent, userPreferencesEvent } from './webhook-events.js';
import { isBsuid } from './normalize.js';
import { userProfile } from './population.js';

const nowSec = (ctx: SimContext) => Math.floor(ctx.clock.now() / 1000);

function wabaUrl(ctx: SimContext, wabaId: string): string | undefined {
  const n = [...ctx.numbers.values()].find((s) => s.config.wabaId === wabaId);
  return webhookUrlFor(ctx, n?.config);
}

/** Emits `message_template_status_update` for a template. */
export function emitTemplateStatus(ctx: SimContext, t: TemplateRecord, event: string, reason: string, extra: Record<string, unknown> = {}): void {
  const value = {
    event,
    // Meta sends the template id as a JSON number here (and as a string elsewhere).
    message_template_id: Number(t.id),
    message_template_name: t.name,
    message_template_language: t.language,
    reason,
    message_template_category: t.category,
    ...extra,
  };
  ctx.webhooks.emit(accountEvent('message_template_status_update', t.wabaId, value, event, wabaUrl(ctx, t.wabaId)));
}

/** Emits `message_template_quality_update` for a template. */
export function emitTemplateQuality(ctx: SimContext, t: TemplateRecord, previous: QualityRating): void {
  const value = {
    previous_quality_score: previous,
    new_quality_score: t.qualityScore,
    message_template_id: Number(t.id),
    message_template_name: t.name,
    message_template_language: t.language,
  };
  ctx.webhooks.emit(accountEvent('message_template_quality_update', t.wabaId, value, t.qualityScore, wabaUrl(ctx, t.wabaId)));
}

/** Phone-number quality events Meta sends. */
export type PhoneQualityEvent = 'FLAGGED' | 'UNFLAGGED' | 'DOWNGRADE' | 'UPGRADE' | 'THROUGHPUT_UPGRADE' | 'ONBOARDING';

/** Applies and emits `phone_number_quality_update` (limit tier, quality, throughput changes). */
export function applyPhoneQuality(ctx: SimContext, n: NumberState, event: PhoneQualityEvent, tier?: MessagingLimitTier, quality?: QualityRating): void {
  const old = n.config.messagingLimitTier;
  if (tier) n.config.messagingLimitTier = tier;
  if (quality) n.config.qualityRating = quality;
  if (event === 'FLAGGED' && !quality) n.config.qualityRating = 'RED';
  if (event === 'UNFLAGGED' && !quality) n.config.qualityRating = 'GREEN';
  if (event === 'THROUGHPUT_UPGRADE') {
    n.config.mps = Math.max(n.config.mps, 1000);
    n.bucket.reshape(n.config.mps, n.config.mps / 1000, ctx.clock.now());
  }
  const limit = messagingLimitOf(n.config);
  const value = {
    display_phone_number: n.config.displayNumber,
    event,
    current_limit: n.config.messagingLimitTier,
    ...(tier && tier !== old ? { old_limit: old } : {}),
    max_daily_conversations_per_business: Number.isFinite(limit) ? limit : 'TIER_UNLIMITED',
  };
  ctx.webhooks.emit(accountEvent('phone_number_quality_update', n.config.wabaId, value, event, webhookUrlFor(ctx, n.config)));
}

/** The profile name a user shows (control-plane override, else the population's). */
export function displayName(ctx: SimContext, waId: string): string {
  return ctx.names.get(waId) ?? userProfile(ctx.seed, waId, ctx.knobs.population).name;
}

/**
 * Records a marketing stop/resume and emits `user_preferences`. Why: after "stop", Meta itself
 * fails marketing templates to the user with 131050; utility and authentication still deliver.
 */
export function setUserPreference(ctx: SimContext, n: NumberState, waId: string, value: 'stop' | 'resume', delayMs = 0): void {
  const key = `${n.config.wabaId}|${waId}`;
  if (value === 'stop') ctx.stops.add(key);
  else ctx.stops.delete(key);
  const contact = { profile: { name: displayName(ctx, waId) }, ...(isBsuid(waId) ? { user_id: waId } : { wa_id: waId }) };
  ctx.webhooks.emit(userPreferencesEvent(n.config, contact, value, nowSec(ctx), webhookUrlFor(ctx, n.config)), delayMs);
}

/** True if the user stopped marketing messages from this number's business. */
export function hasStoppedMarketing(ctx: SimContext, n: NumberState, waId: string): boolean {
  return ctx.stops.has(`${n.config.wabaId}|${waId}`);
}

/** Moves per-user state to a new wa_id (system `user_changed_number`). */
export function migrateUser(ctx: SimContext, n: NumberState, from: string, to: string): void {
  const w = ctx.windows.get(pairKey(n.config.phoneNumberId, from));
  if (w) {
    ctx.windows.delete(pairKey(n.config.phoneNumberId, from));
    ctx.windows.set(pairKey(n.config.phoneNumberId, to), { ...w, waId: to });
  }
  if (ctx.stops.delete(`${n.config.wabaId}|${from}`)) ctx.stops.add(`${n.config.wabaId}|${to}`);
  const name = ctx.names.get(from);
  if (name) ctx.names.set(to, name);
}
