import { z } from 'zod';
import { SHOP_PLATFORMS } from './shops.rules.js';

/** Connecting a shop: its platform, a name, and the secret its webhooks are signed with. */
export const shopConnectionIn = z.strictObject({
  platform: z.enum(SHOP_PLATFORMS).describe('shopify or woocommerce'),
  name: z.string().trim().min(1, 'name the shop').max(100),
  secret: z
    .string()
    .min(8, 'the signing secret the shop shows (Shopify: Settings → Notifications → Webhooks; WooCommerce: the webhook\'s Secret)')
    .max(500)
    .describe('the key the shop signs its webhooks with; stored sealed, never shown again'),
});

/** A shop connection as the API shows it (never its secret). */
export const shopConnectionOut = z.object({
  id: z.string(),
  platform: z.enum(SHOP_PLATFORMS),
  name: z.string(),
  webhook_url: z.string().describe('paste this as the webhook URL in the shop'),
  last_event_at: z.string().nullable(),
  created_at: z.string(),
});
export type ShopConnectionOut = z.infer<typeof shopConnectionOut>;
