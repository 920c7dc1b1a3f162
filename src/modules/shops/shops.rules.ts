// Pure mapping of shop webhooks (Shopify, WooCommerce) to what Greenlist records: a person (phone,
// name, country) and, for orders, refunds and checkouts, one customer event with a stable
// idempotency key. A shop's email/SMS marketing state travels as event properties only: consent to
// email or SMS is not consent to WhatsApp, so it never becomes a grant.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { PURCHASE_EVENT, REFUND_EVENT } from '../engagement/index.js';

/** Platforms a shop connection can be. */
export const SHOP_PLATFORMS = ['shopify', 'woocommerce'] as const;
export type ShopPlatform = (typeof SHOP_PLATFORMS)[number];

/** Who the webhook is about. */
export interface ShopPerson {
  phone: string | null;
  name: string | null;
  country: string | null;
  marketing: Record<string, string>;
}

/** A customer event to record for the person. */
export interface ShopEvent {
  type: string;
  amount?: number;
  currency?: string;
  products?: string[];
  occurredAt: string;
  key: string;
  properties: Record<string, unknown>;
  /** A refund names its order's key: the person is the order's when the refund carries none. */
  orderKeys?: string[];
}

/**
 * A privacy request from the shop (Shopify's mandatory compliance topics): erase one customer,
 * record that one customer asked for their data, or erase everything this shop sent.
 */
export interface ShopPrivacyRequest {
  kind: 'redact_customer' | 'data_request' | 'redact_shop';
  /** The shop's own id of the request (data requests carry one), for the audit row. */
  requestId?: string;
  /** Keys of the orders the request names: they find the person when no phone matches. */
  orderKeys: string[];
}

