// The shops module: Shopify and WooCommerce webhooks in (purchases, refunds, checkouts, customers), verified per connection.
export { createShopConnection, listShopConnections, deleteShopConnection, receiveShopWebhook } from './shops.service.js';
export type { ShopDelivery } from './shops.service.js';
export { shopifyIntent, wooIntent, verifyShopSignature, SHOP_PLATFORMS } from './shops.rules.js';
export * from './shops.schemas.js';
