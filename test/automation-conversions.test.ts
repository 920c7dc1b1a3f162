// Conversions per automation step (issue 17, funnel step 8 for automations): purchases recorded
// through POST /api/v1/events are credited once, to the last message before them, whether it came
// from an automation step or a broadcast; step revenue nets refunds; erasure forgets the credit.
// Real automation engine, outbox and simulator, on a business clock.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/adapters/db/database.js';
import { silentLogger } from '../src/lib/logger.js';
import { runDueAutomations, scanAutomationTriggers } from '../src/modules/automations/index.js';
import { sendQueuedAutomated } from '../src/modules/messaging/index.js';
import { testClock } from './helpers/app.js';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';

const START = new Date('2026-12-01T12:00:00Z'); // 13:00 in Lagos, where seeded contacts live
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const clock = testClock(START);
let h: BroadcastHarness;
const log = silentLogger();
beforeAll(async () => {
  h = await createBroadcastHarness({ seed: 'automation-conversions', clock, tier: 'TIER_UNLIMITED', settings: { broadcasts: { quiet_hours: null, frequency_cap: null } } });
});
afterAll(async () => {
  await h?.close();
});

/** One pass of the worker's automation loop, then the outbox. */
async function tick(): Promise<void> {
  const deps = { db: h.t.db, now: clock.now(), log };
  await scanAutomationTriggers(deps);
  while ((await runDueAutomations(deps)) > 0) {
    /* until nothing is due */
  }
  await sendQueuedAutomated({ ...deps, box: h.t.wiring.box, gateway: h.t.wiring.gateway });
}
const offer = { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'x' } } };
const definition = {
  trigger: { type: 'api' },
  topic: 'offers',
  steps: [
    { id: 'welcome', type: 'send_template', template: offer },
    { id: 'pause', type: 'wait', duration: { days: 1 } },
    { id: 'follow_up', type: 'send_template', template: offer },
    { id: 'done', type: 'end' },
  ],
};
const at = (ms: number) => new Date(START.getTime() + ms).toISOString();
const purchase = (contact_id: string, ms: number, key: string, extra: Record<string, unknown> = {}) =>
  h.api('POST', '/api/v1/events', { contact_id, type: 'purchase', occurred_at: at(ms), idempotency_key: key, ...extra });
/** Where each event went: `step:<id>` or `broadcast`, by the event's idempotency key. */
async function credits(): Promise<Record<string, string>> {
  const rows = await queryRows<{ key: string; where: string }>(
    h.t.db,
    sql`select e.idempotency_key as key, 'step:' || c.step_id as where from automation_conversions c join contact_events e on e.id = c.event_id
        union all select e.idempotency_key, 'broadcast' from broadcast_conversions c join contact_events e on e.id = c.event_id`,
  );
  return Object.fromEntries(rows.map((r) => [r.key, r.where]));
}

