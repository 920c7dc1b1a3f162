import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { applyPhoneQuality, setUserPreference } from './account-events.js';
import { configPatchSchema } from './config-schema.js';
import { applyConfigPatch, configView, SimControlError } from './configure.js';
import type { NumberState, SimContext } from './context.js';
import { verifyWebhookEndpoint } from './handshake.js';
import { deliverInbound, inboundSchema, pickNumber } from './inbound.js';
import { isBsuid, phoneDigits, toWaId } from './normalize.js';
import type { TemplateRecord } from './templates.js';
import { toCamelKeys } from './wire.js';

/** Validates a control-plane body, naming every bad field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown, snakeFields = false): T {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  const name = (p: PropertyKey) => (snakeFields ? String(p).replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : String(p));
  throw new SimControlError(400, 'VALIDATION_FAILED', 'The request body is not valid; see details.fields.', {
    fields: r.error.issues.map((i) => ({ field: i.path.map(name).join('.'), message: i.message.replace(/"([a-z]+[A-Z][A-Za-z]*)"/g, (_m, k: string) => `"${name(k)}"`) })),
  });
}

/** The number a control request targets (404 if unknown). */
export function targetNumber(ctx: SimContext, phoneNumberId?: string): NumberState {
  const n = pickNumber(ctx, phoneNumberId);
  if (!n) throw new SimControlError(404, 'NOT_FOUND', `No phone number ${phoneNumberId ?? ''} is configured.`);
  return n;
}

/** A user's wa_id from what the caller typed (same normalization as sends). */
export function waIdOf(ctx: SimContext, raw: string): string {
  if (isBsuid(raw)) return raw;
  const digits = phoneDigits(raw);
  if (!digits) throw new SimControlError(400, 'VALIDATION_FAILED', `${raw} is not a phone number.`, { fields: [{ field: 'wa_id' }] });
  return toWaId(digits, ctx.knobs.waIdRules);
}

const preferenceSchema = z.object({ wa_id: z.string(), value: z.enum(['stop', 'resume']), phone_number_id: z.string().optional() });
const templateRef = { template_id: z.string().optional(), name: z.string().optional(), language: z.string().optional(), waba_id: z.string().optional() };
const templateStatusSchema = z.object({
  ...templateRef,
  event: z.enum(['APPROVED', 'REJECTED', 'PENDING', 'PAUSED', 'DISABLED', 'FLAGGED', 'REINSTATED', 'IN_APPEAL', 'PENDING_DELETION', 'DELETED', 'ARCHIVED', 'UNARCHIVED', 'LIMIT_EXCEEDED', 'LOCKED', 'UNLOCKED']),
  reason: z.string().optional(),
  extra: z.record(z.string(), z.unknown()).optional(),
});
const templateQualitySchema = z.object({ ...templateRef, new_quality_score: z.enum(['GREEN', 'YELLOW', 'RED', 'UNKNOWN']) });
const phoneQualitySchema = z.object({
  phone_number_id: z.string().optional(),
  event: z.enum(['FLAGGED', 'UNFLAGGED', 'DOWNGRADE', 'UPGRADE', 'THROUGHPUT_UPGRADE', 'ONBOARDING']),
  current_limit: z.enum(['TIER_50', 'TIER_250', 'TIER_1K', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED']).optional(),
  quality_rating: z.enum(['GREEN', 'YELLOW', 'RED', 'UNKNOWN']).optional(),
});

function findTemplate(ctx: SimContext, ref: { template_id?: string; name?: string; language?: string; waba_id?: string }): TemplateRecord {
  const wabaId = ref.waba_id ?? targetNumber(ctx).config.wabaId;
  const t = ref.template_id ? ctx.templates.get(ref.template_id) : ref.name ? ctx.templates.list(wabaId).find((x) => x.name === ref.name && (!ref.language || x.language === ref.language)) : undefined;
  if (!t) throw new SimControlError(404, 'NOT_FOUND', 'No such template; give template_id, or name (and language).');
  return t;
}

/** Registers the `/_sim` routes that change state: inbound, config, injected events. */
export function registerControlRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.post('/_sim/inbound', async (req) => {
    const input = parseBody(inboundSchema, req.body);
    if (input.from !== undefined && !phoneDigits(input.from)) throw new SimControlError(400, 'VALIDATION_FAILED', 'from must be a phone number (wa_id).', { fields: [{ field: 'from' }] });
    if (input.from === undefined && (input.type === 'system' || input.new_wa_id)) throw new SimControlError(400, 'VALIDATION_FAILED', 'a system message needs from (the old phone number).', { fields: [{ field: 'from' }] });
    return deliverInbound(ctx, targetNumber(ctx, input.phone_number_id), input);
  });

  app.get('/_sim/config', async () => configView(ctx));
  app.post('/_sim/config', async (req) => {
    applyConfigPatch(ctx, parseBody(configPatchSchema, toCamelKeys(req.body ?? {}), true));
    return configView(ctx);
  });

  app.post('/_sim/user-preferences', async (req) => {
    const b = parseBody(preferenceSchema, req.body);
    const n = targetNumber(ctx, b.phone_number_id);
    const waId = waIdOf(ctx, b.wa_id);
    setUserPreference(ctx, n, waId, b.value);
    return { wa_id: waId, value: b.value };
  });

  app.post('/_sim/template-status', async (req) => {
    const b = parseBody(templateStatusSchema, req.body);
    const t = findTemplate(ctx, b);
    ctx.templates.setStatus(t, b.event, b.reason ?? 'NONE', b.extra);
    return { id: t.id, name: t.name, language: t.language, status: t.status };
  });

  app.post('/_sim/template-quality', async (req) => {
    const b = parseBody(templateQualitySchema, req.body);
    const t = findTemplate(ctx, b);
    const previous = t.qualityScore;
    ctx.templates.setQuality(t, b.new_quality_score);
    return { id: t.id, previous_quality_score: previous, new_quality_score: t.qualityScore };
  });

  app.post('/_sim/phone-quality', async (req) => {
    const b = parseBody(phoneQualitySchema, req.body);
    const n = targetNumber(ctx, b.phone_number_id);
    applyPhoneQuality(ctx, n, b.event, b.current_limit, b.quality_rating);
    return { phone_number_id: n.config.phoneNumberId, messaging_limit_tier: n.config.messagingLimitTier, quality_rating: n.config.qualityRating, mps: n.config.mps };
  });

  app.post('/_sim/webhooks/verify', async (req) => {
    const b = parseBody(z.object({ url: z.url().optional(), verify_token: z.string().optional() }), req.body);
    const url = b.url ?? ctx.settings.webhookUrl;
    if (!url) throw new SimControlError(400, 'VALIDATION_FAILED', 'No webhook URL configured; pass url.', { fields: [{ field: 'url' }] });
    return verifyWebhookEndpoint(url, b.verify_token ?? ctx.settings.verifyToken, String(ctx.rng.int(1_000_000_000, 2_147_483_647)));
  });
}
