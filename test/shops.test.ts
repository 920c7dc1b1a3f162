// Shop intake (issue 18): Shopify and WooCommerce webhooks, signed as each platform documents
// (base64 HMAC-SHA256 of the raw body), map to contacts and customer events: a purchase once per
// order however often it is delivered, a refund on the order's person, a checkout; forged
// signatures are refused; a shop's SMS/email marketing consent never becomes WhatsApp consent; a
// purchase changes a segment count and starts a post-purchase automation.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createTopic } from '../src/modules/consent/index.js';
import { queryRowsOf } from '../src/modules/sql.js';
import { scanAutomationTriggers } from '../src/modules/automations/index.js';
import { silentLogger } from '../src/lib/logger.js';

let t: TestApp;
let a: Awaited<ReturnType<TestApp['tenant']>>;
const fixture = (name: string) => readFileSync(new URL(`./fixtures/shops/${name}`, import.meta.url), 'utf8');
const SHOPIFY_SECRET = 'shpss_0123456789abcdef';
const WOO_SECRET = 'woo-secret-4242';
const sign = (body: string, secret: string) => createHmac('sha256', secret).update(body).digest('base64');

let shopify: string;
let woo: string;
let seq = 0;

async function shopifyPost(topic: string, body: string, opts: { webhookId?: string; signature?: string; connection?: string } = {}) {
  return t.call(undefined, {
    method: 'POST',
    url: `/webhooks/shops/${opts.connection ?? shopify}`,
    headers: { 'content-type': 'application/json', 'x-shopify-topic': topic, 'x-shopify-shop-domain': 'acme.myshopify.com', 'x-shopify-webhook-id': opts.webhookId ?? `wh-${++seq}`, 'x-shopify-hmac-sha256': opts.signature ?? sign(body, SHOPIFY_SECRET) },
    payload: body,
  });
}
async function wooPost(topic: string, body: string, headers: Record<string, string> = {}) {
  return t.call(undefined, {
    method: 'POST',
    url: `/webhooks/shops/${woo}`,
    headers: { 'content-type': 'application/json', 'x-wc-webhook-topic': topic, 'x-wc-webhook-delivery-id': `d-${++seq}`, 'x-wc-webhook-signature': sign(body, WOO_SECRET), ...headers },
    payload: body,
  });
}
async function eventsOf(phone: string) {
  return queryRowsOf<{ type: string; amount: string | null; currency: string | null }>(
    t.db,
    sql`select e.type, e.amount::text as amount, e.currency from contact_events e join contacts c on c.id = e.contact_id where c.workspace_id = ${a.workspaceId} and c.phone = ${phone} order by e.id`,
  );
}

beforeAll(async () => {
  t = await createTestApp();
  a = await t.tenant('shops');
  await createTopic(a.ctx, { key: 'offers', name: 'Offers', category: 'marketing' });
  const s = await t.call(a.key, { method: 'POST', url: '/api/v1/shop-connections', payload: { platform: 'shopify', name: 'Acme on Shopify', secret: SHOPIFY_SECRET } });
  expect(s.statusCode, s.body).toBe(201);
  expect(s.json().webhook_url).toMatch(new RegExp(`/webhooks/shops/${s.json().id}$`));
  expect(s.body).not.toContain(SHOPIFY_SECRET);
  shopify = s.json().id;
  woo = (await t.call(a.key, { method: 'POST', url: '/api/v1/shop-connections', payload: { platform: 'woocommerce', name: 'Acme on Woo', secret: WOO_SECRET } })).json().id;
});
afterAll(() => t.close());

