import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { createTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
let key: string;
let other: string;

beforeAll(async () => {
  t = await createTestApp();
  key = (await t.tenant('contacts-a')).key;
  other = (await t.tenant('contacts-b')).key;
  await t.call(key, { method: 'PATCH', url: '/api/v1/workspace', payload: { settings: { default_country: 'GB' } } });
  await t.call(key, { method: 'POST', url: '/api/v1/attributes', payload: { key: 'city', type: 'string' } });
  await t.call(key, { method: 'POST', url: '/api/v1/attributes', payload: { key: 'birthday', type: 'date' } });
  await t.call(key, { method: 'POST', url: '/api/v1/attributes', payload: { key: 'visits', type: 'number' } });
  await t.call(key, { method: 'POST', url: '/api/v1/attributes', payload: { key: 'tier', type: 'enum', enum_values: ['gold', 'silver'] } });
});
afterAll(() => t.close());

const create = (payload: Record<string, unknown>, k = key) => t.call(k, { method: 'POST', url: '/api/v1/contacts', payload });

describe('contacts', () => {
  it('creates a contact with E.164, country and an inferred time zone', async () => {
    const res = await create({ phone: '+1 (212) 555-0100', name: 'Ann', tags: ['vip', 'vip', 'nyc'], attributes: { city: 'New York', tier: 'gold' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ phone: '+12125550100', country: 'US', timezone: 'America/New_York', timezone_source: 'number', tags: ['vip', 'nyc'], attributes: { city: 'New York', tier: 'gold' }, lifecycle_stage: 'new' });
  });

  it('parses national numbers with the workspace default country and keeps an explicit zone', async () => {
    const res = await create({ phone: '020 7183 8750', timezone: 'Europe/Lisbon' });
    expect(res.json()).toMatchObject({ phone: '+442071838750', country: 'GB', timezone: 'Europe/Lisbon', timezone_source: 'explicit' });
  });

  it('rejects invalid phones with PHONE_INVALID naming the field, and stores nothing', async () => {
    for (const phone of ['sdf0541234567sdfsdf', '+1 555', '12', '+99912345678', 'call me']) {
      const res = await create({ phone });
      expect(res.statusCode, phone).toBe(422);
      expect(res.json().error).toMatchObject({ code: 'PHONE_INVALID', details: { field: 'phone' } });
    }
  });

  it('refuses a second contact with the same number (409 with the existing id)', async () => {
    const first = (await create({ phone: '+4915112345678' })).json();
    const dup = await create({ phone: '+49 151 12345678' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatchObject({ code: 'CONTACT_PHONE_TAKEN', details: { contact_id: first.id } });
    // Another workspace may hold the same number.
    expect((await create({ phone: '+4915112345678' }, other)).statusCode).toBe(201);
  });

  it('validates custom attributes against their definitions', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ birthday: '1990-02-30' }, 'attributes.birthday'],
      [{ visits: 'many' }, 'attributes.visits'],
      [{ tier: 'platinum' }, 'attributes.tier'],
      [{ shoe_size: 42 }, 'attributes.shoe_size'],
    ];
    for (const [attributes, field] of cases) {
      const res = await create({ phone: '+14155550150', attributes });
      expect(res.statusCode, field).toBe(422);
      expect(res.json().error).toMatchObject({ code: 'ATTRIBUTE_INVALID', details: { field } });
    }
    expect((await t.call(key, { method: 'POST', url: '/api/v1/attributes', payload: { key: 'tier2', type: 'enum' } })).statusCode).toBe(422);
  });

  it('rejects unknown fields and consent smuggled into the contact body', async () => {
    const res = await create({ phone: '+14155550151', consent_status: 'granted' });
    expect(res.statusCode).toBe(422);
  });

  it('updates: attributes merge, null removes one, tags replace, a new number re-derives the country', async () => {
    const c = (await create({ phone: '+14155550152', attributes: { city: 'SF', visits: 3 }, tags: ['a'] })).json();
    const res = await t.call(key, { method: 'PATCH', url: `/api/v1/contacts/${c.id}`, payload: { attributes: { visits: '4', city: null }, tags: ['b'], phone: '+33612345678' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ attributes: { visits: 4 }, tags: ['b'], phone: '+33612345678', country: 'FR', timezone: 'Europe/Paris' });
    expect(res.json().attributes).not.toHaveProperty('city');
  });

  it('searches by name prefix, tag, country, attribute and consent, with keyset paging', async () => {
    await create({ phone: '+14155550160', name: 'Zed One', tags: ['search'], attributes: { city: 'Austin' } });
    await create({ phone: '+14155550161', name: 'Zed Two', tags: ['search'] });
    await create({ phone: '+14155550162', name: 'Zed Three', tags: ['search'] });
    const byName = (await t.call(key, { method: 'GET', url: '/api/v1/contacts?q=Zed&limit=2' })).json();
    expect(byName.data).toHaveLength(2);
    expect(byName.next_cursor).toBeTruthy();
    const rest = (await t.call(key, { method: 'GET', url: `/api/v1/contacts?q=Zed&limit=2&cursor=${byName.next_cursor}` })).json();
    expect(rest.data).toHaveLength(1);
    expect(new Set([...byName.data, ...rest.data].map((c: { name: string }) => c.name))).toEqual(new Set(['Zed One', 'Zed Two', 'Zed Three']));
    expect((await t.call(key, { method: 'GET', url: '/api/v1/contacts?tag=search&attribute=city=Austin' })).json().data.map((c: { name: string }) => c.name)).toEqual(['Zed One']);
    expect((await t.call(key, { method: 'GET', url: '/api/v1/contacts?country=FR' })).json().data).toHaveLength(1);
    expect((await t.call(other, { method: 'GET', url: '/api/v1/contacts?q=Zed' })).json().data).toHaveLength(0);
  });

  it('lists each contact with the topics it has consent for now, its stage and when it last engaged', async () => {
    for (const topic of ['offers', 'news']) await t.call(key, { method: 'POST', url: '/api/v1/topics', payload: { key: topic, name: topic, category: 'marketing' } });
    const ivy = (await create({ phone: '+14155550170', name: 'Ivy List' })).json().id as string;
    const jon = (await create({ phone: '+14155550171', name: 'Jon List' })).json().id as string;
    const evidence = { text: 'Yes to WhatsApp offers', ip: '203.0.113.9' };
    for (const topic of ['offers', 'news']) expect((await t.call(key, { method: 'POST', url: `/api/v1/contacts/${ivy}/consent`, payload: { topic, action: 'grant', source: 'api', evidence } })).statusCode).toBeLessThan(300);
    expect((await t.call(key, { method: 'POST', url: `/api/v1/contacts/${ivy}/consent`, payload: { topic: 'news', action: 'withdraw', source: 'api' } })).statusCode).toBeLessThan(300);
    expect((await t.call(key, { method: 'POST', url: '/api/v1/events', payload: { contact_id: ivy, type: 'purchase', amount: 12, occurred_at: '2026-11-20T10:00:00Z' } })).statusCode).toBeLessThan(300);
    const rows = (await t.call(key, { method: 'GET', url: '/api/v1/contacts?q=%2B1415555017' })).json().data as { id: string; consent: string[]; last_engaged_at: string | null; lifecycle_stage: string }[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(ivy)).toMatchObject({ consent: ['offers'], last_engaged_at: '2026-11-20T10:00:00.000Z' });
    expect(byId.get(jon)).toMatchObject({ consent: [], last_engaged_at: null, lifecycle_stage: 'new' });
    // The phone lookup answers the same columns.
    expect((await t.call(key, { method: 'GET', url: '/api/v1/contacts?phone=%2B14155550170' })).json().data[0]).toMatchObject({ id: ivy, consent: ['offers'] });
  });

  it('bulk-tags by ids and by filter in one statement', async () => {
    const res = await t.call(key, { method: 'POST', url: '/api/v1/contacts/bulk-tag', payload: { filter: { tag: 'search' }, add: ['promo', 'search'], remove: ['search'] } });
    expect(res.json()).toEqual({ updated: 3 });
    const rows = await queryRows<{ tags: string[] }>(t.db, sql`select tags from contacts where name like 'Zed%'`);
    for (const r of rows) expect(r.tags).toEqual(['promo']);
    expect((await t.call(key, { method: 'POST', url: '/api/v1/contacts/bulk-tag', payload: { add: ['x'] } })).statusCode).toBe(422);
  });
});
