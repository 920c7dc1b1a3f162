import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';
import { rollUpAllCosts } from '../src/modules/analytics/index.js';

let h: BroadcastHarness;
beforeAll(async () => {
  h = await createBroadcastHarness({ seed: 'analytics-cost', settings: { broadcasts: { quiet_hours: null } } });
});
afterAll(async () => {
  await h?.close();
});

const month = () => new Date().toISOString().slice(0, 7);
const cost = async (query = '') => {
  await rollUpAllCosts(h.t.db);
  const res = await h.api('GET', `/api/v1/analytics/cost${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { currency: string; rate_card: string; totals: Record<string, number>; months: { month: string; sent: number }[]; rows: { month: string; country: string; category: string; rate: number; sent: number; billable: number; estimated_cost: number; actual_cost: number }[] };
};
const row = (c: Awaited<ReturnType<typeof cost>>, country: string, category = 'marketing') => c.rows.find((r) => r.country === country && r.category === category);

describe('what messages cost', () => {
  let ngIds: string[] = [];
  it('counts a broadcast per country and category, the estimate against the pricing in status webhooks', async () => {
    const ng = await h.seedContacts(4, { tag: 'cost' });
    ngIds = ng.map((c) => c.id);
    await h.seedContacts(2, { tag: 'cost', country: 'GB', timezone: 'Europe/London' });
    const created = await h.api('POST', '/api/v1/broadcasts', {
      name: 'Cost check',
      audience: { rules: { field: 'tags', op: 'contains', value: 'cost' }, topic: 'offers' },
      template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'x' } } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect((await h.api('POST', `/api/v1/broadcasts/${id}/start`)).status).toBe(200);
    h.dispatcher();
    await h.waitFor(async () => (await h.api('GET', `/api/v1/broadcasts/${id}`)).body.counts.read === 6, 20_000, 'reads');
    const c = await cost();
    expect(c).toMatchObject({ currency: 'USD', rate_card: 'default' });
    expect(c.months.at(-1)).toMatchObject({ month: month(), sent: 6 });
    expect(c.months).toHaveLength(3);
    // The built-in card: NG marketing 0.0516, GB marketing 0.0529 per delivered template.
    expect(row(c, 'NG')).toEqual({ month: month(), country: 'NG', category: 'marketing', rate: 0.0516, sent: 4, billable: 4, estimated_cost: 0.2064, actual_cost: 0.2064 });
    expect(row(c, 'GB')).toEqual({ month: month(), country: 'GB', category: 'marketing', rate: 0.0529, sent: 2, billable: 2, estimated_cost: 0.1058, actual_cost: 0.1058 });
    expect(c.totals).toEqual({ sent: 6, billable: 6, estimated_cost: 0.3122, actual_cost: 0.3122 });
  });

  it('counts a message once whatever its statuses replay, follows a change of pricing, and keeps counts through erasure', async () => {
    // The same statuses applied again change nothing.
    await h.t.db.execute(sql`update messages set pricing_billable = true where workspace_id = ${h.tenant.workspaceId} and pricing_billable`);
    expect(row(await cost(), 'NG')).toMatchObject({ sent: 4, billable: 4 });
    // A message Meta later prices as free leaves the billable count.
    await h.t.db.execute(sql`update messages set pricing_billable = false where id = (select id from messages where contact_id = ${ngIds[0]!} and direction = 'out' limit 1)`);
    expect(row(await cost(), 'NG')).toMatchObject({ sent: 4, billable: 3, actual_cost: 0.1548 });
    // Erasure removes the person and their messages, never what was spent.
    expect((await h.api('POST', `/api/v1/contacts/${ngIds[1]!}/erase`)).status).toBe(200);
    expect(row(await cost(), 'NG')).toMatchObject({ sent: 4, billable: 3 });
  });

  it("prices with the workspace's own rate card, and serves the same rows as CSV", async () => {
    const s = await h.api('PATCH', '/api/v1/workspace', { settings: { rate_card: { currency: 'EUR', rates: { '*': { marketing: 0.1 }, GB: { marketing: 0.05 } } } } });
    expect(s.status, JSON.stringify(s.body)).toBe(200);
    const c = await cost(`?from=${month()}&to=${month()}`);
    expect(c).toMatchObject({ currency: 'EUR', rate_card: 'workspace' });
    expect(c.months).toHaveLength(1);
    expect(row(c, 'NG')).toMatchObject({ rate: 0.1, estimated_cost: 0.4, actual_cost: 0.3 });
    expect(row(c, 'GB')).toMatchObject({ rate: 0.05, estimated_cost: 0.1, actual_cost: 0.1 });
    const csv = await h.t.call(h.tenant.key, { method: 'GET', url: `/api/v1/analytics/cost.csv?from=${month()}&to=${month()}` });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split(/\r?\n/).map((l) => l.replaceAll('"', ''));
    expect(lines[0]).toBe('month,country,category,currency,rate,sent,estimated_cost,billable,actual_cost');
    expect(lines).toContain(`${month()},NG,marketing,EUR,0.1,4,0.4,3,0.3`);
    expect(lines).toHaveLength(3);
  });

  it('names the field and the fix for a bad period, and shows another workspace nothing', async () => {
    const bad = await h.api('GET', '/api/v1/analytics/cost?from=2026-13');
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('2026-12');
    const swapped = await h.api('GET', '/api/v1/analytics/cost?from=2026-12&to=2026-01');
    expect(swapped.status).toBe(422);
    expect(JSON.stringify(swapped.body)).toContain('swap');
    const other = await h.t.tenant('cost-other');
    const res = await h.t.call(other.key, { method: 'GET', url: '/api/v1/analytics/cost' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ rows: [], totals: { sent: 0, billable: 0 } });
  });
});
