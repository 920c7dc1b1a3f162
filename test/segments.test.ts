import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { countSegment, pageSegment } from '../src/modules/segments/index.js';
import type { Ctx } from '../src/modules/context.js';
import { createTestApp, type TestApp } from './helpers/app.js';

// A small list where every contact differs in known ways; each rule below states exactly who
// must match, and its `not` must match exactly everyone else.
let t: TestApp;
let key: string;
let ctx: Ctx;
const ids: Record<string, string> = {};
const NOW = new Date();
const DAY = 86_400_000;
const daysAgo = (n: number): string => new Date(NOW.getTime() - n * DAY).toISOString();

const PEOPLE: Record<string, Record<string, unknown>> = {
  ann: { phone: '+447400123456', name: 'Ann Lee', language: 'en', tags: ['vip', 'shoes'], attributes: { city: 'London', plan: 'pro', age: 34, vip: true, birthday: '1990-03-14' } },
  bob: { phone: '+2348030000002', name: 'Bob Okafor', language: 'en', tags: ['shoes'], attributes: { city: 'Lagos', plan: 'free', age: 21, vip: false, birthday: '1985-12-01' } },
  cat: { phone: '+12125550103', name: 'Cat 100%_done', language: 'es', tags: [], attributes: { age: 57 } },
  dan: { phone: '+919812345604', name: 'Dan', tags: ['vip'], attributes: { city: 'Mumbai', plan: 'pro', age: 45 } },
  eve: { phone: '+5511987654305', name: null, language: 'pt', tags: ['news', 'shoes'], attributes: { city: 'São Paulo', plan: 'free' } },
};
const ALL = Object.keys(PEOPLE).sort();

beforeAll(async () => {
  t = await createTestApp();
  const tenant = await t.tenant('segments-a');
  key = tenant.key;
  ctx = { ...tenant.ctx, now: NOW };
  const call = (method: 'POST' | 'PATCH', url: string, payload: unknown) => t.call(key, { method, url, payload: payload as Record<string, unknown> });
  for (const a of [
    { key: 'city', type: 'string' },
    { key: 'plan', type: 'enum', enum_values: ['free', 'pro'] },
    { key: 'age', type: 'number' },
    { key: 'vip', type: 'boolean' },
    { key: 'birthday', type: 'date' },
  ]) {
    expect((await call('POST', '/api/v1/attributes', a)).statusCode).toBe(201);
  }
  await call('POST', '/api/v1/topics', { key: 'offers', name: 'Offers', category: 'marketing' });
  await call('POST', '/api/v1/topics', { key: 'news', name: 'News', category: 'utility' });
  for (const [name, body] of Object.entries(PEOPLE)) {
    const res = await call('POST', '/api/v1/contacts', Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null)));
    expect(res.statusCode, name).toBe(201);
    ids[name] = res.json().id;
  }
  const grant = (who: string, topic: string, action = 'grant') =>
    call('POST', `/api/v1/contacts/${ids[who]}/consent`, { topic, action, source: 'api', evidence: { text: 'Yes, send me offers', app: 'shop' } });
  expect((await grant('ann', 'offers')).statusCode).toBe(201);
  await grant('bob', 'offers');
  await grant('bob', 'offers', 'withdraw');
  await grant('cat', 'news');
  await grant('dan', 'offers');
  // Known engagement and ages of records.
  await t.db.execute(sql`update contacts set created_at = ${daysAgo(400)}::timestamptz where id = ${ids.bob}`);
  await t.db.execute(sql`update contacts set created_at = ${daysAgo(3)}::timestamptz where id = ${ids.eve}`);
  await t.db.execute(sql`insert into contact_engagement (contact_id, workspace_id, last_read_at, last_engaged_at, received_30d, read_30d, received_90d, read_90d, replied_90d)
    values (${ids.ann}, ${ctx.workspaceId}, ${daysAgo(2)}, ${daysAgo(2)}, 5, 4, 10, 8, 1), (${ids.bob}, ${ctx.workspaceId}, ${daysAgo(100)}, ${daysAgo(100)}, 0, 0, 0, 0, 0)`);
  const events = [
    { contact_id: ids.ann, type: 'purchase', products: ['sku-1'], amount: 30, occurred_at: daysAgo(5), idempotency_key: 'o1' },
    { contact_id: ids.ann, type: 'purchase', properties: { products: [{ sku: 'sku-1' }], amount: 50 }, occurred_at: daysAgo(9), idempotency_key: 'o2' },
    { phone: '+2348030000002', type: 'purchase', products: ['sku-1'], amount: 20, occurred_at: daysAgo(200), idempotency_key: 'o3' },
    { contact_id: ids.dan, type: 'purchase', products: ['sku-2'], amount: 500, occurred_at: daysAgo(1), idempotency_key: 'o4' },
    { contact_id: ids.eve, type: 'appointment', properties: { clinic: 'north' }, occurred_at: daysAgo(1) },
  ];
  const res = await call('POST', '/api/v1/events', { events });
  expect(res.json()).toMatchObject({ recorded: 5, duplicates: 0, errors: [] });
  // Eve as the lifecycle never evaluated her: no contact_lifecycle row, so her stage is 'new' and never changed.
  await t.db.execute(sql`delete from contact_lifecycle where contact_id = ${ids.eve}`);
});
afterAll(() => t.close());

