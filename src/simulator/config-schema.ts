import { z } from 'zod';
import { isKnownErrorCode } from './graph-errors.js';

const rate = z.number().min(0).max(1);
const ms = z.number().min(0);
const digits = z.string().regex(/^\d{5,20}$/, 'digits only');
const tier = z.enum(['TIER_50', 'TIER_250', 'TIER_1K', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED']);
const quality = z.enum(['GREEN', 'YELLOW', 'RED', 'UNKNOWN']);

/** One fault rule as accepted by the control plane. */
export const faultRuleSchema = z.strictObject({
  code: z.number().int().refine(isKnownErrorCode, 'not a Graph error code the simulator knows (see src/simulator/graph-errors.ts)').optional(),
  mode: z.enum(['sync', 'async']).optional(),
  acceptFirst: z.boolean().optional(),
  hang: z.enum(['hang', 'reset']).optional(),
  hangMs: ms.optional(),
  endpoint: z.enum(['messages', 'media', 'templates', 'phone_number', 'any']).optional(),
  phoneNumberId: z.string().optional(),
  to: z.string().optional(),
  probability: rate.optional(),
  remaining: z.number().int().min(0).optional(),
  durationMs: ms.optional(),
});

/** Per-number settings a patch may change (or, with wabaId + accessToken, a number to add). */
export const phoneNumberPatchSchema = z.strictObject({
  wabaId: digits.optional(),
  displayNumber: digits.optional(),
  verifiedName: z.string().min(1).optional(),
  accessToken: z.string().min(1).optional(),
  mps: z.number().positive().optional(),
  messagingLimitTier: tier.optional(),
  messagingLimit: z.number().int().min(0).nullable().optional(),
  qualityRating: quality.optional(),
  allowedRecipients: z.array(z.string()).nullable().optional(),
  webhookUrl: z.url().nullable().optional(),
});

/** `POST /_sim/config` body (after snake_case keys are turned into camelCase). */
export const configPatchSchema = z.strictObject({
  webhookUrl: z.url().nullable().optional(),
  appSecret: z.string().min(1).optional(),
  verifyToken: z.string().min(1).optional(),
  numbers: z.record(z.string(), phoneNumberPatchSchema).optional(),
  statusDelays: z.strictObject({ sentMs: ms, deliveredMs: ms, readMs: ms, jitter: rate }).partial().optional(),
  population: z
    .strictObject({
      notOnWhatsappRate: rate,
      notOnWhatsappPrefixes: z.array(z.string()),
      notOnWhatsappNumbers: z.array(z.string()),
      offlineRate: rate,
      readReceiptsOffRate: rate,
      readRate: rate,
      skipDeliveredRate: rate,
      replyRate: rate,
      tapButtonRate: rate,
      stopRate: rate,
      preferenceStopRate: rate,
      actionDelayMs: ms,
    })
    .partial()
    .optional(),
  window: z.strictObject({ enforce: z.boolean(), mode: z.enum(['async', 'sync']), lengthMs: ms }).partial().optional(),
  pairRate: z.strictObject({ enforce: z.boolean(), intervalMs: z.number().positive(), burst: z.number().int().min(1) }).partial().optional(),
  throughput: z.strictObject({ enforce: z.boolean() }).partial().optional(),
  messagingLimit: z.strictObject({ enforce: z.boolean() }).partial().optional(),
  marketingCap: z.strictObject({ perUser: z.number().int().min(0), windowMs: ms, blockUs: z.boolean() }).partial().optional(),
  pacing: z.strictObject({ enabled: z.boolean(), releaseAfter: z.number().int().min(0), assessAfterMs: ms, outcome: z.enum(['release', 'pause']) }).partial().optional(),
  templateReview: z.strictObject({ delayMs: ms, outcome: z.enum(['auto', 'approve', 'reject']) }).partial().optional(),
  webhooks: z
    .strictObject({
      retryBaseMs: ms,
      retryFactor: z.number().min(1),
      retryMaxDelayMs: ms,
      horizonMs: ms,
      timeoutMs: z.number().positive(),
      concurrency: z.number().int().min(1).max(256),
      includeConversation: z.boolean(),
      escapeStyle: z.enum(['meta', 'minimal']),
    })
    .partial()
    .optional(),
  chaos: z
    .strictObject({
      duplicateRate: rate,
      outOfOrderRate: rate,
      outOfOrderMaxHoldMs: ms,
      batchRate: rate,
      batchMax: z.number().int().min(1).max(1000),
      batchWindowMs: ms,
      deliveredAfterFailedRate: rate,
    })
    .partial()
    .optional(),
  media: z.strictObject({ badLinkSubstrings: z.array(z.string()), urlTtlMs: ms }).partial().optional(),
  faults: z.array(faultRuleSchema).optional(),
  waIdRules: z.array(z.strictObject({ name: z.string(), pattern: z.string(), replace: z.string() })).optional(),
});

/** A validated configuration patch. */
export type ConfigPatch = z.infer<typeof configPatchSchema>;
