import { z } from 'zod';
import { MESSAGING_LIMIT_TIERS, QUALITY_RATINGS, THROUGHPUT_TIERS } from './numbers.rules.js';

const metaId = (what: string) => z.string().regex(/^\d{5,25}$/, `must be the numeric ${what} from WhatsApp Manager`);

const throughputTier = z.union(THROUGHPUT_TIERS.map((t) => z.literal(t)) as [z.ZodLiteral<20>, z.ZodLiteral<80>, z.ZodLiteral<1000>]);

// The editable fields without defaults: an update must change only what it names (a default here
// would silently reset api_base_url, api_version or the tiers on every PATCH).
const numberFields = {
  waba_id: metaId('WhatsApp Business Account id'),
  display_number: z.string().regex(/^\+?[\d ()-]{6,24}$/, 'must be the number as shown in WhatsApp Manager, e.g. +1 555 010 0000'),
  access_token: z.string().min(10, 'must be a system-user access token').max(2048),
  app_secret: z.string().min(8, 'must be the app secret from the Meta app dashboard').max(256),
  verify_token: z.string().min(8, 'choose a verify token of at least 8 characters').max(256),
  api_base_url: z.url(),
  api_version: z.string().regex(/^v\d+\.\d+$/, 'must look like v23.0'),
  throughput_mps: throughputTier,
  messaging_limit_tier: z.enum(MESSAGING_LIMIT_TIERS),
};

/** Connecting a business number. */
export const connectNumberIn = z.strictObject({
  phone_number_id: metaId('phone number id'),
  ...numberFields,
  api_base_url: numberFields.api_base_url.default('https://graph.facebook.com'),
  api_version: numberFields.api_version.default('v23.0'),
  throughput_mps: throughputTier.default(80),
  messaging_limit_tier: numberFields.messaging_limit_tier.default('TIER_250'),
});

/** Changing a number: rotate secrets or correct tiers; only the named fields change. */
export const updateNumberIn = z.strictObject(numberFields).partial();

/** A number as the API shows it: never tokens or secrets. */
export const numberOut = z.object({
  id: z.uuid(),
  phone_number_id: z.string(),
  waba_id: z.string(),
  display_number: z.string(),
  verified_name: z.string().nullable(),
  throughput_mps: z.number(),
  messaging_limit_tier: z.enum(MESSAGING_LIMIT_TIERS),
  quality_rating: z.enum(QUALITY_RATINGS),
  is_sandbox: z.boolean(),
  api_base_url: z.string(),
  api_version: z.string(),
  health_checked_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export type NumberOut = z.infer<typeof numberOut>;

/** GET /api/v1/analytics/numbers: each number's current rating and tier and its history (a contract the dashboard reads). */
export const numberHealthOut = z.object({
  data: z.array(
    z.object({
      id: z.uuid(),
      display_number: z.string(),
      quality_rating: z.string(),
      messaging_tier: z.string(),
      history: z.array(z.object({ at: z.string(), quality_rating: z.string(), messaging_tier: z.string() })),
    }),
  ),
});