describe('Shopify', () => {
  it('refuses a forged signature, an unknown connection and bad input, and records nothing for the documented sample whose phones are placeholders', async () => {
    const body = fixture('shopify-order-paid.json');
    expect((await shopifyPost('orders/paid', body, { signature: sign(body, 'not-the-secret') })).statusCode).toBe(401);
    expect((await shopifyPost('orders/paid', body, { connection: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(401);
    expect((await shopifyPost('orders/paid', body, { connection: 'nope' })).statusCode).toBe(401);
    const bad = await t.call(a.key, { method: 'POST', url: '/api/v1/shop-connections', payload: { platform: 'magento', name: 'x', secret: 'long enough' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details.fields[0].field).toBe('platform');
    const sample = await shopifyPost('orders/create', fixture('shopify-orders-create-sample.json'));
    expect(sample.statusCode, sample.body).toBe(200);
    expect(sample.json().outcome).toBe('ignored: the phone number is not valid');
    expect((await shopifyPost('products/update', '{"id":1}')).json().outcome).toBe('ignored: topic products/update is not used');
    const [n] = await queryRowsOf<{ n: number }>(t.db, sql`select count(*)::int as n from contacts where workspace_id = ${a.workspaceId}`);
    expect(n!.n).toBe(0);
  });

  it('maps a customer, counts a paid order once however often it arrives, puts the refund on the same person, records a checkout, and never grants consent', async () => {
    expect((await shopifyPost('customers/create', fixture('shopify-customer.json'))).json().outcome).toBe('applied');
    const order = fixture('shopify-order-paid.json');
    expect((await shopifyPost('orders/create', order, { webhookId: 'order-1' })).json().outcome).toBe('applied');
    expect((await shopifyPost('orders/create', order, { webhookId: 'order-1' })).json().outcome).toBe('duplicate');
    await shopifyPost('orders/paid', order); // a second topic for the same order: the purchase is the same one
    await shopifyPost('refunds/create', fixture('shopify-refund.json'));
    await shopifyPost('checkouts/create', fixture('shopify-checkout.json'));
    await shopifyPost('checkouts/update', fixture('shopify-checkout.json'));
    expect(await eventsOf('+447400123456')).toEqual([
      { type: 'order.created', amount: '59.99', currency: 'GBP' },
      { type: 'purchase', amount: '59.99', currency: 'GBP' },
      { type: 'refund', amount: '39.99', currency: null },
      { type: 'checkout.started', amount: '25.00', currency: 'GBP' },
    ]);
    const [contact] = await queryRowsOf<{ id: string; name: string }>(t.db, sql`select id, name from contacts where workspace_id = ${a.workspaceId} and phone = '+447400123456'`);
    expect(contact!.name).toBe('Maria Lopes');
    const engagement = (await t.call(a.key, { method: 'GET', url: `/api/v1/contacts/${contact!.id}/engagement` })).json();
    expect(engagement).toMatchObject({ purchases_count: 1, purchases_total: '59.99' });
    // "sms_marketing_consent: subscribed" is SMS consent: no WhatsApp grant, only a property.
    const [grants] = await queryRowsOf<{ n: number }>(t.db, sql`select count(*)::int as n from consent_events where workspace_id = ${a.workspaceId}`);
    expect(grants!.n).toBe(0);
    const [props] = await queryRowsOf<{ p: Record<string, unknown> }>(t.db, sql`select properties as p from contact_events where contact_id = ${contact!.id} and type = 'purchase'`);
    expect(props!.p).toMatchObject({ shop_sms_marketing: 'subscribed', order_name: '#1001' });
  });

  it('a purchase changes a segment count and starts a post-purchase automation', async () => {
    const seg = await t.call(a.key, { method: 'POST', url: '/api/v1/segments', payload: { name: 'Buyers', rules: { field: 'engagement.purchases_count', op: 'gte', value: 1 } } });
    expect(seg.statusCode, seg.body).toBe(201);
    const count = async () => (await t.call(a.key, { method: 'GET', url: `/api/v1/segments/${seg.json().id}/count` })).json().count as number;
    const before = await count();
    const number = await t.call(a.key, { method: 'POST', url: '/api/v1/phone-numbers', payload: { phone_number_id: '9065403599', waba_id: '9022901299', display_number: '+44 20 7946 0000', access_token: 'EAAG-token', app_secret: 'app-secret-shops', verify_token: 'verify-shops' } });
    expect(number.statusCode, number.body).toBe(201);
    const auto = await t.call(a.key, {
      method: 'POST',
      url: '/api/v1/automations',
      payload: { name: 'Thanks for your order', definition: { trigger: { type: 'event', event: 'purchase' }, topic: 'offers', steps: [{ id: 'wait', type: 'wait', duration: { hours: 1 } }] } },
    });
    expect(auto.statusCode, auto.body).toBe(201);
    expect((await t.call(a.key, { method: 'POST', url: `/api/v1/automations/${auto.json().id}/publish` })).statusCode).toBe(200);
    const order = JSON.parse(fixture('shopify-order-paid.json'));
    order.id = 5940139499999;
    order.customer.phone = '+447400123457';
    order.billing_address.phone = '+447400123457';
    order.customer.default_address.phone = '+447400123457';
    expect((await shopifyPost('orders/paid', JSON.stringify(order))).json().outcome).toBe('applied');
    expect(await count()).toBe(before + 1);
    await new Promise((r) => setTimeout(r, 2_100)); // past the trigger scan's visibility lag
    await scanAutomationTriggers({ db: t.db, now: new Date(), log: silentLogger() });
    const [runs] = await queryRowsOf<{ n: number }>(t.db, sql`select count(*)::int as n from automation_runs r join contacts c on c.id = r.contact_id where r.automation_id = ${auto.json().id} and c.phone = '+447400123457'`);
    expect(runs!.n).toBe(1);
  });
});

describe('Shopify cancellations and compliance topics', () => {
  const withPhone = (phone: string, id: number) => {
    const order = JSON.parse(fixture('shopify-order-paid.json'));
    order.id = id;
    for (const o of [order.customer, order.billing_address, order.customer.default_address]) o.phone = phone;
    return order;
  };
  const contactsWith = async (phone: string) =>
    (await queryRowsOf<{ n: number }>(t.db, sql`select count(*)::int as n from contacts where workspace_id = ${a.workspaceId} and phone = ${phone}`))[0]!.n;

  it('records a cancelled order as its own event on the order\'s person, once', async () => {
    const cancelled = { ...withPhone('+447400123456', 5940139491234), cancelled_at: '2026-12-02T09:00:00+00:00', cancel_reason: 'customer' };
    expect((await shopifyPost('orders/cancelled', JSON.stringify(cancelled))).json().outcome).toBe('applied');
    expect((await shopifyPost('orders/cancelled', JSON.stringify(cancelled))).json().outcome).toBe('applied');
    const rows = await queryRowsOf<{ type: string; p: Record<string, unknown>; at: string }>(
      t.db,
      sql`select e.type, e.properties as p, e.occurred_at::text as at from contact_events e join contacts c on c.id = e.contact_id where c.workspace_id = ${a.workspaceId} and c.phone = '+447400123456' and e.type = 'order.cancelled'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.p).toMatchObject({ order_id: '5940139491234', cancel_reason: 'customer' });
    expect(new Date(rows[0]!.at).toISOString()).toBe('2026-12-02T09:00:00.000Z');
  });

  it('a data request finds the person by the order it names (no phone) and leaves a readable audit row; nothing is created for an unknown customer', async () => {
    const res = await shopifyPost('customers/data_request', fixture('shopify-customers-data-request.json'));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().outcome).toBe('applied');
    const [row] = await queryRowsOf<{ target_id: string; details: Record<string, unknown> }>(t.db, sql`select target_id, details from audit_log where workspace_id = ${a.workspaceId} and action = 'shop.data_requested'`);
    const [maria] = await queryRowsOf<{ id: string }>(t.db, sql`select id from contacts where workspace_id = ${a.workspaceId} and phone = '+447400123456'`);
    expect(row!.target_id).toBe(maria!.id);
    expect(row!.details).toMatchObject({ shop: 'Acme on Shopify', request_id: '9999' });
    const unknown = { shop_id: 1, shop_domain: 'acme.myshopify.com', orders_requested: [1], customer: { id: 2, email: 'x@example.com', phone: '+447400199999' }, data_request: { id: 1 } };
    expect((await shopifyPost('customers/data_request', JSON.stringify(unknown))).json().outcome).toBe('ignored: no contact matches this customer');
    expect(await contactsWith('+447400199999')).toBe(0);
  });

  it('a customer redaction erases the person through the privacy module: contact gone, number suppressed so no API grant brings it back', async () => {
    expect((await shopifyPost('orders/paid', JSON.stringify(withPhone('+447400123458', 5940139491299)))).json().outcome).toBe('applied');
    expect(await contactsWith('+447400123458')).toBe(1);
    const res = await shopifyPost('customers/redact', fixture('shopify-customers-redact.json'));
    expect(res.json().outcome).toBe('applied');
    expect(await contactsWith('+447400123458')).toBe(0);
    const [erased] = await queryRowsOf<{ n: number }>(t.db, sql`select count(*)::int as n from audit_log where workspace_id = ${a.workspaceId} and action = 'contact.erased' and actor_id = ${`shop:${shopify}`}`);
    expect(erased!.n).toBe(1);
    // The erased number is suppressed: an API grant for it is refused.
    const back = await t.call(a.key, { method: 'POST', url: '/api/v1/contacts', payload: { phone: '+447400123458' } });
    const grant = await t.call(a.key, { method: 'POST', url: `/api/v1/contacts/${back.json().id}/consent`, payload: { topic: 'offers', action: 'grant', source: 'api', evidence: { text: 'Yes to offers on WhatsApp', ip: '203.0.113.9' } } });
    expect(grant.statusCode, grant.body).toBe(409);
    expect(grant.json().error.code).toBe('CONSENT_SUPPRESSED');
  });

  it('a shop redaction erases every event that shop sent, recomputes purchase figures, and removes the connection', async () => {
    const second = await t.call(a.key, { method: 'POST', url: '/api/v1/shop-connections', payload: { platform: 'shopify', name: 'Second shop', secret: SHOPIFY_SECRET } });
    const id = second.json().id as string;
    const order = JSON.stringify(withPhone('+447400123456', 6000000000001));
    expect((await shopifyPost('orders/paid', order, { connection: id })).json().outcome).toBe('applied');
    const [maria] = await queryRowsOf<{ id: string }>(t.db, sql`select id from contacts where workspace_id = ${a.workspaceId} and phone = '+447400123456'`);
    const engagement = async () => (await t.call(a.key, { method: 'GET', url: `/api/v1/contacts/${maria!.id}/engagement` })).json();
    expect(await engagement()).toMatchObject({ purchases_count: 2, purchases_total: '119.98' });
    expect((await shopifyPost('shop/redact', fixture('shopify-shop-redact.json'), { connection: id })).json().outcome).toBe('applied');
    expect(await engagement()).toMatchObject({ purchases_count: 1, purchases_total: '59.99' });
    const [left] = await queryRowsOf<{ n: number }>(t.db, sql`select count(*)::int as n from contact_events where workspace_id = ${a.workspaceId} and idempotency_key like ${`shop:${id}:%`}`);
    expect(left!.n).toBe(0);
    expect((await shopifyPost('orders/paid', order, { connection: id })).statusCode).toBe(401);
    expect((await t.call(a.key, { method: 'GET', url: '/api/v1/shop-connections' })).json().data.map((c: { id: string }) => c.id)).not.toContain(id);
  });
});

describe('WooCommerce', () => {
  it('answers the unsigned ping, maps an order with a national-format phone, and a refund on a later update, each once', async () => {
    const ping = await t.call(undefined, { method: 'POST', url: `/webhooks/shops/${woo}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'webhook_id=3' });
    expect(ping.statusCode, ping.body).toBe(200);
    const body = fixture('woocommerce-order-created.json');
    expect((await wooPost('order.created', body, { 'x-wc-webhook-signature': sign(body, SHOPIFY_SECRET) })).statusCode).toBe(401);
    expect((await wooPost('order.created', body)).json().outcome).toBe('applied');
    const refunded = { ...JSON.parse(body), status: 'refunded', refunds: [{ id: 4751, reason: 'damaged', total: '-45.00' }] };
    expect((await wooPost('order.updated', JSON.stringify(refunded))).json().outcome).toBe('applied');
    expect((await wooPost('order.updated', JSON.stringify(refunded))).json().outcome).toBe('applied');
    expect(await eventsOf('+447400654321')).toEqual([
      { type: 'order.created', amount: '45.00', currency: 'GBP' },
      { type: 'purchase', amount: '45.00', currency: 'GBP' },
      { type: 'refund', amount: '45.00', currency: 'GBP' },
    ]);
  });

  it('a cancelled order is recorded as order.cancelled, not as a purchase', async () => {
    const cancelled = { ...JSON.parse(fixture('woocommerce-order-created.json')), id: 7001, status: 'cancelled', date_paid_gmt: null, refunds: [] };
    expect((await wooPost('order.updated', JSON.stringify(cancelled))).json().outcome).toBe('applied');
    const rows = await queryRowsOf<{ type: string }>(t.db, sql`select type from contact_events where workspace_id = ${a.workspaceId} and properties->>'order_id' = '7001'`);
    expect(rows.map((r) => r.type)).toEqual(['order.cancelled']);
  });

  it('another workspace cannot see or delete the connections; a deleted connection refuses its webhooks', async () => {
    const b = await t.tenant('shops-b');
    expect((await t.call(b.key, { method: 'GET', url: '/api/v1/shop-connections' })).json().data).toEqual([]);
    expect((await t.call(b.key, { method: 'DELETE', url: `/api/v1/shop-connections/${woo}` })).statusCode).toBe(404);
    expect((await t.call(a.key, { method: 'DELETE', url: `/api/v1/shop-connections/${woo}` })).statusCode).toBe(200);
    expect((await wooPost('order.created', fixture('woocommerce-order-created.json'))).statusCode).toBe(401);
  });
});
