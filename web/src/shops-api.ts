// Shop connections (Shopify, WooCommerce) through the public API (/api/v1/shop-connections).
import { gl, unwrap } from './api-client';
import type { BodyOf, ItemOf, ResponseOf } from './api-schema';

/** A connected shop and the webhook URL to paste into it (never its secret). */
export type ShopConnection = ItemOf<ResponseOf<'/api/v1/shop-connections', 'get'>>;
/** What connects a shop. */
export type ShopConnectionBody = BodyOf<'/api/v1/shop-connections', 'post'>;

/** The workspace's connected shops. */
export const listShopConnections = () => unwrap(gl.GET('/api/v1/shop-connections'));
/** Connects a shop (422 names the field at fault). */
export const createShopConnection = (body: ShopConnectionBody) => unwrap(gl.POST('/api/v1/shop-connections', { body }));
/** Disconnects a shop: its webhooks are refused from then on. */
export const deleteShopConnection = (id: string) => unwrap(gl.DELETE('/api/v1/shop-connections/{id}', { params: { path: { id } } }));