/** What one webhook asks for. */
export interface ShopIntent {
  person: ShopPerson | null;
  events: ShopEvent[];
  privacy?: ShopPrivacyRequest;
  /** Why nothing is recorded (an unsupported topic, no phone), for the delivery log. */
  ignored?: string;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : null);
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
};
const currency = (v: unknown): string | undefined => (typeof v === 'string' && /^[A-Z]{3}$/.test(v) ? v : undefined);
const joinName = (...parts: unknown[]): string | null => parts.map(str).filter((p): p is string => p !== null).join(' ') || null;
const iso = (v: unknown, fallback: Date): string => {
  const s = str(v);
  const d = s ? new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`) : fallback;
  return Number.isNaN(d.getTime()) ? fallback.toISOString() : d.toISOString();
};

/**
 * Whether `signature` is the base64 HMAC-SHA256 of the raw body under `secret`: the scheme both
 * Shopify (X-Shopify-Hmac-Sha256) and WooCommerce (X-WC-Webhook-Signature) document.
 */
export function verifyShopSignature(raw: Buffer, secret: string, signature: string | undefined): boolean {
  if (!signature) return false;
  const expected = createHmac('sha256', secret).update(raw).digest();
  const given = Buffer.from(signature.trim(), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function shopifyPerson(p: Obj): ShopPerson {
  const customer = obj(p.customer);
  const source = Object.keys(customer).length > 0 ? customer : p;
  const address = obj(source.default_address);
  const billing = obj(p.billing_address);
  const shipping = obj(p.shipping_address);
  const phone = str(source.phone) ?? str(p.phone) ?? str(billing.phone) ?? str(shipping.phone) ?? str(address.phone);
  const marketing: Record<string, string> = {};
  const sms = str(obj(source.sms_marketing_consent).state);
  const email = str(obj(source.email_marketing_consent).state);
  if (sms) marketing.shop_sms_marketing = sms;
  if (email) marketing.shop_email_marketing = email;
  return {
    phone,
    name: joinName(source.first_name, source.last_name) ?? joinName(billing.first_name, billing.last_name),
    country: str(address.country_code) ?? str(billing.country_code) ?? str(shipping.country_code),
    marketing,
  };
}

function products(items: unknown, id: string, title: string): string[] {
  return (Array.isArray(items) ? items : []).flatMap((i) => {
    const v = str(obj(i)[id]) ?? str(obj(i)[title]);
    return v ? [v.slice(0, 200)] : [];
  });
}

/** A Shopify webhook (topic from X-Shopify-Topic) as an intent. */
export function shopifyIntent(topic: string, p: Obj, prefix: string, now: Date): ShopIntent {
  const person = shopifyPerson(p);
  const order = (type: string, key: string): ShopEvent => ({
    type,
    amount: num(p.total_price),
    ...(currency(p.currency) ? { currency: currency(p.currency)! } : {}),
    products: products(p.line_items, 'product_id', 'title'),
    occurredAt: iso(type === PURCHASE_EVENT ? (p.processed_at ?? p.created_at) : p.created_at, now),
    key,
    properties: { order_id: str(p.id), order_name: str(p.name), source: 'shopify', ...person.marketing },
  });
  const orderKey = (id: unknown, what: string) => `${prefix}:order:${str(id)}:${what}`;
  const keysOfOrders = (ids: unknown) => (Array.isArray(ids) ? ids : []).slice(0, 1000).flatMap((id) => (str(id) ? [orderKey(id, 'paid'), orderKey(id, 'created')] : []));
  switch (topic) {
    case 'customers/create':
    case 'customers/update':
      return { person, events: [] };
    case 'orders/create': {
      const events = [order('order.created', orderKey(p.id, 'created'))];
      if (p.financial_status === 'paid') events.push(order(PURCHASE_EVENT, orderKey(p.id, 'paid')));
      return { person, events };
    }
    case 'orders/paid':
      return { person, events: [order(PURCHASE_EVENT, orderKey(p.id, 'paid'))] };
    case 'refunds/create': {
      const refunded = (Array.isArray(p.transactions) ? p.transactions : []).map(obj).filter((t) => t.kind === 'refund' && t.status !== 'failure').reduce((s, t) => s + (num(t.amount) ?? 0), 0);
      const event: ShopEvent = {
        type: REFUND_EVENT,
        amount: refunded,
        products: products((Array.isArray(p.refund_line_items) ? p.refund_line_items : []).map((r) => obj(r).line_item), 'product_id', 'title'),
        occurredAt: iso(p.created_at, now),
        key: `${prefix}:refund:${str(p.id)}`,
        properties: { order_id: str(p.order_id), refund_id: str(p.id), source: 'shopify' },
        orderKeys: [orderKey(p.order_id, 'paid'), orderKey(p.order_id, 'created')],
      };
      return { person: person.phone ? person : null, events: [event] };
    }
    case 'orders/cancelled': {
      const event: ShopEvent = {
        ...order('order.cancelled', orderKey(p.id, 'cancelled')),
        occurredAt: iso(p.cancelled_at ?? p.updated_at, now),
        properties: { order_id: str(p.id), order_name: str(p.name), cancel_reason: str(p.cancel_reason), source: 'shopify' },
        orderKeys: [orderKey(p.id, 'paid'), orderKey(p.id, 'created')],
      };
      return { person: person.phone ? person : null, events: [event] };
    }
    // Shopify's mandatory compliance topics (documented payloads: customer {id, email, phone},
    // orders_to_redact / orders_requested, data_request {id}; shop/redact names only the shop).
    case 'customers/redact':
      return { person: person.phone ? person : null, events: [], privacy: { kind: 'redact_customer', orderKeys: keysOfOrders(p.orders_to_redact) } };
    case 'customers/data_request': {
      const requestId = str(obj(p.data_request).id);
      return { person: person.phone ? person : null, events: [], privacy: { kind: 'data_request', orderKeys: keysOfOrders(p.orders_requested), ...(requestId ? { requestId } : {}) } };
    }
    case 'shop/redact':
      return { person: null, events: [], privacy: { kind: 'redact_shop', orderKeys: [] } };
    case 'checkouts/create':
    case 'checkouts/update':
      return {
        person,
        events: [
          {
            type: 'checkout.started',
            amount: num(p.total_price),
            ...(currency(p.currency) ? { currency: currency(p.currency)! } : {}),
            products: products(p.line_items, 'product_id', 'title'),
            occurredAt: iso(p.created_at, now),
            key: `${prefix}:checkout:${str(p.token) ?? str(p.id)}`,
            properties: { checkout_token: str(p.token), abandoned_checkout_url: str(p.abandoned_checkout_url), source: 'shopify', ...person.marketing },
          },
        ],
      };
    default:
      return { person: null, events: [], ignored: `topic ${topic} is not used` };
  }
}

/** A WooCommerce webhook (topic from X-WC-Webhook-Topic) as an intent. */
export function wooIntent(topic: string, p: Obj, prefix: string, now: Date): ShopIntent {
  const billing = obj(p.billing);
  const shipping = obj(p.shipping);
  const person: ShopPerson = {
    phone: str(billing.phone) ?? str(shipping.phone),
    name: joinName(p.first_name ?? billing.first_name, p.last_name ?? billing.last_name),
    country: str(billing.country) ?? str(shipping.country),
    marketing: {},
  };
  const at = (v: unknown) => iso(v, now);
  switch (topic) {
    case 'customer.created':
    case 'customer.updated':
      return { person, events: [] };
    case 'order.created':
    case 'order.updated': {
      const base = { currency: currency(p.currency), products: products(p.line_items, 'product_id', 'name'), properties: { order_id: str(p.id), order_number: str(p.number), status: str(p.status), source: 'woocommerce' } };
      const events: ShopEvent[] = [];
      const opt = <T extends object>(e: T & { currency?: string | undefined }) => {
        const { currency: c, ...rest } = e;
        return c ? { ...rest, currency: c } : rest;
      };
      if (topic === 'order.created') events.push(opt({ ...base, type: 'order.created', amount: num(p.total), occurredAt: at(p.date_created_gmt), key: `${prefix}:order:${str(p.id)}:created` }) as ShopEvent);
      if (p.status === 'cancelled') events.push(opt({ ...base, type: 'order.cancelled', amount: num(p.total), occurredAt: at(p.date_modified_gmt), key: `${prefix}:order:${str(p.id)}:cancelled` }) as ShopEvent);
      else if (str(p.date_paid_gmt) || p.status === 'completed' || p.status === 'processing') {
        events.push(opt({ ...base, type: PURCHASE_EVENT, amount: num(p.total), occurredAt: at(p.date_paid_gmt ?? p.date_created_gmt), key: `${prefix}:order:${str(p.id)}:paid` }) as ShopEvent);
      }
      for (const r of (Array.isArray(p.refunds) ? p.refunds : []).map(obj)) {
        events.push(opt({ ...base, type: REFUND_EVENT, amount: Math.abs(num(r.total) ?? 0), occurredAt: at(p.date_modified_gmt), key: `${prefix}:refund:${str(r.id)}`, properties: { ...base.properties, refund_id: str(r.id), reason: str(r.reason) } }) as ShopEvent);
      }
      return { person, events };
    }
    default:
      return { person: null, events: [], ignored: `topic ${topic} is not used` };
  }
}
