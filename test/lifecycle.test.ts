import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { parseWebhook } from '../src/adapters/whatsapp/webhook-parse.js';
import { silentLogger } from '../src/lib/logger.js';
import { processPendingWebhooks } from '../src/modules/inbound/index.js';
import { openRun, runHygiene, runLifecycle } from '../src/modules/lifecycle/index.js';
import { recordOutboundMessage } from '../src/modules/messaging/index.js';
import type { Simulator } from '../src/simulator/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { connectSimNumber, createTopics, subscriber as subscribe } from './helpers/factories.js';
import { messagesEnvelope, metaJson, sign, statusValue, textMessage } from './helpers/webhooks.js';

// Lifecycle stages from synthetic histories: each contact's engagement and consent are set to a
// known shape, then a bulk run (or an event) must put it in the expected stage with a reason.
let t: TestApp;
let sim: Simulator;
let tenant: Awaited<ReturnType<TestApp['tenant']>>;
let numberUuid: string;
const NUMBER = { phoneNumberId: '7065409911', wabaId: '7022909911', accessToken: 'sim-token-lifecycle' };
const SECRET = 'lifecycle-app-secret';
const log = silentLogger();
const DAY = 86_400_000;
const NOW = new Date();
const ago = (days: number): string => new Date(NOW.getTime() - days * DAY).toISOString();
const EVIDENCE = { text: 'Yes to offers on WhatsApp', app: 'shop' };

beforeAll(async () => {
  t = await createTestApp();
  tenant = await t.tenant('lifecycle');
  ({ sim, numberId: numberUuid } = await connectSimNumber(t, tenant.key, { seed: 'lifecycle', number: NUMBER, displayNumber: '+1 555 078 9911', appSecret: SECRET, verifyToken: 'lc-verify', webhookUrl: 'http://127.0.0.1:9/unused' }));
  await createTopics(t, tenant.key, [{ key: 'offers', name: 'Offers', category: 'marketing' }]);
});
afterAll(async () => {
  await sim.close();
  await t.close();
});

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) => t.call(tenant.key, { method, url, ...(payload ? { payload: payload as Record<string, unknown> } : {}) });

/** A subscribed contact whose subscription (and record) is `joinedDaysAgo` old. */
async function subscriber(phone: string, joinedDaysAgo: number): Promise<string> {
  const id = await subscribe(t, tenant.key, phone, { topics: ['offers'], evidence: EVIDENCE });
  await t.db.execute(sql`update consent_state set since = ${ago(joinedDaysAgo)}::timestamptz where contact_id = ${id}`);
  await t.db.execute(sql`update contacts set created_at = ${ago(joinedDaysAgo)}::timestamptz where id = ${id}`);
  await t.db.execute(sql`update contact_lifecycle set changed_at = ${ago(joinedDaysAgo)}::timestamptz where contact_id = ${id}`);
  return id;
}

async function engaged(id: string, fields: Record<string, string | number>): Promise<void> {
  const cols = Object.keys(fields);
  await t.db.execute(sql`insert into contact_engagement (contact_id, workspace_id, ${sql.raw(cols.join(', '))})
    values (${id}, ${tenant.workspaceId}, ${sql.join(cols.map((c) => sql`${fields[c]}`), sql`, `)})
    on conflict (contact_id) do update set ${sql.raw(cols.map((c) => `${c} = excluded.${c}`).join(', '))}`);
}

async function lifecycle(id: string): Promise<{ stage: string; transitions: { from: string; to: string; reason: string }[] }> {
  return (await api('GET', `/api/v1/contacts/${id}/lifecycle`)).json();
}

async function postSigned(value: Record<string, unknown>): Promise<void> {
  const body = metaJson(messagesEnvelope({ phoneNumberId: NUMBER.phoneNumberId, wabaId: NUMBER.wabaId }, value));
  const res = await t.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, SECRET) }, payload: body });
  expect(res.statusCode).toBe(200);
  while ((await processPendingWebhooks({ db: t.db, parse: parseWebhook, log, now: new Date() })) > 0);
}