describe('conversions per automation step', () => {
  let id = '';
  let people: { id: string; phone: string }[] = [];

  it('credits a purchase to the step whose message came last, within the window', async () => {
    const created = await h.api('POST', '/api/v1/automations', { name: 'welcome and follow-up', definition });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    id = created.body.id as string;
    expect((await h.api('POST', `/api/v1/automations/${id}/publish`)).status).toBe(200);
    people = await h.seedContacts(3, { tag: 'ac' });
    expect((await h.api('POST', `/api/v1/automations/${id}/enrollments`, { contact_ids: people.map((p) => p.id) })).status).toBe(200);
    await tick(); // the welcome goes out at START
    expect(people.every((p) => h.sim.sent(p.phone).length === 1)).toBe(true);
    const ann = people[0]!;
    const ben = people[1]!;

    clock.set(new Date(START.getTime() + 2 * HOUR));
    expect((await purchase(ann.id, HOUR, 'ann-order', { amount: 30, currency: 'EUR', properties: { order_id: 'A1' } })).status).toBe(200);
    expect((await purchase(ben.id, -HOUR, 'ben-before')).status).toBe(200); // before any message: not credited

    clock.set(new Date(START.getTime() + DAY + 60_000));
    await tick(); // the follow-up goes out a day later
    expect(people.every((p) => h.sim.sent(p.phone).length === 2)).toBe(true);
    clock.set(new Date(START.getTime() + 9 * DAY));
    expect((await purchase(ben.id, 2 * DAY, 'ben-order', { amount: 20, currency: 'EUR' })).status).toBe(200);
    expect((await purchase(ben.id, DAY + 8 * DAY, 'ben-too-late', { amount: 99, currency: 'EUR' })).status).toBe(200); // 8 days after the follow-up: window is 7

    expect(await credits()).toEqual({ 'ann-order': 'step:welcome', 'ben-order': 'step:follow_up' });
  });

  it('a broadcast sent after the step takes the credit (one touch, never counted twice)', async () => {
    const cat = people[2]!;
    const created = await h.api('POST', '/api/v1/broadcasts', {
      name: 'flash sale',
      audience: { rules: { field: 'tags', op: 'contains', value: 'ac' }, topic: 'offers' },
      template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { value: 'you' }, 'body.2': { value: 'x' } } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const b = created.body.id as string;
    expect((await h.api('POST', `/api/v1/broadcasts/${b}/start`)).status).toBe(200);
    const d = h.dispatcher();
    await h.waitFor(async () => (await h.api('GET', `/api/v1/broadcasts/${b}`)).body.status === 'completed', 30_000, 'the broadcast to complete');
    await d.stop();
    // The broadcast reached Cat two days after her follow-up.
    await h.t.db.execute(sql`update broadcast_recipients set sent_at = ${at(3 * DAY)}::timestamptz where broadcast_id = ${b}`);
    expect((await purchase(cat.id, 2 * DAY, 'cat-after-step', { amount: 5, currency: 'USD' })).status).toBe(200);
    expect((await purchase(cat.id, 3 * DAY + HOUR, 'cat-after-broadcast', { amount: 7, currency: 'USD' })).status).toBe(200);
    expect(await credits()).toMatchObject({ 'cat-after-step': 'step:follow_up', 'cat-after-broadcast': 'broadcast' });
    expect((await h.api('GET', `/api/v1/broadcasts/${b}`)).body.conversions).toMatchObject({ converted: 1, conversions: 1, revenue: [{ currency: 'USD', amount: 7 }] });
  }, 60_000);

  it('shows converted and revenue per step, net of refunds, and forgets an erased person', async () => {
    const ann = people[0]!;
    expect((await h.api('POST', '/api/v1/events', { contact_id: ann.id, type: 'refund', occurred_at: at(5 * HOUR), amount: 12.5, currency: 'EUR', properties: { order_id: 'A1' } })).status).toBe(200);
    let body = (await h.api('GET', `/api/v1/automations/${id}`)).body;
    expect(body.step_counts.welcome).toMatchObject({ sent: 3, converted: 1 });
    expect(body.step_counts.follow_up).toMatchObject({ sent: 3, converted: 2 });
    expect(body.step_conversions).toEqual({
      welcome: { converted: 1, conversions: 1, revenue: [{ currency: 'EUR', amount: 17.5 }] },
      follow_up: { converted: 2, conversions: 2, revenue: [{ currency: 'EUR', amount: 20 }, { currency: 'USD', amount: 5 }] },
    });

    // The same figures as a CSV download, one row per step in the flow's order.
    const csv = await h.t.app.inject({ method: 'GET', url: `/api/v1/automations/${id}/steps.csv`, headers: { authorization: `Bearer ${h.tenant.key}` } });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const [header, ...rows] = csv.body.trim().split('\r\n').map((l) => l.split(',').map((c) => c.replace(/^"|"$/g, '')));
    const row = (stepId: string) => Object.fromEntries(header!.map((k, i) => [k, rows.find((r) => r[1] === stepId)![i]]));
    expect(rows.map((r) => r.slice(0, 3).join(' '))).toEqual(['1 welcome send_template', '2 pause wait', '3 follow_up send_template', '4 done end']);
    expect(row('welcome')).toMatchObject({ sent: '3', converted: '1', conversions: '1', revenue: '17.50 EUR' });
    expect(row('follow_up')).toMatchObject({ sent: '3', converted: '2', conversions: '2', revenue: '20.00 EUR; 5.00 USD' });
    expect(row('pause')).toMatchObject({ waited: '3', converted: '0', revenue: '' });
    const other = await h.t.app.inject({ method: 'GET', url: `/api/v1/automations/00000000-0000-7000-8000-000000000000/steps.csv`, headers: { authorization: `Bearer ${h.tenant.key}` } });
    expect(other.statusCode).toBe(404);

    expect((await h.api('POST', `/api/v1/contacts/${ann.id}/erase`)).status).toBeLessThan(300);
    body = (await h.api('GET', `/api/v1/automations/${id}`)).body;
    expect(body.step_conversions.welcome).toBeUndefined();
    expect(body.step_counts.welcome.converted).toBeUndefined();
  });
});
