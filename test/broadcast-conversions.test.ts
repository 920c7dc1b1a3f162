// Conversions and revenue (issue 17, funnel step 8): two broadcasts sent through the real engine,
// then purchases recorded through POST /api/v1/events at the window's edges. Last touch wins, an
// event counts once (a resend, a re-run, a rolled-back transaction), revenue stays per currency,
// and the funnel list, both CSVs and the broadcast itself agree.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/adapters/db/database.js';
import { attributeConversions } from '../src/modules/broadcasts/index.js';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';

let h: BroadcastHarness;
beforeAll(async () => {
  h = await createBroadcastHarness({ seed: 'conversions', tier: 'TIER_UNLIMITED', settings: { broadcasts: { quiet_hours: null, frequency_cap: null } } });
});
afterAll(async () => {
  await h?.close();
});

type P = { id: string; phone: string };
const DAY = 86_400_000;
// The first broadcast's send time, set on its rows so the edges are exact (20 days back: events must not be in the future).
const T1 = new Date(Math.floor((Date.now() - 20 * DAY) / 1000) * 1000);
const at = (ms: number) => new Date(T1.getTime() + ms).toISOString();
const event = (contact_id: string, occurred_at: string, extra: Record<string, unknown> = {}) => h.api('POST', '/api/v1/events', { contact_id, type: 'purchase', occurred_at, ...extra });
const credited = async () =>
  Object.fromEntries((await queryRows<{ key: string; broadcast_id: string }>(h.t.db, sql`select e.idempotency_key as key, c.broadcast_id from broadcast_conversions c join contact_events e on e.id = c.event_id`)).map((r) => [r.key, r.broadcast_id]));

function parseCsv(text: string): Record<string, string>[] {
  const lines = text.trim().split('\r\n').map((l) => [...l.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)].map((m) => m[1]!.replace(/^"|"$/g, '').replace(/""/g, '"')).slice(0, -1));
  const [header, ...rows] = lines;
  return rows.map((r) => Object.fromEntries(header!.map((k, i) => [k, r[i] ?? ''])));
}

async function sendBroadcast(tag: string): Promise<string> {
  const created = await h.api('POST', '/api/v1/broadcasts', {
    name: `sale ${tag}`,
    audience: { rules: { field: 'tags', op: 'contains', value: tag }, topic: 'offers' },
    template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { value: 'you' }, 'body.2': { value: 'x' } } },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as string;
  expect((await h.api('POST', `/api/v1/broadcasts/${id}/start`)).status).toBe(200);
  const d = h.dispatcher();
  await h.waitFor(async () => (await h.api('GET', `/api/v1/broadcasts/${id}`)).body.status === 'completed', 30_000, `broadcast ${tag} to complete`);
  await d.stop();
  return id;
}