describe('lifecycle stages', () => {
  const c: Record<string, string> = {};

  it('puts synthetic histories in the right stages, with reasons', async () => {
    c.fresh = await subscriber('+447400200001', 0);
    c.quiet = await subscriber('+447400200002', 100);
    c.reader = await subscriber('+447400200003', 100);
    c.fading = await subscriber('+447400200004', 100);
    c.buyer = await subscriber('+447400200005', 100);
    c.stranger = (await api('POST', '/api/v1/contacts', { phone: '+447400200006' })).json().id;
    c.recent = await subscriber('+447400200007', 20);
    // Quiet and recent were messaged (a "sent" status) and never engaged.
    await engaged(c.quiet, { first_sent_at: ago(90), last_sent_at: ago(70) });
    await engaged(c.recent, { first_sent_at: ago(19), last_sent_at: ago(19) });
    await engaged(c.reader, { last_read_at: ago(5), last_engaged_at: ago(5) });
    await engaged(c.fading, { last_read_at: ago(45), last_engaged_at: ago(45) });
    const events = [1, 2, 3].map((i) => ({ contact_id: c.buyer, type: 'purchase', amount: 10 * i, occurred_at: ago(i), idempotency_key: `b${i}` }));
    expect((await api('POST', '/api/v1/events', { events })).json()).toMatchObject({ recorded: 3 });
    // The purchase re-evaluated the buyer at once (no bulk run yet).
    expect((await lifecycle(c.buyer)).stage).toBe('loyal');

    // Three lanes over slices of the id space: every contact evaluated exactly once.
    const counts = await runLifecycle(t.db, tenant.workspaceId, NOW, log, { chunkTargetMs: 1, lanes: 3 });
    expect(counts.evaluated).toBe(7);
    const expected: Record<string, [string, RegExp]> = {
      fresh: ['onboarding', /^subscribed on /],
      quiet: ['dormant', /^never engaged since the first message on .* \(dormant after 60 days\)$/],
      reader: ['active', /^last engaged on /],
      fading: ['at_risk', /^last engaged on .*quiet for more than 30 days/],
      buyer: ['loyal', /^3 purchases/],
      stranger: ['new', /.*/],
      recent: ['at_risk', /^no engagement since the first message on /],
    };
    for (const [name, [stage, reason]] of Object.entries(expected)) {
      const lc = await lifecycle(c[name]!);
      expect(lc.stage, name).toBe(stage);
      if (stage !== 'new') expect(lc.transitions[0]!.reason, name).toMatch(reason);
    }
    // A second run with nothing new changes nothing and records no transition.
    const before = (await lifecycle(c.quiet!)).transitions;
    expect(before.map((x) => x.to)).toEqual(['dormant', 'onboarding']);
    const again = await runLifecycle(t.db, tenant.workspaceId, NOW, log);
    expect(again.changed ?? 0).toBe(0);
    expect((await lifecycle(c.quiet!)).transitions).toHaveLength(2);
  });

  it('never makes a contact dormant before the business has messaged it (an import with consent collected months ago)', async () => {
    // A workspace of its own: the runs below move its clock 61 days on.
    const shop = await t.tenant('lifecycle-import');
    const call = (method: 'GET' | 'POST', url: string, payload?: unknown, headers?: Record<string, string>) =>
      t.call(shop.key, { method, url, ...(headers ? { headers } : {}), ...(payload !== undefined ? { payload: payload as string } : {}) });
    await call('POST', '/api/v1/topics', { key: 'offers', name: 'Offers', category: 'marketing' });
    const attestation = { attested_by: 'Owner', collected_where: 'paper form at the till', collected_at: ago(200).slice(0, 10), text: 'Yes to offers on WhatsApp' };
    const q = new URLSearchParams({ mapping: JSON.stringify({ phone: 'phone', topics: { keys: ['offers'] } }), attestation: JSON.stringify(attestation) });
    const started = await call('POST', `/api/v1/imports?${q}`, 'phone\n+447400200021\n', { 'content-type': 'text/csv' });
    expect(started.statusCode).toBe(202);
    for (let i = 0; i < 400; i++) {
      const status = (await call('GET', `/api/v1/imports/${started.json().id}`)).json();
      if (status.status === 'completed') break;
      expect(status.status).not.toBe('failed');
      await new Promise((r) => setTimeout(r, 25));
    }
    const id = (await call('GET', `/api/v1/contacts?phone=${encodeURIComponent('+447400200021')}`)).json().data[0].id as string;
    const stageOf = async () => (await call('GET', `/api/v1/contacts/${id}/lifecycle`)).json() as { stage: string; transitions: { reason: string }[] };
    await runLifecycle(t.db, shop.workspaceId, NOW, log);
    const imported = await stageOf();
    expect(imported.stage).toBe('onboarding');
    expect(imported.transitions[0]!.reason).toMatch(/; not messaged yet$/);
    // Messaged yesterday for the first time: quiet for a day, not for the 200 days since consent.
    await t.db.execute(sql`insert into contact_engagement (contact_id, workspace_id, first_sent_at, last_sent_at) values (${id}, ${shop.workspaceId}, ${ago(1)}, ${ago(1)})`);
    await runLifecycle(t.db, shop.workspaceId, NOW, log);
    expect((await stageOf()).stage).toBe('at_risk');
    // Still nothing 61 days after that first message: now it is dormant, counted from the message.
    await runLifecycle(t.db, shop.workspaceId, new Date(NOW.getTime() + 61 * DAY), log);
    const later = await stageOf();
    expect(later.stage).toBe('dormant');
    expect(later.transitions[0]!.reason).toMatch(/^never engaged since the first message on /);
  });

  it('moves a dormant contact to reactivating the moment they write, then to active after the window', async () => {
    await postSigned(textMessage('447400200002', 'wamid.lc.q1', 'Hi, still open?', Math.floor(Date.now() / 1000)));
    const lc = await lifecycle(c.quiet!);
    expect(lc.stage).toBe('reactivating');
    expect(lc.transitions[0]!.reason).toMatch(/engaged again on .* after being dormant/);
    const eng = (await api('GET', `/api/v1/contacts/${c.quiet}/engagement`)).json();
    expect(eng).toMatchObject({ replied_30d: 1, replied_90d: 1 });
    expect(eng.last_inbound_at).not.toBeNull();
    // A replay of the same webhook counts nothing twice.
    await postSigned(textMessage('447400200002', 'wamid.lc.q1', 'Hi, still open?', Math.floor(Date.now() / 1000)));
    expect((await api('GET', `/api/v1/contacts/${c.quiet}/engagement`)).json().replied_30d).toBe(1);
    // 15 days later (still engaged within 30 days), the reactivation window has passed.
    await runLifecycle(t.db, tenant.workspaceId, new Date(NOW.getTime() + 15 * DAY), log);
    expect((await lifecycle(c.quiet!)).stage).toBe('active');
  });

  it('churns a contact who withdraws from every topic, immediately', async () => {
    expect((await api('POST', `/api/v1/contacts/${c.reader}/consent`, { topic: 'offers', action: 'withdraw', source: 'api', evidence: EVIDENCE })).statusCode).toBe(201);
    const lc = await lifecycle(c.reader!);
    expect(lc.stage).toBe('churned');
    expect(lc.transitions[0]!.reason).toBe('opted out of every topic');
  });

  it('counts deliveries and reads from status webhooks once each', async () => {
    const id = c.fading!;
    await recordOutboundMessage(t.db, { workspaceId: tenant.workspaceId, numberId: numberUuid, contactId: id, waId: '447400200004', type: 'template', body: null, payload: {}, wamid: 'wamid.lc.out1', callbackData: 'cb-lc-1', sentAt: new Date() });
    const ts = Math.floor(Date.now() / 1000);
    const statuses = { statuses: (['sent', 'delivered', 'read'] as const).flatMap((st) => statusValue('wamid.lc.out1', st, ts + (st === 'read' ? 1 : 0), { recipient_id: '447400200004' }).statuses as unknown[]) };
    await postSigned(statuses);
    await postSigned(statuses);
    const eng = (await api('GET', `/api/v1/contacts/${id}/engagement`)).json();
    expect(eng).toMatchObject({ received_30d: 1, read_30d: 1, read_rate_90d: 1 });
    expect(new Date(eng.last_read_at).getTime()).toBe(ts * 1000 + 1000);
    // The bulk recount from the message log agrees with the incremental counts.
    await runLifecycle(t.db, tenant.workspaceId, new Date(), log);
    expect((await api('GET', `/api/v1/contacts/${id}/engagement`)).json()).toMatchObject({ received_30d: 1, read_30d: 1, received_90d: 1, read_90d: 1 });
    expect((await lifecycle(id)).stage).toBe('active');
  });
});

