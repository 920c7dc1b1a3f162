import { maskToken } from '../lib/redact.js';
import { mergeKnobs, resolveNumber } from './config.js';
import type { ConfigPatch } from './config-schema.js';
import { numberState, type SimContext } from './context.js';
import { activateFaults } from './faults.js';
import type { DeepPartial, PhoneNumberConfig, SimKnobs } from './types.js';
import { toSnakeKeys } from './wire.js';

/** An error in a control-plane request (rendered as `{ error: { code, message, details } }`). */
export class SimControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'SimControlError';
  }
}

/** Applies a validated patch: settings, numbers (update or add), knobs (deep merge; lists replace). */
export function applyConfigPatch(ctx: SimContext, patch: ConfigPatch): void {
  const { webhookUrl, appSecret, verifyToken, numbers, faults, ...knobs } = patch;
  if (webhookUrl !== undefined) ctx.settings.webhookUrl = webhookUrl ?? undefined;
  if (appSecret !== undefined) ctx.settings.appSecret = appSecret;
  if (verifyToken !== undefined) ctx.settings.verifyToken = verifyToken;
  const now = ctx.clock.now();
  for (const [id, p] of Object.entries(numbers ?? {})) {
    const existing = ctx.numbers.get(id);
    if (!existing && (!p.wabaId || !p.accessToken)) {
      throw new SimControlError(400, 'VALIDATION_FAILED', `Phone number ${id} does not exist; to add it, give at least waba_id and access_token.`, { fields: [{ field: `numbers.${id}` }] });
    }
    const next: PhoneNumberConfig = existing ? { ...existing.config } : resolveNumber({ phoneNumberId: id });
    for (const [k, v] of Object.entries(p)) {
      if (v === null) delete (next as unknown as Record<string, unknown>)[k];
      else if (v !== undefined) (next as unknown as Record<string, unknown>)[k] = v;
    }
    if (existing) {
      existing.config = next;
      existing.bucket.reshape(next.mps, next.mps / 1000, now);
    } else ctx.numbers.set(id, numberState(next, now));
  }
  ctx.knobs = mergeKnobs(ctx.knobs, knobs as DeepPartial<SimKnobs>);
  if (faults) ctx.knobs.faults = activateFaults(faults, now);
}

/** The current configuration as control-plane JSON (tokens masked, app secret hidden). */
export function configView(ctx: SimContext): Record<string, unknown> {
  return toSnakeKeys({
    webhookUrl: ctx.settings.webhookUrl ?? null,
    verifyToken: ctx.settings.verifyToken,
    seed: ctx.seed,
    numbers: Object.fromEntries([...ctx.numbers.values()].map((n) => [n.config.phoneNumberId, { ...n.config, accessToken: maskToken(n.config.accessToken) }])),
    ...ctx.knobs,
    faults: ctx.knobs.faults.map((f) => ({ ...f, ...(f.activeUntil !== undefined ? { activeUntil: new Date(f.activeUntil).toISOString() } : {}) })),
  }) as Record<string, unknown>;
}