describe('broadcast conversions and revenue', () => {
  let b1 = '';
  let b2 = '';
  let people: { id: string; phone: string }[] = [];

  it('sends two broadcasts; the second reaches one of the first one’s recipients a day later', async () => {
    people = await h.seedContacts(5, { tag: 'c-run' });
    b1 = await sendBroadcast('c-run');
    await h.t.db.execute(sql`update contacts set tags = array_append(tags, 'c-two') where id = ${people[4]!.id}`);
    b2 = await sendBroadcast('c-two');
    await h.t.db.execute(sql`update broadcast_recipients set sent_at = ${T1.toISOString()}::timestamptz where broadcast_id = ${b1}`);
    await h.t.db.execute(sql`update broadcast_recipients set sent_at = ${at(DAY)}::timestamptz where broadcast_id = ${b2}`);
    const sent = await queryRows<{ n: string }>(h.t.db, sql`select count(*) as n from broadcast_recipients where broadcast_id = ${b1} and state = 'accepted'`);
    expect(Number(sent[0]!.n)).toBe(5);
  }, 90_000);

  it('credits purchases within 7 days (edges included), to the last broadcast sent before them', async () => {
    const [a, b, c, d, e] = people as [P, P, P, P, P];
    expect((await event(a.id, at(7 * DAY), { amount: 10, currency: 'EUR', idempotency_key: 'a-edge' })).status).toBe(200); // exactly 7 days: counts
    expect((await event(b.id, at(7 * DAY + 1000), { amount: 99, currency: 'EUR', idempotency_key: 'b-late' })).status).toBe(200); // 7 days + 1 s: does not
    expect((await event(c.id, at(-1000), { amount: 50, currency: 'EUR', idempotency_key: 'c-before' })).status).toBe(200); // before the send: does not
    expect((await event(c.id, at(3_600_000), { amount: 5, currency: 'USD', idempotency_key: 'c-usd' })).status).toBe(200);
    expect((await event(c.id, at(7_200_000), { amount: 3, currency: 'EUR', idempotency_key: 'c-eur' })).status).toBe(200);
    expect((await event(c.id, at(0), { idempotency_key: 'c-same-second' })).status).toBe(200); // the send's own second, no amount: counts, no revenue
    expect((await h.api('POST', '/api/v1/events', { contact_id: d.id, type: 'signup', occurred_at: at(60_000), idempotency_key: 'd-signup' })).status).toBe(200); // not a goal event
    expect((await event(e.id, at(DAY + 3_600_000), { amount: 20, currency: 'EUR', idempotency_key: 'e-last-touch' })).status).toBe(200);
    expect((await event(e.id, at(DAY - 3_600_000), { amount: 1, currency: 'EUR', idempotency_key: 'e-before-second' })).status).toBe(200);
    expect(await credited()).toEqual({ 'a-edge': b1, 'c-usd': b1, 'c-eur': b1, 'c-same-second': b1, 'e-last-touch': b2, 'e-before-second': b1 });
  });

  it('counts an event once: a resent request, a re-run, and a transaction that dies', async () => {
    const resent = await event(people[0]!.id, at(7 * DAY), { amount: 10, currency: 'EUR', idempotency_key: 'a-edge' });
    expect(resent.body).toMatchObject({ recorded: 0, duplicates: 1 });
    const ids = (await queryRows<{ id: string }>(h.t.db, sql`select id::text from contact_events where workspace_id = ${h.tenant.workspaceId}`)).map((r) => Number(r.id));
    expect(await attributeConversions(h.t.db, h.tenant.workspaceId, ids, new Date())).toBe(0);
    // A crash after attributing, before commit: neither the attribution stays nor is it lost for a re-run.
    const d = people[3]!;
    const [ev] = await queryRows<{ id: string }>(
      h.t.db,
      sql`insert into contact_events (workspace_id, contact_id, type, properties, products, amount, currency, occurred_at, received_at, idempotency_key)
          values (${h.tenant.workspaceId}, ${d.id}, 'purchase', '{}'::jsonb, '{}', 7, 'EUR', ${at(DAY)}::timestamptz, now(), 'd-crash') returning id::text`,
    );
    await expect(
      h.t.db.transaction(async (tx) => {
        expect(await attributeConversions(tx, h.tenant.workspaceId, [Number(ev!.id)], new Date())).toBe(1);
        throw new Error('crash');
      }),
    ).rejects.toThrow('crash');
    expect((await credited())['d-crash']).toBeUndefined();
    expect(await attributeConversions(h.t.db, h.tenant.workspaceId, [Number(ev!.id)], new Date())).toBe(1);
    expect(await attributeConversions(h.t.db, h.tenant.workspaceId, [Number(ev!.id)], new Date())).toBe(0);
    expect((await credited())['d-crash']).toBe(b1);
  });

  it('shows converted and revenue per currency in the funnel list, its CSV and the broadcast', async () => {
    const list = await h.api('GET', '/api/v1/analytics/broadcasts');
    expect(list.status).toBe(200);
    const row1 = list.body.data.find((r: { id: string }) => r.id === b1);
    const row2 = list.body.data.find((r: { id: string }) => r.id === b2);
    // b1: a, c and d converted (e's last purchase went to b2, its earlier one to b1: e too).
    expect(row1.funnel.converted).toBe(4);
    expect(row1.revenue).toEqual([{ currency: 'EUR', amount: 21 }, { currency: 'USD', amount: 5 }]);
    expect(row1.rates.converted).toBe(4 / 5);
    expect(row2.funnel.converted).toBe(1);
    expect(row2.revenue).toEqual([{ currency: 'EUR', amount: 20 }]);
    const detail = await h.api('GET', `/api/v1/broadcasts/${b1}`);
    expect(detail.body.conversions).toEqual({ converted: 4, conversions: 6, revenue: [{ currency: 'EUR', amount: 21 }, { currency: 'USD', amount: 5 }] });
    const csv = await h.t.call(h.tenant.key, { method: 'GET', url: '/api/v1/analytics/broadcasts.csv' });
    const byId = new Map(parseCsv(csv.body).map((r) => [r.id, r]));
    expect(byId.get(b1)).toMatchObject({ converted: '4', revenue: '21.00 EUR; 5.00 USD' });
    expect(byId.get(b2)).toMatchObject({ converted: '1', revenue: '20.00 EUR' });
  });

  it('the recipients CSV has converted_at (the first credited event) and revenue per recipient', async () => {
    const res = await h.t.call(h.tenant.key, { method: 'GET', url: `/api/v1/broadcasts/${b1}/recipients.csv` });
    expect(res.statusCode).toBe(200);
    const by = new Map(parseCsv(res.body).map((r) => [r.contact_id, r]));
    const [a, b, c, , e] = people as [P, P, P, P, P];
    expect(by.get(a.id)).toMatchObject({ converted_at: at(7 * DAY), revenue: '10.00 EUR' });
    expect(by.get(b.id)).toMatchObject({ converted_at: '', revenue: '' });
    expect(by.get(c.id)).toMatchObject({ converted_at: at(0), revenue: '3.00 EUR; 5.00 USD' });
    expect(by.get(e.id)).toMatchObject({ converted_at: at(DAY - 3_600_000), revenue: '1.00 EUR' });
  });

  it('the window and goal events are workspace settings, validated', async () => {
    for (const bad of [0, 31, 2.5]) {
      const res = await h.api('PATCH', '/api/v1/workspace', { settings: { conversions: { window_days: bad } } });
      expect(res.status, String(bad)).toBe(422);
      expect(JSON.stringify(res.body.error.details)).toContain('settings.conversions.window_days');
    }
    expect((await h.api('PATCH', '/api/v1/workspace', { settings: { conversions: { window_days: 30, event_types: ['purchase', 'signup'] } } })).status).toBe(200);
    // b's purchase at 7 days + 1 s now falls inside a 30-day window, but only new events are attributed: a new signup is.
    expect((await h.api('POST', '/api/v1/events', { contact_id: people[1]!.id, type: 'signup', occurred_at: at(20 * DAY - 60_000), idempotency_key: 'b-signup' })).status).toBe(200);
    expect((await credited())['b-signup']).toBe(b1);
    expect((await credited())['b-late']).toBeUndefined();
  });

  it('refunds of a credited order take its revenue back (capped, idempotent, even before the purchase)', async () => {
    const d = people[3]!;
    const revenue = async () => (await h.api('GET', `/api/v1/broadcasts/${b1}`)).body.conversions.revenue as { currency: string; amount: number }[];
    const eur = async () => (await revenue()).find((r) => r.currency === 'EUR')!.amount;
    const before = await eur();
    const convertedBefore = (await h.api('GET', `/api/v1/broadcasts/${b1}`)).body.conversions.converted as number;
    const refund = (key: string, amount: number, order: string, minutes: number, currency: string | undefined = 'EUR') =>
      h.api('POST', '/api/v1/events', { contact_id: d.id, type: 'refund', occurred_at: at(DAY + minutes * 60_000), amount, ...(currency ? { currency } : {}), properties: { order_id: order }, idempotency_key: key });
    // A refund that arrives before its purchase is netted when the purchase is credited.
    expect((await refund('d-r0', 4, 'o-2', 1)).status).toBe(200);
    expect(await eur()).toBe(before);
    expect((await event(d.id, at(DAY + 2 * 60_000), { amount: 30, currency: 'EUR', properties: { order_id: 'o-2' }, idempotency_key: 'd-o2' })).status).toBe(200);
    expect(await eur()).toBe(before + 26);
    expect((await refund('d-r1', 10, 'o-2', 3)).status).toBe(200);
    expect(await eur()).toBe(before + 16);
    // The same refund again (resent), one for another order, one in another currency: no change.
    expect((await refund('d-r1', 10, 'o-2', 3)).body).toMatchObject({ duplicates: 1 });
    expect((await refund('d-r2', 10, 'o-other', 4)).status).toBe(200);
    expect((await refund('d-r3', 10, 'o-2', 5, 'USD')).status).toBe(200);
    expect(await eur()).toBe(before + 16);
    // More refunded than paid: the order adds nothing, never less; without a currency it is the purchase's.
    expect((await refund('d-r4', 50, 'o-2', 6, undefined)).status).toBe(200);
    expect(await eur()).toBe(before);
    const detail = (await h.api('GET', `/api/v1/broadcasts/${b1}`)).body.conversions;
    expect(detail.converted).toBe(convertedBefore); // the person did convert; only the money went back
    const csv = await h.t.call(h.tenant.key, { method: 'GET', url: '/api/v1/analytics/broadcasts.csv' });
    expect(parseCsv(csv.body).find((r) => r.id === b1)!.revenue).toContain(`${before.toFixed(2)} EUR`);
  });

  it('erasing a contact removes their credited events; the broadcast no longer counts them', async () => {
    const a = people[0]!;
    expect((await h.api('POST', `/api/v1/contacts/${a.id}/erase`)).status).toBe(200);
    const left = await queryRows<{ n: string }>(h.t.db, sql`select count(*) as n from broadcast_conversions where contact_id = ${a.id}`);
    expect(Number(left[0]!.n)).toBe(0);
    const detail = await h.api('GET', `/api/v1/broadcasts/${b1}`);
    expect(detail.body.conversions).toMatchObject({ converted: 4, revenue: [{ currency: 'EUR', amount: 11 }, { currency: 'USD', amount: 5 }] });
  });
});
