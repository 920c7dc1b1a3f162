import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { parseWebhook } from '../src/adapters/whatsapp/webhook-parse.js';
import { silentLogger } from '../src/lib/logger.js';
import { processPendingWebhooks } from '../src/modules/inbound/index.js';
import { addOptOutNote } from '../src/modules/consent/index.js';
import { rollUpAllGrowth, vacuumGrowthDeltas } from '../src/modules/analytics/index.js';
import { csvLine } from '../src/modules/imports/index.js';
import type { Simulator } from '../src/simulator/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { connectSimNumber, createTopics } from './helpers/factories.js';
import { messagesEnvelope, metaJson, sign, textMessage } from './helpers/webhooks.js';

// List health with a known ground truth: grants through the API at instants either side of local
// midnight, STOPs through signed webhooks, sends credited (or not) at the edges of the 72 h window,
// reasons; the same ledger read in three zones.
let t: TestApp;
let sim: Simulator;
let a: Awaited<ReturnType<TestApp['tenant']>>;
let b: Awaited<ReturnType<TestApp['tenant']>>;
let numberId: string;
const NUMBER = { phoneNumberId: '7065409911', wabaId: '7022909911', accessToken: 'sim-token-growth-01' };
const SECRET = 'growth-app-secret';
const log = silentLogger();
const API_EVIDENCE = { text: 'Yes to Acme offers on WhatsApp. Reply STOP to end.', ip: '198.51.100.7', user_agent: 'test' };
const FORM_EVIDENCE = { ...API_EVIDENCE, form_id: 'footer' };
const ids: Record<string, string> = {};
let broadcastId: string;
let automationId: string;
const H = 3_600_000;

const phone = (n: number) => `+1415555${String(n).padStart(4, '0')}`;

async function contact(key: string, name: string, n: number): Promise<string> {
  const res = await t.call(key, { method: 'POST', url: '/api/v1/contacts', payload: { phone: phone(n) } });
  expect(res.statusCode, res.body).toBe(201);
  return (ids[name] = res.json().id as string);
}

async function grant(key: string, id: string, topic: string, at: string, source: 'api' | 'web_form' = 'api'): Promise<void> {
  const res = await t.call(key, { method: 'POST', url: `/api/v1/contacts/${id}/consent`, payload: { topic, action: 'grant', source, evidence: source === 'api' ? API_EVIDENCE : FORM_EVIDENCE, occurred_at: at } });
  expect(res.statusCode, res.body).toBe(201);
}

let wamids = 0;
async function stop(n: number, at: string): Promise<void> {
  const body = metaJson(messagesEnvelope(NUMBER, textMessage(phone(n).slice(1), `wamid.growth.${++wamids}`, 'STOP', Date.parse(at) / 1000)));
  const res = await t.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, SECRET) }, payload: body });
  expect(res.statusCode).toBe(200);
}

async function sentByBroadcast(contactId: string, at: number): Promise<void> {
  await t.db.execute(sql`insert into broadcast_recipients (broadcast_id, workspace_id, contact_id, state, not_before, is_marketing, timezone, sent_at)
    values (${broadcastId}, ${a.workspaceId}, ${contactId}, 'accepted', ${new Date(at).toISOString()}::timestamptz, true, 'UTC', ${new Date(at).toISOString()}::timestamptz)`);
}