async function who(rules: unknown): Promise<string[]> {
  const page = await pageSegment(ctx, rules, { limit: 1000 });
  const byId = new Map(Object.entries(ids).map(([n, id]) => [id, n]));
  return page.data.map((c) => byId.get(c.id)!).sort();
}

const TABLE: [string, unknown, string[]][] = [
  ['text eq', { field: 'country', op: 'eq', value: 'gb' }, ['ann']],
  ['text neq (missing passes)', { field: 'language', op: 'neq', value: 'en' }, ['cat', 'dan', 'eve']],
  ['text in', { field: 'country', op: 'in', value: ['NG', 'IN'] }, ['bob', 'dan']],
  ['text not_in (missing passes)', { field: 'language', op: 'not_in', value: ['en', 'es'] }, ['dan', 'eve']],
  ['text contains is case-insensitive', { field: 'name', op: 'contains', value: 'LEE' }, ['ann']],
  ['contains treats % and _ literally', { field: 'name', op: 'contains', value: '100%_' }, ['cat']],
  ['text starts_with', { field: 'phone', op: 'starts_with', value: '+44' }, ['ann']],
  ['text exists', { field: 'name', op: 'exists' }, ['ann', 'bob', 'cat', 'dan']],
  ['text not_exists', { field: 'name', op: 'not_exists' }, ['eve']],
  ['stage eq', { field: 'lifecycle_stage', op: 'eq', value: 'onboarding' }, ['ann', 'cat', 'dan']],
  // The stage is kept in contact_lifecycle; a contact the lifecycle never moved (eve, see beforeAll) has no row there and is 'new'.
  ['stage eq new (no lifecycle row)', { field: 'lifecycle_stage', op: 'eq', value: 'new' }, ['eve']],
  ['stage neq', { field: 'lifecycle_stage', op: 'neq', value: 'onboarding' }, ['bob', 'eve']],
  ['stage not_in', { field: 'lifecycle_stage', op: 'not_in', value: ['onboarding', 'churned'] }, ['eve']],
  ['stage contains', { field: 'lifecycle_stage', op: 'contains', value: 'new' }, ['eve']],
  ['stage starts_with', { field: 'lifecycle_stage', op: 'starts_with', value: 'onboarding' }, ['ann', 'cat', 'dan']],
  ['stage exists', { field: 'lifecycle_stage', op: 'exists' }, ALL],
  ['stage changed exists', { field: 'lifecycle_changed_at', op: 'exists' }, ['ann', 'bob', 'cat', 'dan']],
  ['stage changed not_in_last_days', { field: 'lifecycle_changed_at', op: 'not_in_last_days', value: 1 }, ['eve']],
  ['tags contains', { field: 'tags', op: 'contains', value: 'vip' }, ['ann', 'dan']],
  ['tags not_contains', { field: 'tags', op: 'not_contains', value: 'shoes' }, ['cat', 'dan']],
  ['tags contains_any', { field: 'tags', op: 'contains_any', value: ['news', 'vip'] }, ['ann', 'dan', 'eve']],
  ['tags contains_all', { field: 'tags', op: 'contains_all', value: ['vip', 'shoes'] }, ['ann']],
  ['tags exists', { field: 'tags', op: 'exists' }, ['ann', 'bob', 'dan', 'eve']],
  ['tags not_exists', { field: 'tags', op: 'not_exists' }, ['cat']],
  ['attribute string eq', { attribute: 'city', op: 'eq', value: 'São Paulo' }, ['eve']],
  ['attribute string neq', { attribute: 'city', op: 'neq', value: 'London' }, ['bob', 'cat', 'dan', 'eve']],
  ['attribute in', { attribute: 'city', op: 'in', value: ['Lagos', 'Mumbai'] }, ['bob', 'dan']],
  ['attribute not_in', { attribute: 'city', op: 'not_in', value: ['Lagos', 'Mumbai'] }, ['ann', 'cat', 'eve']],
  ['attribute contains', { attribute: 'city', op: 'contains', value: 'on' }, ['ann']],
  ['attribute enum eq', { attribute: 'plan', op: 'eq', value: 'pro' }, ['ann', 'dan']],
  ['attribute exists', { attribute: 'city', op: 'exists' }, ['ann', 'bob', 'dan', 'eve']],
  ['attribute not_exists', { attribute: 'city', op: 'not_exists' }, ['cat']],
  ['number eq', { attribute: 'age', op: 'eq', value: 45 }, ['dan']],
  ['number neq', { attribute: 'age', op: 'neq', value: 45 }, ['ann', 'bob', 'cat', 'eve']],
  ['number gt', { attribute: 'age', op: 'gt', value: 34 }, ['cat', 'dan']],
  ['number gte', { attribute: 'age', op: 'gte', value: 34 }, ['ann', 'cat', 'dan']],
  ['number lt', { attribute: 'age', op: 'lt', value: 34 }, ['bob']],
  ['number lte', { attribute: 'age', op: 'lte', value: 34 }, ['ann', 'bob']],
  ['number between', { attribute: 'age', op: 'between', value: [21, 45] }, ['ann', 'bob', 'dan']],
  ['number in', { attribute: 'age', op: 'in', value: [21, 57] }, ['bob', 'cat']],
  ['boolean eq', { attribute: 'vip', op: 'eq', value: true }, ['ann']],
  ['boolean neq (missing passes)', { attribute: 'vip', op: 'neq', value: true }, ['bob', 'cat', 'dan', 'eve']],
  ['date before', { attribute: 'birthday', op: 'before', value: '1990-01-01' }, ['bob']],
  ['date after', { attribute: 'birthday', op: 'after', value: '1990-03-13' }, ['ann']],
  ['date between', { attribute: 'birthday', op: 'between', value: ['1985-12-01', '1990-03-14'] }, ['ann', 'bob']],
  ['timestamp in_last_days', { field: 'created_at', op: 'in_last_days', value: 7 }, ['ann', 'cat', 'dan', 'eve']],
  ['timestamp not_in_last_days', { field: 'created_at', op: 'not_in_last_days', value: 7 }, ['bob']],
  ['timestamp before', { field: 'created_at', op: 'before', value: daysAgo(30) }, ['bob']],
  ['timestamp after', { field: 'created_at', op: 'after', value: daysAgo(30) }, ['ann', 'cat', 'dan', 'eve']],
  ['timestamp between', { field: 'created_at', op: 'between', value: [daysAgo(5), daysAgo(1)] }, ['eve']],
  ['engagement in_last_days', { field: 'engagement.last_read_at', op: 'in_last_days', value: 30 }, ['ann']],
  ['engagement not_in_last_days includes never', { field: 'engagement.last_read_at', op: 'not_in_last_days', value: 30 }, ['bob', 'cat', 'dan', 'eve']],
  ['engagement count gte', { field: 'engagement.read_30d', op: 'gte', value: 1 }, ['ann']],
  ['engagement count eq 0 includes no row', { field: 'engagement.received_30d', op: 'eq', value: 0 }, ['bob', 'cat', 'dan', 'eve']],
  ['engagement rate', { field: 'engagement.read_rate_90d', op: 'gte', value: 0.8 }, ['ann']],
  ['purchases folded from events', { field: 'engagement.purchases_count', op: 'gte', value: 2 }, ['ann']],
  ['purchase total', { field: 'engagement.purchases_total', op: 'gt', value: 100 }, ['dan']],
  ['last purchase in the last 7 days', { field: 'engagement.last_purchase_at', op: 'in_last_days', value: 7 }, ['ann', 'dan']],
  ['two engagement conditions read one row', { all: [{ field: 'engagement.read_30d', op: 'gte', value: 1 }, { field: 'engagement.received_90d', op: 'gte', value: 10 }] }, ['ann']],
  ['engagement set and an includes-missing condition', { all: [{ field: 'engagement.read_90d', op: 'lt', value: 5 }, { field: 'engagement.last_read_at', op: 'not_in_last_days', value: 30 }] }, ['bob', 'cat', 'dan', 'eve']],
  ['engagement exists', { field: 'engagement.last_engaged_at', op: 'exists' }, ['ann', 'bob', 'dan', 'eve']],
  ['unreachable', { field: 'unreachable', op: 'eq', value: false }, ALL],
  ['consent granted', { consent: { topic: 'offers' } }, ['ann', 'dan']],
  ['consent withdrawn', { consent: { topic: 'offers', status: 'withdrawn' } }, ['bob']],
  ['consent none', { consent: { topic: 'offers', status: 'none' } }, ['cat', 'eve']],
  ['consent by source and recency', { consent: { topic: 'news', source: ['api'], in_last_days: 1 } }, ['cat']],
  ['event any time', { event: { type: 'purchase' } }, ['ann', 'bob', 'dan']],
  ['event product, count and window', { event: { type: 'purchase', product: 'sku-1', min_count: 2, within_days: 30 } }, ['ann']],
  ['event product in window', { event: { type: 'purchase', product: 'sku-1', within_days: 30 } }, ['ann']],
  ['event max_count', { event: { type: 'purchase', max_count: 1 } }, ['bob', 'dan']],
  ['event amount', { event: { type: 'purchase', min_amount: 80 } }, ['ann', 'dan']],
  ['event properties', { event: { type: 'appointment', properties: { clinic: 'north' } } }, ['eve']],
  ['all', { all: [{ field: 'tags', op: 'contains', value: 'shoes' }, { consent: { topic: 'offers' } }] }, ['ann']],
  ['any', { any: [{ field: 'country', op: 'eq', value: 'BR' }, { attribute: 'plan', op: 'eq', value: 'pro' }] }, ['ann', 'dan', 'eve']],
  ['not', { not: { field: 'tags', op: 'contains', value: 'vip' } }, ['bob', 'cat', 'eve']],
  [
    'nested any/all/not with events',
    {
      all: [
        { any: [{ field: 'tags', op: 'contains', value: 'shoes' }, { field: 'country', op: 'eq', value: 'IN' }] },
        { event: { type: 'purchase', within_days: 365 } },
        { not: { field: 'engagement.last_read_at', op: 'in_last_days', value: 30 } },
      ],
    },
    ['bob', 'dan'],
  ],
];

