// GET /api/v1/contacts/count: how many contacts match the list's filters, per workspace; bad filters are 422s naming the field.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countContacts, EXACT_COUNT_UP_TO } from '../src/modules/contacts/index.js';
import { createApiKey } from '../src/modules/workspaces/index.js';
import type { Ctx } from '../src/modules/context.js';
import { createTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
let key: string;
let other: string;
let readOnly: string;
let ctxA: Ctx;

const count = async (query: string, k = key) => {
  const res = await t.call(k, { method: 'GET', url: `/api/v1/contacts/count${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { count: number; exact: boolean };
};
/** The ids the list returns for the same filters (every page), to compare with the count. */
const listed = async (query: string) => {
  const res = await t.call(key, { method: 'GET', url: `/api/v1/contacts${query}${query ? '&' : '?'}limit=200` });
  return (res.json() as { data: unknown[] }).data.length;
};

beforeAll(async () => {
  t = await createTestApp();
  const a = await t.tenant('count-a');
  key = a.key;
  other = (await t.tenant('count-b')).key;
  ctxA = a.ctx;
  readOnly = (await createApiKey(a.ctx, { name: 'viewer', role: 'viewer' })).key;
  const post = async (k: string, url: string, payload: object) => {
    const res = await t.call(k, { method: 'POST', url, payload });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string };
  };
  await post(key, '/api/v1/topics', { key: 'offers', name: 'Offers', category: 'marketing' });
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) ids.push((await post(key, '/api/v1/contacts', { phone: `+4915112345${String(i).padStart(3, '0')}`, name: i < 3 ? `Maria ${i}` : `Jon ${i}`, tags: i % 2 === 0 ? ['vip'] : [] })).id);
  await post(key, `/api/v1/contacts/${ids[0]}/consent`, { topic: 'offers', action: 'grant', source: 'api', evidence: { text: 'Yes to offers', ip: '203.0.113.9' } });
  await post(key, `/api/v1/contacts/${ids[1]}/consent`, { topic: 'offers', action: 'grant', source: 'api', evidence: { text: 'Yes to offers', ip: '203.0.113.9' } });
  // Another workspace's Marias and VIPs must never be counted.
  for (let i = 0; i < 4; i++) await post(other, '/api/v1/contacts', { phone: `+4915112346${String(i).padStart(3, '0')}`, name: `Maria other ${i}`, tags: ['vip'] });
});
afterAll(() => t?.close());

describe('GET /api/v1/contacts/count', () => {
  it('counts the workspace contacts, exactly, with and without the list filters, as the list does', async () => {
    expect(await count('')).toEqual({ count: 7, exact: true });
    for (const q of ['?q=Maria', '?tag=vip', '?q=Jon&tag=vip', '?topic=offers&consent=granted', '?topic=offers&consent=none', '?country=DE', '?q=%2B49151']) {
      expect((await count(q)).count, q).toBe(await listed(q));
    }
    expect((await count('?q=Maria')).count).toBe(3);
    expect((await count('?tag=vip')).count).toBe(4);
    expect((await count('?topic=offers&consent=granted')).count).toBe(2);
    expect((await count('?q=Nobody')).count).toBe(0);
  });

  it("never counts another workspace's contacts", async () => {
    expect(await count('', other)).toEqual({ count: 4, exact: true });
    expect((await count('?q=Maria', other)).count).toBe(4);
    expect((await count('?tag=vip', other)).count).toBe(4);
  });

  it('follows adds and erasures', async () => {
    const res = await t.call(key, { method: 'POST', url: '/api/v1/contacts', payload: { phone: '+4915112345999', name: 'Maria new' } });
    expect((await count('?q=Maria')).count).toBe(4);
    await t.call(key, { method: 'POST', url: `/api/v1/contacts/${(res.json() as { id: string }).id}/erase` });
    expect((await count('?q=Maria')).count).toBe(3);
  });

  it('is readable with contacts:read only, and not without a key', async () => {
    expect((await count('', readOnly)).count).toBe(7);
    expect((await t.call(undefined, { method: 'GET', url: '/api/v1/contacts/count' })).statusCode).toBe(401);
  });

  it('answers a bad filter with 422 naming the field', async () => {
    const cases: [string, string][] = [
      ['?consent=maybe&topic=offers', 'querystring.consent'],
      ['?country=GBR', 'querystring.country'],
      ['?created_after=yesterday', 'querystring.created_after'],
      ['?limit=5', 'querystring.limit'],
      ['?topic=offers', 'consent'],
      ['?attribute=city', 'attribute'],
    ];
    for (const [q, field] of cases) {
      const res = await t.call(key, { method: 'GET', url: `/api/v1/contacts/count${q}` });
      expect(res.statusCode, q).toBe(422);
      const err = res.json().error as { code: string; details: { fields: { field: string }[] } };
      expect(err.code, q).toBe('VALIDATION_FAILED');
      expect(err.details.fields.map((f) => f.field), q).toContain(field);
    }
  });

  it('past the exact cap answers an estimate, never below the cap, marked exact: false', async () => {
    // The real cap is 100,000 matches (measured at 1,000,000 contacts in bench/admin-ui-paging.ts);
    // a cap of 3 runs the same two statements over this workspace's 7 contacts.
    expect(EXACT_COUNT_UP_TO).toBe(100_000);
    // Fresh statistics, so the planner's estimate of this workspace's 7 rows is near 7 (not the floor of 4).
    await t.db.execute(sql`analyze contacts`);
    const over = await countContacts(ctxA, {}, 3);
    expect(over.exact).toBe(false);
    expect(over.count).toBeGreaterThanOrEqual(5);
    expect(over.count).toBeLessThanOrEqual(9);
    expect(await countContacts(ctxA, { q: 'Maria' }, 3)).toEqual({ count: 3, exact: true });
    expect(await countContacts(ctxA, { tag: 'vip' }, 3)).toMatchObject({ exact: false });
  });
});