/** An automation step's send, logged as the engine logs it: step run → outbox row → message. */
async function sentByAutomation(contactId: string, at: number): Promise<void> {
  const iso = new Date(at).toISOString();
  const [run] = await queryRows<{ id: number }>(t.db, sql`insert into automation_runs (workspace_id, automation_id, version, contact_id, dedupe_key, enrolled_at, updated_at)
    values (${a.workspaceId}, ${automationId}, 1, ${contactId}, ${`growth-${contactId}`}, ${iso}::timestamptz, ${iso}::timestamptz) returning id`);
  const [msg] = await queryRows<{ id: string }>(t.db, sql`insert into messages (workspace_id, contact_id, wa_id, direction, type, body, sent_at)
    values (${a.workspaceId}, ${contactId}, 'x', 'out', 'text', 'Hello', ${iso}::timestamptz) returning id`);
  const key = `auto:${run!.id}:1`;
  await t.db.execute(sql`insert into outbox (workspace_id, contact_id, kind, dedupe_key, message, status, message_id) values (${a.workspaceId}, ${contactId}, 'automation', ${key}, '{}'::jsonb, 'done', ${msg!.id})`);
  await t.db.execute(sql`insert into automation_step_runs (run_id, seq, workspace_id, automation_id, step_id, outcome, outbox_key, at) values (${run!.id}, 1, ${a.workspaceId}, ${automationId}, 'welcome', 'sent', ${key}, ${iso}::timestamptz)`);
}

async function settle(): Promise<void> {
  await sim.webhooksIdle();
  while ((await processPendingWebhooks({ db: t.db, parse: parseWebhook, log, now: new Date() })) > 0);
  await rollUpAllGrowth(t.db);
}

const setZone = async (key: string, timezone: string) => expect((await t.call(key, { method: 'PATCH', url: '/api/v1/workspace', payload: { settings: { timezone } } })).statusCode).toBe(200);
const get = async (key: string, url: string) => {
  const res = await t.call(key, { method: 'GET', url });
  expect(res.statusCode, res.body).toBe(200);
  return res;
};
type Day = { date: string; opt_ins: number; opt_outs: number; net: number };
/** The days with something in them, as date → [opt_ins, opt_outs]. */
const busyDays = (days: Day[]) => Object.fromEntries(days.filter((d) => d.opt_ins || d.opt_outs).map((d) => [d.date, [d.opt_ins, d.opt_outs]]));

beforeAll(async () => {
  t = await createTestApp();
  const appUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  a = await t.tenant('growth-a');
  b = await t.tenant('growth-b');
  ({ sim, numberId } = await connectSimNumber(t, a.key, { seed: 'growth', number: NUMBER, displayNumber: '+1 555 099 1100', appSecret: SECRET, verifyToken: 'growth-verify', webhookUrl: `${appUrl}/webhooks/whatsapp` }));
  for (const k of [a.key, b.key]) {
    await createTopics(t, k, [
      { key: 'offers', name: 'Offers', category: 'marketing' },
      { key: 'news', name: 'News', category: 'marketing' },
    ]);
  }
  await setZone(a.key, 'America/New_York');
  [{ id: broadcastId }] = await queryRows<{ id: string }>(t.db, sql`insert into broadcasts (workspace_id, name, audience, template_name, template_language, template_category, schedule)
    values (${a.workspaceId}, 'Black Friday', '{}'::jsonb, 'bf', 'en', 'MARKETING', '{}'::jsonb) returning id`) as [{ id: string }];
  [{ id: automationId }] = await queryRows<{ id: string }>(t.db, sql`insert into automations (workspace_id, name, draft) values (${a.workspaceId}, 'Welcome series', '{}'::jsonb) returning id`) as [{ id: string }];

  // Opt-ins (New York is UTC−5 in November: local midnight of the 20th is 05:00Z).
  for (const [name, n] of [['c1', 1], ['c2', 2], ['c3', 3], ['c4', 4], ['c5', 5], ['c6', 6], ['c7', 7], ['c8', 8], ['c9', 9]] as const) await contact(a.key, name, n);
  await grant(a.key, ids.c1!, 'offers', '2026-11-20T04:59:59Z'); // NY 19th 23:59:59
  await grant(a.key, ids.c2!, 'offers', '2026-11-20T05:00:00Z'); // NY 20th 00:00
  await grant(a.key, ids.c3!, 'news', '2026-11-20T12:00:00Z', 'web_form');
  for (const c of ['c4', 'c5', 'c6', 'c7']) await grant(a.key, ids[c]!, 'offers', '2026-11-18T12:00:00Z');
  await grant(a.key, ids.c8!, 'offers', '2026-11-19T18:29:00Z'); // Kolkata (UTC+5:30) 19th 23:59
  await grant(a.key, ids.c9!, 'offers', '2026-11-19T18:30:00Z'); // Kolkata 20th 00:00

  // Sends before the opt-outs: 71 h (credited), 73 h and exactly 72 h (not), an automation step 2 h before.
  const stop4 = Date.parse('2026-11-22T12:00:00Z');
  await sentByBroadcast(ids.c4!, stop4 - 71 * H);
  await sentByBroadcast(ids.c5!, stop4 - 73 * H);
  await sentByAutomation(ids.c6!, Date.parse('2026-11-22T13:00:00Z') - 2 * H);
  await sentByBroadcast(ids.c7!, Date.parse('2026-11-22T14:00:00Z') - 72 * H);

  await stop(1, '2026-11-21T04:59:30Z'); // NY 20th 23:59:30
  await stop(2, '2026-11-21T05:00:30Z'); // NY 21st 00:00:30
  await stop(4, '2026-11-22T12:00:00Z');
  await stop(5, '2026-11-22T12:00:00Z');
  await stop(6, '2026-11-22T13:00:00Z');
  await stop(7, '2026-11-22T14:00:00Z');
  await settle();
  const note = (c: string, text: string, at: string) => addOptOutNote(t.db, { workspaceId: a.workspaceId, contactId: ids[c]!, kind: 'reason', text, wamid: null, at: new Date(at) });
  await note('c1', 'Too many messages', '2026-11-21T05:01:00Z');
  await note('c2', '  too   MANY messages ', '2026-11-21T05:02:00Z');
  await note('c4', 'Not interested', '2026-11-22T12:01:00Z');
  await note('c7', '=HYPERLINK("x")', '2026-11-22T14:01:00Z');
  await note('c5', 'said long after', '2026-11-29T12:00:01Z'); // more than 7 days after: not the reason

  // Another workspace's ledger never shows in the first one's reports.
  const other = await contact(b.key, 'b1', 50);
  await grant(b.key, other, 'offers', '2026-11-20T12:00:00Z');
  await rollUpAllGrowth(t.db);
});
afterAll(async () => {
  await sim.close();
  await t.close();
});