describe('segment rules against a truth table', () => {
  it.each(TABLE)('%s', async (_name, rules, expected) => {
    expect(await who(rules)).toEqual(expected);
    expect(await countSegment(ctx, rules)).toBe(expected.length);
    // `not` is the exact complement, whatever NULLs the condition meets.
    expect(await who({ not: rules })).toEqual(ALL.filter((n) => !expected.includes(n)));
    expect(await countSegment(ctx, { not: rules })).toBe(ALL.length - expected.length);
  });
});

describe('segment API', () => {
  it('previews a count and a sample', async () => {
    const res = await t.call(key, { method: 'POST', url: '/api/v1/segments/preview', payload: { rules: { field: 'tags', op: 'contains', value: 'shoes' }, sample_size: 2 } });
    expect(res.statusCode).toBe(200);
    expect(res.json().count).toBe(3);
    expect(res.json().sample).toHaveLength(2);
    expect(res.json().sample[0]).toHaveProperty('phone');
  });

  it.each([
    [{ field: 'colour', op: 'eq', value: 'red' }, 'rules.field', 'unknown field'],
    [{ all: [{ field: 'country', op: 'gt', value: 1 }] }, 'rules.all[0].op', 'does not apply to a text value'],
    [{ all: [{ attribute: 'age', op: 'gt', value: 'old' }] }, 'rules.all[0].value', 'must be a number'],
    [{ attribute: 'shoe_size', op: 'eq', value: 4 }, 'rules.attribute', 'not a defined attribute'],
    [{ attribute: 'plan', op: 'eq', value: 'gold' }, 'rules.value', 'not one of free, pro'],
    [{ consent: { topic: 'sms' } }, 'rules.consent.topic', 'not a topic key'],
    [{ any: [] }, 'rules.any', 'non-empty'],
    [{ not: { field: 'country', op: 'eq', value: 'GB', extra: 1 } }, 'rules.not', 'unexpected key "extra"'],
    [{ field: 'created_at', op: 'in_last_days', value: 0 }, 'rules.value', 'whole number of days'],
    [{ field: 'created_at', op: 'before', value: "2026-01-01' OR 1=1 --" }, 'rules.value', 'ISO 8601'],
    [{ event: { type: 'purchase', min_count: 0 } }, 'rules.event.min_count', 'at least 1'],
    [{ segment: '00000000-0000-4000-8000-000000000000' }, 'rules.segment', 'no saved segment'],
    [{ sql: 'select 1' }, 'rules', 'unknown node'],
    [[{ field: 'country', op: 'eq', value: 'GB' }], 'rules', 'must be an object'],
  ])('rejects %j pointing at %s', async (rules, path, problem) => {
    const res = await t.call(key, { method: 'POST', url: '/api/v1/segments/preview', payload: { rules } });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('SEGMENT_RULES_INVALID');
    expect(res.json().error.details.path).toBe(path);
    expect(res.json().error.details.problem).toContain(problem);
  });

  it('treats quotes and SQL in values as data', async () => {
    const rules = { any: [{ field: 'name', op: 'eq', value: "x' OR 1=1 --" }, { attribute: 'city', op: 'eq', value: '"}' }, { field: 'tags', op: 'contains', value: "'); drop table contacts; --" }] };
    expect(await countSegment(ctx, rules)).toBe(0);
    expect(await countSegment(ctx, { field: 'tags', op: 'exists' })).toBe(4);
  });

  it('saves dynamic segments, refers to them, pages them, and refuses loops', async () => {
    const shoes = (await t.call(key, { method: 'POST', url: '/api/v1/segments', payload: { name: 'Shoe buyers', rules: { field: 'tags', op: 'contains', value: 'shoes' } } })).json();
    expect(shoes).toMatchObject({ kind: 'dynamic', member_count: null });
    const dup = await t.call(key, { method: 'POST', url: '/api/v1/segments', payload: { name: 'Shoe buyers', rules: { field: 'tags', op: 'exists' } } });
    expect(dup.json().error.code).toBe('SEGMENT_NAME_TAKEN');
    const vipShoes = (await t.call(key, { method: 'POST', url: '/api/v1/segments', payload: { name: 'VIP shoe buyers', rules: { all: [{ segment: shoes.id }, { field: 'tags', op: 'contains', value: 'vip' }] } } })).json();
    expect((await t.call(key, { method: 'GET', url: `/api/v1/segments/${vipShoes.id}/count` })).json()).toEqual({ count: 1 });
    // A loop through another segment is refused where it would be created.
    const loop = await t.call(key, { method: 'PATCH', url: `/api/v1/segments/${shoes.id}`, payload: { rules: { segment: vipShoes.id } } });
    expect(loop.statusCode).toBe(422);
    expect(loop.json().error.details.problem).toMatch(/itself|loop/);
    // In use: cannot be deleted while another segment refers to it.
    const del = await t.call(key, { method: 'DELETE', url: `/api/v1/segments/${shoes.id}` });
    expect(del.json().error).toMatchObject({ code: 'SEGMENT_IN_USE', details: { used_by: [vipShoes.id] } });
    const p1 = (await t.call(key, { method: 'GET', url: `/api/v1/segments/${shoes.id}/contacts?limit=2` })).json();
    const p2 = (await t.call(key, { method: 'GET', url: `/api/v1/segments/${shoes.id}/contacts?limit=2&cursor=${p1.next_cursor}` })).json();
    expect(p1.data).toHaveLength(2);
    expect(p2.data).toHaveLength(1);
    expect(p2.next_cursor).toBeNull();
    expect(new Set([...p1.data, ...p2.data].map((c: { id: string }) => c.id))).toEqual(new Set([ids.ann, ids.bob, ids.eve]));
  });

  it('keeps static lists with explicit members (ids, phones, rules snapshot)', async () => {
    const list = (await t.call(key, { method: 'POST', url: '/api/v1/segments', payload: { name: 'Fair visitors' } })).json();
    expect(list).toMatchObject({ kind: 'static', member_count: 0 });
    const byId = await t.call(key, { method: 'POST', url: `/api/v1/segments/${list.id}/members`, payload: { contact_ids: [ids.ann, ids.ann, '00000000-0000-4000-8000-000000000000'] } });
    expect(byId.json()).toEqual({ added: 1, removed: 0, member_count: 1, not_found: ['00000000-0000-4000-8000-000000000000'], invalid: [] });
    const byPhone = await t.call(key, { method: 'POST', url: `/api/v1/segments/${list.id}/members`, payload: { phones: ['+234 803 000 0002', '+447400123999', 'call me', '+2348030000002'] } });
    // Matched in E.164 (spaces or not); a valid number with no contact and a non-number are named.
    expect(byPhone.json()).toEqual({
      added: 1,
      removed: 0,
      member_count: 2,
      not_found: ['+447400123999'],
      invalid: [{ phone: 'call me', message: expect.stringMatching(/phone number/) }],
    });
    const byRules = await t.call(key, { method: 'POST', url: `/api/v1/segments/${list.id}/members`, payload: { rules: { field: 'tags', op: 'contains', value: 'vip' } } });
    expect(byRules.json()).toEqual({ added: 1, removed: 0, member_count: 3, not_found: [], invalid: [] });
    expect(await who({ segment: list.id })).toEqual(['ann', 'bob', 'dan']);
    // Snapshot, not live: a new VIP is not added.
    await t.call(key, { method: 'PATCH', url: `/api/v1/contacts/${ids.eve}`, payload: { tags: ['vip'] } });
    expect(await who({ segment: list.id })).toEqual(['ann', 'bob', 'dan']);
    const removed = await t.call(key, { method: 'POST', url: `/api/v1/segments/${list.id}/members/remove`, payload: { contact_ids: [ids.bob] } });
    expect(removed.json()).toEqual({ added: 0, removed: 1, member_count: 2 });
    const rulesOnList = await t.call(key, { method: 'PATCH', url: `/api/v1/segments/${list.id}`, payload: { rules: { field: 'tags', op: 'exists' } } });
    expect(rulesOnList.json().error.code).toBe('SEGMENT_NOT_DYNAMIC');
    await t.call(key, { method: 'PATCH', url: `/api/v1/contacts/${ids.eve}`, payload: { tags: ['news', 'shoes'] } });
  });

  it('never shows another workspace its segments or contacts', async () => {
    const other = await t.tenant('segments-b');
    const mine = (await t.call(key, { method: 'POST', url: '/api/v1/segments', payload: { name: 'Everyone', rules: { field: 'tags', op: 'not_exists' } } })).json();
    expect((await t.call(other.key, { method: 'GET', url: `/api/v1/segments/${mine.id}` })).statusCode).toBe(404);
    expect((await t.call(other.key, { method: 'POST', url: '/api/v1/segments/preview', payload: { rules: { segment: mine.id } } })).statusCode).toBe(422);
    expect((await t.call(other.key, { method: 'POST', url: '/api/v1/segments/preview', payload: { rules: { field: 'name', op: 'exists' } } })).json().count).toBe(0);
  });
});
