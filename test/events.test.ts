import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
let key: string;
let ann: string;
const post = (payload: unknown, headers: Record<string, string> = {}) => t.call(key, { method: 'POST', url: '/api/v1/events', payload: payload as Record<string, unknown>, headers });
const engagement = async (id: string) => (await t.call(key, { method: 'GET', url: `/api/v1/contacts/${id}/engagement` })).json();

beforeAll(async () => {
  t = await createTestApp();
  key = (await t.tenant('events-a')).key;
  await t.call(key, { method: 'PATCH', url: '/api/v1/workspace', payload: { settings: { default_country: 'GB' } } });
  ann = (await t.call(key, { method: 'POST', url: '/api/v1/contacts', payload: { phone: '+447400123001', name: 'Ann' } })).json().id;
});
afterAll(() => t.close());

describe('customer events', () => {
  it('records a purchase by phone (national format) and folds it into engagement', async () => {
    const res = await post({ phone: '07400 123001', type: 'purchase', properties: { amount: 42.5, currency: 'GBP', products: [{ sku: 'tea-1', qty: 2 }, 'mug'] }, occurred_at: '2026-11-01T10:00:00Z', idempotency_key: 'order-1' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ recorded: 1, duplicates: 0, errors: [] });
    expect(await engagement(ann)).toMatchObject({ purchases_count: 1, purchases_total: '42.50', first_purchase_at: '2026-11-01T10:00:00.000Z', last_purchase_at: '2026-11-01T10:00:00.000Z' });
    const list = (await t.call(key, { method: 'GET', url: `/api/v1/contacts/${ann}/events` })).json();
    expect(list.data[0]).toMatchObject({ type: 'purchase', products: ['tea-1', 'mug'], amount: '42.50', currency: 'GBP' });
  });

  it('records an event once however often it is resent with the same idempotency key', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await post({ contact_id: ann, type: 'purchase', amount: 10, idempotency_key: 'order-2', occurred_at: '2026-11-02T10:00:00Z' });
      expect(res.json()).toMatchObject(i === 0 ? { recorded: 1, duplicates: 0 } : { recorded: 0, duplicates: 1 });
    }
    // The same key twice inside one batch also counts once.
    const batch = await post({ events: [0, 1].map(() => ({ contact_id: ann, type: 'purchase', amount: 5, idempotency_key: 'order-3', occurred_at: '2026-11-03T10:00:00Z' })) });
    expect(batch.json()).toMatchObject({ recorded: 1, duplicates: 1 });
    expect(await engagement(ann)).toMatchObject({ purchases_count: 3, purchases_total: '57.50', last_purchase_at: '2026-11-03T10:00:00.000Z' });
  });

  it('reports per-event problems in a batch and records the rest', async () => {
    const res = await post({
      events: [
        { contact_id: ann, type: 'appointment.booked', properties: { clinic: 'north' } },
        { contact_id: '00000000-0000-4000-8000-000000000000', type: 'purchase' },
        { phone: 'not a phone', type: 'purchase' },
        { contact_id: ann, type: 'purchase', occurred_at: '2099-01-01T00:00:00Z' },
      ],
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.recorded).toBe(1);
    expect(body.errors.map((e: { index: number; code: string }) => [e.index, e.code])).toEqual([
      [2, 'PHONE_INVALID'],
      [1, 'EVENT_CONTACT_NOT_FOUND'],
      [3, 'VALIDATION_FAILED'],
    ]);
    expect((await engagement(ann)).last_event_at).not.toBeNull();
  });

  it('answers a single bad event with an error naming the field', async () => {
    const missing = await post({ contact_id: '00000000-0000-4000-8000-000000000000', type: 'purchase' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('EVENT_CONTACT_NOT_FOUND');
    const badPhone = await post({ phone: 'call me maybe', type: 'purchase' });
    expect(badPhone.json().error).toMatchObject({ code: 'PHONE_INVALID', details: { field: 'phone' } });
    const both = await post({ contact_id: ann, phone: '+447400123001', type: 'purchase' });
    expect(both.statusCode).toBe(422);
    const badType = await post({ contact_id: ann, type: 'has spaces' });
    expect(badType.statusCode).toBe(422);
    expect(JSON.stringify(badType.json().error.details)).toContain('type');
    const unknownField = await post({ contact_id: ann, type: 'purchase', colour: 'red' });
    expect(unknownField.statusCode).toBe(422);
    const tooMany = await post({ events: Array.from({ length: 1001 }, () => ({ contact_id: ann, type: 'x' })) });
    expect(tooMany.statusCode).toBe(422);
  });

  it('replays a whole request with the Idempotency-Key header', async () => {
    const first = await post({ contact_id: ann, type: 'signup' }, { 'idempotency-key': 'k-signup-1' });
    const again = await post({ contact_id: ann, type: 'signup' }, { 'idempotency-key': 'k-signup-1' });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const list = (await t.call(key, { method: 'GET', url: `/api/v1/contacts/${ann}/events?limit=100` })).json();
    expect(list.data.filter((e: { type: string }) => e.type === 'signup')).toHaveLength(1);
  });

  it('includes events, engagement and lifecycle in the contact export, and erasure removes them', async () => {
    const exp = (await t.call(key, { method: 'GET', url: `/api/v1/contacts/${ann}/export` })).json();
    expect(exp.events.length).toBeGreaterThanOrEqual(4);
    expect(exp.engagement).toMatchObject({ purchases_count: 3, purchases_total: expect.any(String) });
    expect(exp.engagement.last_purchase_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // Every field of the export document is snake_case (user data inside attributes/properties is kept as given).
    expect(nonSnakeKeys(exp)).toEqual([]);
    expect(exp.lifecycle.stage).toBe('loyal');
    await t.call(key, { method: 'POST', url: `/api/v1/contacts/${ann}/erase` });
    expect((await t.call(key, { method: 'GET', url: `/api/v1/contacts/${ann}/events` })).statusCode).toBe(404);
  });
});

/** Field names in a JSON document that are not snake_case, as paths; user-keyed maps are skipped. */
function nonSnakeKeys(doc: unknown, path = '$'): string[] {
  if (Array.isArray(doc)) return doc.flatMap((v, i) => nonSnakeKeys(v, `${path}[${i}]`));
  if (doc === null || typeof doc !== 'object') return [];
  return Object.entries(doc).flatMap(([k, v]) => [
    ...(/^[a-z0-9]+(_[a-z0-9]+)*$/.test(k) ? [] : [`${path}.${k}`]),
    ...(k === 'attributes' || k === 'properties' ? [] : nonSnakeKeys(v, `${path}.${k}`)),
  ]);
}