const RANGE = 'from=2026-11-18&to=2026-11-22';

describe('growth per day in the workspace zone', () => {
  it('counts each grant and STOP on its local day, by source, with every day listed', async () => {
    const g = (await get(a.key, `/api/v1/analytics/growth?${RANGE}`)).json();
    expect(g).toMatchObject({ timezone: 'America/New_York', from: '2026-11-18', to: '2026-11-22', by: 'source', totals: { opt_ins: 9, opt_outs: 6, net: 3 } });
    expect(g.days.map((d: Day) => d.date)).toEqual(['2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22']);
    expect(busyDays(g.days)).toEqual({ '2026-11-18': [4, 0], '2026-11-19': [3, 0], '2026-11-20': [2, 1], '2026-11-21': [0, 1], '2026-11-22': [0, 4] });
    expect(g.groups).toEqual([
      { key: 'api', label: 'API', opt_ins: 8, opt_outs: 0, net: 8 },
      { key: 'web_form', label: 'Web form', opt_ins: 1, opt_outs: 0, net: 1 },
      { key: 'stop_keyword', label: 'STOP keyword', opt_ins: 0, opt_outs: 6, net: -6 },
    ]);
  });

  it('splits by topic (a STOP withdraws every topic: "All topics") and by the number a STOP came in on', async () => {
    const byTopic = (await get(a.key, `/api/v1/analytics/growth?${RANGE}&by=topic`)).json();
    const [offers, news] = (await queryRows<{ id: string }>(t.db, sql`select id from topics where workspace_id = ${a.workspaceId} order by key desc`)).map((r) => r.id);
    expect(byTopic.groups).toEqual([
      { key: offers, label: 'Offers', opt_ins: 8, opt_outs: 0, net: 8 },
      { key: news, label: 'News', opt_ins: 1, opt_outs: 0, net: 1 },
      { key: 'all', label: 'All topics', opt_ins: 0, opt_outs: 6, net: -6 },
    ]);
    expect(byTopic.totals).toEqual({ opt_ins: 9, opt_outs: 6, net: 3 });
    const byNumber = (await get(a.key, `/api/v1/analytics/growth?${RANGE}&by=number`)).json();
    expect(byNumber.groups).toEqual([
      { key: 'unknown', label: 'Unknown number', opt_ins: 9, opt_outs: 0, net: 9 },
      { key: numberId, label: '+1 555 099 1100', opt_ins: 0, opt_outs: 6, net: -6 },
    ]);
  });

  it('reads the same buckets in other zones after a zone change (a half-hour zone and one a day ahead)', async () => {
    await setZone(a.key, 'Asia/Kolkata');
    const k = (await get(a.key, `/api/v1/analytics/growth?${RANGE}`)).json();
    expect(k.timezone).toBe('Asia/Kolkata');
    expect(busyDays(k.days)).toEqual({ '2026-11-18': [4, 0], '2026-11-19': [1, 0], '2026-11-20': [4, 0], '2026-11-21': [0, 2], '2026-11-22': [0, 4] });
    await setZone(a.key, 'Pacific/Auckland');
    const nz = (await get(a.key, '/api/v1/analytics/growth?from=2026-11-18&to=2026-11-23')).json();
    expect(busyDays(nz.days)).toEqual({ '2026-11-19': [4, 0], '2026-11-20': [4, 0], '2026-11-21': [1, 2], '2026-11-23': [0, 4] });
    await setZone(a.key, 'America/New_York');
  });

  it('defaults to the last 30 days up to today in the zone', async () => {
    const g = (await get(a.key, '/api/v1/analytics/growth')).json();
    expect(g.days).toHaveLength(30);
    expect(g.to).toBe(new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date()));
  });

  it('streams the same figures as CSV: every day × group, zeros included', async () => {
    const res = await get(a.key, `/api/v1/analytics/growth.csv?${RANGE}`);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="growth.csv"/);
    const lines = res.body.split(/(?<=\r\n)/);
    expect(lines[0]).toBe(csvLine(['date', 'group', 'opt_ins', 'opt_outs', 'net']));
    expect(lines).toHaveLength(1 + 5 * 3);
    expect(lines).toContain(csvLine(['2026-11-19', 'API', 3, 0, 3]));
    expect(lines).toContain(csvLine(['2026-11-20', 'Web form', 1, 0, 1]));
    expect(lines).toContain(csvLine(['2026-11-22', 'STOP keyword', 0, 4, -4]));
    expect(lines).toContain(csvLine(['2026-11-21', 'API', 0, 0, 0]));
  });

  it("keeps another workspace's ledger out", async () => {
    const g = (await get(b.key, `/api/v1/analytics/growth?${RANGE}`)).json();
    expect(g.totals).toEqual({ opt_ins: 1, opt_outs: 0, net: 1 });
    const o = (await get(b.key, `/api/v1/analytics/opt-outs?${RANGE}`)).json();
    expect(o).toMatchObject({ total: 0, reasons: [], preceding: [] });
  });
});

