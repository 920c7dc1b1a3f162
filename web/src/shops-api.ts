// Shop connections (Shopify, WooCommerce) through the public API (/api/v1/shop-connections).
import { apiRequest } from './api-client';
import type { BodyOf, ItemOf, ResponseOf } from './api-schema';

/** A connected shop and the webhook URL to paste into it (never its secret). */
export type ShopConnection = ItemOf<ResponseOf<'/api/v1/shop-connections', 'get'>>;
/** What connects a shop. */
export type ShopConnectionBody = BodyOf<'/api/v1/shop-connections', 'post'>;

/** The workspace's connected shops. */
export const listShopConnections = () => apiRequest<{ data: ShopConnection[] }>('GET', '/shop-connections');
/** Connects a shop (422 names the field at fault). */
export const createShopConnection = (body: ShopConnectionBody) => apiRequest<ShopConnection>('POST', '/shop-connections', body);
/** Disconnects a shop: its webhooks are refused from then on. */
export const deleteShopConnection = (id: string) => apiRequest<void>('DELETE', `/shop-connections/${id}`);
