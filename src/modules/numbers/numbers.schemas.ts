import { z } from 'zod';
import { MESSAGING_LIMIT_TIERS, QUALITY_RATINGS, THROUGHPUT_TIERS } from './numbers.rules.js';

const metaId = (what: string) => z.string().regex(/^\d{5,25}$/, `must be the numeric ${what} from WhatsApp Manager`);

/** Connecting a business number. */
export const connectNumberIn = z.strictObject({
  phone_number_id: metaId('phone number id'),
  waba_id: metaId('WhatsApp Business Account id'),
  display_number: z.string().regex(/^\+?[\d ()-]{6,24}$/, 'must be the number as shown in WhatsApp Manager, e.g. +1 555 010 0000'),
  access_token: z.string().min(10, 'must be a system-user access token').max(2048),
  app_secret: z.string().min(8, 'must be the app secret from the Meta app dashboard').max(256),
  verify_token: z.string().min(8, 'choose a verify token of at least 8 characters').max(256),
  api_base_url: z.url().default('https://graph.facebook.com'),
  api_version: z.string().regex(/^v\d+\.\d+$/, 'must look like v23.0').default('v23.0'),
  throughput_mps: z.union(THROUGHPUT_TIERS.map((t) => z.literal(t)) as [z.ZodLiteral<20>, z.ZodLiteral<80>, z.ZodLiteral<1000>]).default(80),
  messaging_limit_tier: z.enum(MESSAGING_LIMIT_TIERS).default('TIER_250'),
});

/** Changing a number: rotate secrets or correct tiers. */
export const updateNumberIn = connectNumberIn.omit({ phone_number_id: true }).partial().strict();

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