describe('opt-outs: reasons and the message before', () => {
  it('credits the latest broadcast or automation send within 72 h (71 h yes; 72 h and 73 h no)', async () => {
    const o = (await get(a.key, `/api/v1/analytics/opt-outs?${RANGE}`)).json();
    expect(o.total).toBe(6);
    expect(o.reasons).toEqual([
      { reason: 'too many messages', count: 2 },
      { reason: '=hyperlink("x")', count: 1 },
      { reason: 'not interested', count: 1 },
      { reason: 'no reason given', count: 2 },
    ]);
    expect(o.preceding).toEqual([
      { kind: 'none', id: null, name: null, step_id: null, count: 4 },
      { kind: 'automation', id: automationId, name: 'Welcome series', step_id: 'welcome', count: 1 },
      { kind: 'broadcast', id: broadcastId, name: 'Black Friday', step_id: null, count: 1 },
    ]);
  });

  it('lists each opt-out in the CSV with its reason and credit, formulas neutralised', async () => {
    const res = await get(a.key, `/api/v1/analytics/opt-outs.csv?${RANGE}`);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="opt-outs.csv"/);
    const lines = res.body.split(/(?<=\r\n)/);
    expect(lines[0]).toBe('"occurred_at","contact_id","source","topic","reason","preceding_kind","preceding_id","preceding_name"\r\n');
    expect(lines.slice(1)).toEqual([
      ['2026-11-21T04:59:30.000Z', ids.c1, 'too many messages', 'none', null, null],
      ['2026-11-21T05:00:30.000Z', ids.c2, 'too many messages', 'none', null, null],
      // Same instant: in ledger order (c4's STOP came first).
      ['2026-11-22T12:00:00.000Z', ids.c4, 'not interested', 'broadcast', broadcastId, 'Black Friday'],
      ['2026-11-22T12:00:00.000Z', ids.c5, 'no reason given', 'none', null, null],
      ['2026-11-22T13:00:00.000Z', ids.c6, 'no reason given', 'automation', automationId, 'Welcome series'],
      ['2026-11-22T14:00:00.000Z', ids.c7, '=hyperlink("x")', 'none', null, null],
    ].map(([at, id, reason, kind, pid, name]) => csvLine([at, id, 'stop_keyword', 'all topics', reason, kind, pid, name])));
    expect(lines[6]).toContain('"\'=hyperlink(""x"")"');
  });

  it('keeps every count when a person is erased (their reason, personal text, goes with them)', async () => {
    expect((await t.call(a.key, { method: 'DELETE', url: `/api/v1/contacts/${ids.c1}` })).statusCode).toBe(200);
    await rollUpAllGrowth(t.db);
    const g = (await get(a.key, `/api/v1/analytics/growth?${RANGE}`)).json();
    expect(g.totals).toEqual({ opt_ins: 9, opt_outs: 6, net: 3 });
    const o = (await get(a.key, `/api/v1/analytics/opt-outs?${RANGE}`)).json();
    expect(o.total).toBe(6);
    expect(o.reasons).toContainEqual({ reason: 'no reason given', count: 3 });
    const csv = (await get(a.key, `/api/v1/analytics/opt-outs.csv?${RANGE}`)).body;
    expect(csv).not.toContain(ids.c1);
    expect(csv.split(/(?<=\r\n)/)).toHaveLength(7);
  });
});