describe('list hygiene', () => {
  it('retires numbers that are repeatedly not on WhatsApp, and a second run changes nothing', async () => {
    const id = await subscriber('+447400300001', 50);
    await engaged(id, { undeliverable_streak: 2, last_sent_at: ago(1) });
    const first = await runHygiene(t.db, tenant.workspaceId, NOW, log);
    expect(first.marked_unreachable).toBe(1);
    const lc = await lifecycle(id);
    expect(lc.stage).toBe('churned');
    expect(lc.transitions[0]!.reason).toMatch(/not on WhatsApp/);
    const second = await runHygiene(t.db, tenant.workspaceId, NOW, log);
    expect(second).toEqual({});
    // Such contacts are not targeted: segments can exclude them.
    const res = await api('POST', '/api/v1/segments/preview', { rules: { all: [{ consent: { topic: 'offers' } }, { field: 'unreachable', op: 'eq', value: true }] } });
    expect(res.json().count).toBe(1);
  });

  it('builds the streak from 131026 failures, and a delivery resets it', async () => {
    const id = await subscriber('+447400300002', 50);
    const ts = Math.floor(Date.now() / 1000);
    for (const n of [1, 2]) {
      await recordOutboundMessage(t.db, { workspaceId: tenant.workspaceId, numberId: numberUuid, contactId: id, waId: '447400300002', type: 'template', body: null, payload: {}, wamid: `wamid.lc.f${n}`, callbackData: `cb-lc-f${n}`, sentAt: new Date() });
      await postSigned(statusValue(`wamid.lc.f${n}`, 'failed', ts + n, { recipient_id: '447400300002', errors: [{ code: 131026, title: 'Message undeliverable' }] }));
    }
    const [row] = await queryRows<{ undeliverable_streak: number }>(t.db, sql`select undeliverable_streak from contact_engagement where contact_id = ${id}`);
    expect(row!.undeliverable_streak).toBe(2);
    await recordOutboundMessage(t.db, { workspaceId: tenant.workspaceId, numberId: numberUuid, contactId: id, waId: '447400300002', type: 'template', body: null, payload: {}, wamid: 'wamid.lc.ok', callbackData: 'cb-lc-ok', sentAt: new Date() });
    await postSigned(statusValue('wamid.lc.ok', 'delivered', ts + 5, { recipient_id: '447400300002' }));
    const [after] = await queryRows<{ undeliverable_streak: number }>(t.db, sql`select undeliverable_streak from contact_engagement where contact_id = ${id}`);
    expect(after!.undeliverable_streak).toBe(0);
  });

  it('clears the unreachable mark when the person writes, for that contact only', async () => {
    const writes = await subscriber('+447400300005', 50);
    const silent = await subscriber('+447400300006', 50);
    for (const id of [writes, silent]) await engaged(id, { undeliverable_streak: 2, last_sent_at: ago(1) });
    expect((await runHygiene(t.db, tenant.workspaceId, NOW, log)).marked_unreachable).toBe(2);
    await postSigned(textMessage('447400300005', 'wamid.lc.back', 'Still here', Math.floor(Date.now() / 1000)));
    const rows = await queryRows<{ id: string; unreachable_at: string | null; undeliverable_streak: number }>(
      t.db,
      sql`select c.id, c.unreachable_at, e.undeliverable_streak from contacts c join contact_engagement e on e.contact_id = c.id where c.id in (${writes}, ${silent})`,
    );
    const of = new Map(rows.map((r) => [r.id, r]));
    expect(of.get(writes)).toMatchObject({ unreachable_at: null, undeliverable_streak: 0 });
    expect(of.get(silent)!.unreachable_at).not.toBeNull();
    expect(of.get(silent)!.undeliverable_streak).toBe(2);
  });

  it('archives dormant contacts who ignored a win-back message, when the workspace enables it', async () => {
    const id = await subscriber('+447400300003', 200);
    await engaged(id, { first_sent_at: ago(150), last_sent_at: ago(150) }); // messaged, never engaged
    await runLifecycle(t.db, tenant.workspaceId, NOW, log);
    expect((await lifecycle(id)).stage).toBe('dormant');
    await t.db.execute(sql`update contact_lifecycle set changed_at = ${ago(90)}::timestamptz where contact_id = ${id}`);
    await engaged(id, { last_sent_at: ago(40) });
    expect((await runHygiene(t.db, tenant.workspaceId, NOW, log)).archived).toBeUndefined();
    await api('PATCH', '/api/v1/workspace', { settings: { lifecycle: { auto_archive: true, archive_after_days: 30 } } });
    expect((await runHygiene(t.db, tenant.workspaceId, NOW, log)).archived).toBe(1);
    const lc = await lifecycle(id);
    expect(lc.stage).toBe('archived');
    expect(lc.transitions[0]!.reason).toMatch(/stayed dormant through the win-back message/);
    expect((await runHygiene(t.db, tenant.workspaceId, NOW, log)).archived).toBeUndefined();
    await runLifecycle(t.db, tenant.workspaceId, NOW, log);
    expect((await lifecycle(id)).stage).toBe('archived');
    await api('PATCH', '/api/v1/workspace', { settings: { lifecycle: null } });
  });

  it('purges opted-out contacts after the retention period and keeps their suppression', async () => {
    const id = await subscriber('+447400300004', 300);
    await api('POST', `/api/v1/contacts/${id}/consent`, { topic: 'offers', action: 'withdraw', source: 'api', evidence: EVIDENCE });
    await t.db.execute(sql`update consent_state set since = ${ago(40)}::timestamptz where contact_id = ${id}`);
    expect((await runHygiene(t.db, tenant.workspaceId, NOW, log)).purged).toBeUndefined();
    await api('PATCH', '/api/v1/workspace', { settings: { hygiene: { purge_opted_out_after_days: 30 } } });
    const first = await runHygiene(t.db, tenant.workspaceId, NOW, log);
    // c.reader withdrew today: kept. This one withdrew 40 days ago: erased.
    expect(first.purged).toBe(1);
    expect((await api('GET', `/api/v1/contacts/${id}`)).statusCode).toBe(404);
    const again = await api('POST', '/api/v1/contacts', { phone: '+447400300004' });
    const readd = await api('POST', `/api/v1/contacts/${again.json().id}/consent`, { topic: 'offers', action: 'grant', source: 'api', evidence: EVIDENCE });
    expect(readd.json().error.code).toBe('CONSENT_SUPPRESSED');
    expect((await runHygiene(t.db, tenant.workspaceId, NOW, log)).purged).toBeUndefined();
    await api('PATCH', '/api/v1/workspace', { settings: { hygiene: null } });
  });

  it('runs through the API: 202, one at a time, then the counts', async () => {
    const started = await api('POST', '/api/v1/lifecycle/runs');
    expect(started.statusCode).toBe(202);
    const run = started.json();
    let status = run.status;
    for (let i = 0; i < 100 && status === 'running'; i += 1) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await api('GET', `/api/v1/lifecycle/runs/${run.id}`)).json().status;
    }
    expect(status).toBe('succeeded');
    const done = (await api('GET', `/api/v1/lifecycle/runs/${run.id}`)).json();
    expect(done.counts.evaluated).toBeGreaterThan(5);
    expect(done.finished_at).not.toBeNull();
    const list = (await api('GET', '/api/v1/lifecycle/runs')).json();
    expect(list.data.map((r: { id: string }) => r.id)).toContain(run.id);
    // While a run holds the workspace (its lease is live), another is refused, here and in any process.
    const held = await openRun(t.db, tenant.workspaceId, 'hygiene', new Date());
    const second = await api('POST', '/api/v1/hygiene/runs');
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('MAINTENANCE_RUNNING');
    expect((await api('GET', `/api/v1/hygiene/runs/${held}`)).json().status).toBe('running');
  });
});