describe('the delta queue', () => {
  it('is empty once drained, and the sweep vacuums it', async () => {
    expect(await queryRows(t.db, sql`select 1 from analytics_growth_deltas`)).toHaveLength(0);
    expect(await vacuumGrowthDeltas(t.db)).toBe(0);
  });
});

describe('bad periods', () => {
  it.each([
    ['from=2026-11-22&to=2026-11-18', 'from'],
    ['from=2025-01-01&to=2026-11-18', 'to'],
    ['from=2026-13-01', 'from'],
    ['to=yesterday', 'to'],
    ['by=country', 'by'],
  ])('%s → 422 naming %s', async (q, field) => {
    for (const url of [`/api/v1/analytics/growth?${q}`, `/api/v1/analytics/growth.csv?${q}`, ...(q.startsWith('by') ? [] : [`/api/v1/analytics/opt-outs?${q}`, `/api/v1/analytics/opt-outs.csv?${q}`])]) {
      const res = await t.call(a.key, { method: 'GET', url });
      expect(res.statusCode, url).toBe(422);
      expect(res.json().error.details.fields.map((f: { field: string }) => f.field), url).toContain(`querystring.${field}`);
    }
  });

  it('checks a period whose other end is the default (from 401 days before today)', async () => {
    const res = await t.call(a.key, { method: 'GET', url: '/api/v1/analytics/growth?from=2020-01-01' });
    expect(res.statusCode).toBe(422);
  });
});
