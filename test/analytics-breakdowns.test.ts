// Funnels per template, segment and opt-in source (issue 17) with a known ground truth: three
// broadcasts in the period (two templates, a saved segment and a rules audience) whose recipients are
// seeded in known states, ten people who first joined through two opt-in sources, an import, or never
// opted in. The answer is exact before the funnel rollup is drained (pending deltas) and after; drafts,
// other days and other workspaces never show; bad periods are 422 naming the field. Credited goal
// events (conversions) count a recipient once per broadcast and keep revenue per currency.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { drainAllFunnelDeltas } from '../src/modules/broadcasts/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
let a: Awaited<ReturnType<TestApp['tenant']>>;
let b: Awaited<ReturnType<TestApp['tenant']>>;
let seq = 0;
const ids: Record<string, string> = {};
const PERIOD = 'from=2026-11-16&to=2026-11-22';

// A recipient's state by letter: R read, D delivered, S sent, P replied, C clicked, O opted out,
// K skipped, F failed before sending, Q still queued, X excluded (not planned).
const STATES: Record<string, { state: string; rank: number; reason?: string; code?: number; replied?: boolean; clicked?: boolean; optedOut?: boolean }> = {
  R: { state: 'accepted', rank: 4 },
  D: { state: 'accepted', rank: 3 },
  S: { state: 'accepted', rank: 2 },
  P: { state: 'accepted', rank: 4, replied: true },
  C: { state: 'accepted', rank: 4, clicked: true },
  O: { state: 'accepted', rank: 3, optedOut: true },
  K: { state: 'skipped', rank: 0, reason: 'no_consent' },
  F: { state: 'failed', rank: 0, code: 131026 },
  Q: { state: 'queued', rank: 0 },
  X: { state: 'excluded', rank: 0, reason: 'suppressed' },
};

async function contact(ws: string, name: string): Promise<string> {
  const [row] = await queryRows<{ id: string }>(t.db, sql`insert into contacts (workspace_id, phone, name) values (${ws}, ${`+447700${String(++seq).padStart(6, '0')}`}, ${name}) returning id`);
  return row!.id;
}

async function optinSource(ws: string, name: string, kind: string): Promise<string> {
  const [row] = await queryRows<{ id: string }>(t.db, sql`insert into optin_sources (workspace_id, kind, name, keyword, topic_ids, consent_text)
    values (${ws}, ${kind}, ${name}, ${`join ${++seq}`}, '{}'::uuid[], 'Offers on WhatsApp') returning id`);
  return row!.id;
}

/** A consent grant in the ledger at `at`, through a channel and optionally an opt-in source. */
async function grant(ws: string, contactId: string, source: string, sourceId: string | null, at: string): Promise<void> {
  const evidence = sourceId ? { source_id: sourceId } : {};
  await t.db.execute(sql`insert into consent_events (workspace_id, contact_id, topic_id, action, source, evidence, actor_type, occurred_at)
    values (${ws}, ${contactId}, null, 'grant', ${source}, ${JSON.stringify(evidence)}::jsonb, 'system', ${at}::timestamptz)`);
}

async function broadcast(ws: string, o: { template: string; language: string; audience: object; startedAt: string | null; status?: string }): Promise<string> {
  const [row] = await queryRows<{ id: string }>(t.db, sql`insert into broadcasts (workspace_id, name, status, audience, template_name, template_language, template_category, schedule, started_at)
    values (${ws}, ${`b${++seq}`}, ${o.status ?? 'sending'}, ${JSON.stringify(o.audience)}::jsonb, ${o.template}, ${o.language}, 'MARKETING', '{}'::jsonb, ${o.startedAt}::timestamptz) returning id`);
  return row!.id;
}

/** Recipient rows as the send engine leaves them, one per `person:letter`. */
async function recipients(ws: string, broadcastId: string, spec: string): Promise<void> {
  for (const part of spec.split(' ')) {
    const [person, letter] = part.split(':') as [string, string];
    const s = STATES[letter]!;
    const at = '2026-11-16T10:00:00Z';
    const sent = s.rank >= 2 ? at : null;
    await t.db.execute(sql`insert into broadcast_recipients (broadcast_id, workspace_id, contact_id, state, not_before, is_marketing, timezone, sent_at, delivery_rank, reason, error_code, replied_at, clicked_at, opted_out_at)
      values (${broadcastId}, ${ws}, ${ids[person]}, ${s.state}, ${at}::timestamptz, true, 'UTC', ${sent}::timestamptz, ${s.rank}, ${s.reason ?? null}, ${s.code ?? null},
              ${s.replied ? at : null}::timestamptz, ${s.clicked ? at : null}::timestamptz, ${s.optedOut ? at : null}::timestamptz)`);
  }
}

type Group = { key: string; label: string; broadcasts: number; funnel: Record<string, number>; rates: Record<string, number | null>; revenue: { currency: string; amount: number }[] };
/** CSV lines with the quoting undone (no cell here holds a comma or a quote). */
const csvLines = (body: string) => body.trim().split('\r\n').map((l) => l.replaceAll('"', ''));
const get = async (url: string, key = a.key) => {
  const res = await t.call(key, { method: 'GET', url });
  expect(res.statusCode, res.body).toBe(200);
  return res;
};
const groups = async (path: string, key = a.key): Promise<Group[]> => (await get(`/api/v1/analytics/${path}?${PERIOD}`, key)).json().groups;
/** Each group as label → [broadcasts, planned, skipped, sent, delivered, read, replied, clicked, opted_out, failed]. */
const table = (gs: Group[]) => gs.map((g) => [g.label, g.broadcasts, ...['planned', 'skipped', 'sent', 'delivered', 'read', 'replied', 'clicked', 'opted_out', 'failed'].map((f) => g.funnel[f])]);

// Worked by hand from the seeds below (B1 = R P S K D O, B2 = C F R X Q D P S, B3 = R R O F S D).
const BY_TEMPLATE = [
  ['offer (en)', 2, 13, 1, 10, 8, 5, 2, 1, 1, 1],
  ['news (es)', 1, 6, 0, 5, 4, 2, 0, 0, 1, 1],
];
const BY_SEGMENT = [
  ['VIP', 2, 12, 1, 10, 8, 4, 1, 0, 2, 1],
  ['Custom rules', 1, 7, 0, 5, 4, 3, 1, 1, 0, 1],
];
const BY_OPTIN = [
  ['Flyer', 3, 6, 0, 5, 5, 2, 0, 0, 2, 0],
  ['Store QR', 2, 7, 1, 5, 4, 4, 1, 1, 0, 1],
  ['Import', 2, 4, 0, 3, 2, 1, 1, 0, 0, 1],
  ['No opt-in recorded', 2, 2, 0, 2, 1, 0, 0, 0, 0, 0],
];

beforeAll(async () => {
  t = await createTestApp();
  a = await t.tenant('breakdown-a');
  b = await t.tenant('breakdown-b');
  const ws = a.workspaceId;
  for (let i = 1; i <= 10; i++) ids[`c${i}`] = await contact(ws, `Person ${i}`);
  const store = await optinSource(ws, 'Store QR', 'store');
  const flyer = await optinSource(ws, 'Flyer', 'flyer');
  for (const p of ['c1', 'c2', 'c3', 'c4']) await grant(ws, ids[p]!, 'qr_keyword', store, '2026-10-01T09:00:00Z');
  await grant(ws, ids.c1!, 'web_form', flyer, '2026-10-20T09:00:00Z'); // a later grant: c1 still first joined through the store
  for (const p of ['c5', 'c6', 'c7']) await grant(ws, ids[p]!, 'web_form', flyer, '2026-10-02T09:00:00Z');
  for (const p of ['c8', 'c9']) await grant(ws, ids[p]!, 'import', null, '2026-10-03T09:00:00Z');
  const [vip] = await queryRows<{ id: string }>(t.db, sql`insert into segments (workspace_id, name, kind) values (${ws}, 'VIP', 'static') returning id`);
  const b1 = await broadcast(ws, { template: 'offer', language: 'en', audience: { segment_id: vip!.id }, startedAt: '2026-11-16T10:00:00Z' });
  const b2 = await broadcast(ws, { template: 'offer', language: 'en', audience: { rules: { all: [] } }, startedAt: '2026-11-17T10:00:00Z' });
  const b3 = await broadcast(ws, { template: 'news', language: 'es', audience: { segment_id: vip!.id }, startedAt: '2026-11-22T23:30:00Z' });
  await recipients(ws, b1, 'c1:R c2:P c3:S c4:K c5:D c6:O');
  await recipients(ws, b2, 'c1:C c2:F c3:R c4:X c7:Q c8:D c9:P c10:S');
  await recipients(ws, b3, 'c5:R c6:R c7:O c8:F c9:S c10:D');
  // Never counted: a broadcast the day after the period, and a draft.
  const later = await broadcast(ws, { template: 'offer', language: 'en', audience: { rules: {} }, startedAt: '2026-11-23T00:00:00Z' });
  await recipients(ws, later, 'c1:R c2:R');
  await broadcast(ws, { template: 'offer', language: 'en', audience: { rules: {} }, startedAt: null, status: 'draft' });
  // Another workspace's broadcast in the same days, to the same template name.
  const other = await contact(b.workspaceId, 'Other');
  ids.other = other;
  const ob = await broadcast(b.workspaceId, { template: 'offer', language: 'en', audience: { all_contacts: true }, startedAt: '2026-11-18T10:00:00Z' });
  await recipients(b.workspaceId, ob, 'other:R');
  // Goal events credited to broadcasts, as conversions.service writes them: c1 twice after B1 (one
  // recipient, 25 EUR), c3 (10 USD) and c9 (no amount) after B2; c1 after the later broadcast and the
  // other workspace's buyer never count in the period.
  const credit = async (ws: string, eventId: number, broadcastId: string, person: string, amount: number | null, currency: string | null) =>
    t.db.execute(sql`insert into broadcast_conversions (event_id, workspace_id, broadcast_id, contact_id, sent_at, occurred_at, amount, currency, attributed_at)
      values (${eventId}, ${ws}, ${broadcastId}, ${ids[person]}, '2026-11-16T10:00:00Z', '2026-11-18T10:00:00Z', ${amount}, ${currency}, '2026-11-18T10:00:00Z')`);
  await credit(ws, 9001, b1, 'c1', 20, 'EUR');
  await credit(ws, 9002, b1, 'c1', 5, 'EUR');
  await credit(ws, 9003, b2, 'c3', 10, 'USD');
  await credit(ws, 9004, b2, 'c9', null, null);
  await credit(ws, 9005, later, 'c1', 30, 'EUR');
  await credit(b.workspaceId, 9006, ob, 'other', 99, 'GBP');
});
afterAll(async () => {
  await t?.close();
});

describe('funnels per template, segment and opt-in source', () => {
  it('are exact from the rollup and its pending deltas, before and after the drain', async () => {
    const pending = async () => Number((await queryRows<{ n: string }>(t.db, sql`select count(*) as n from broadcast_funnel_deltas`))[0]!.n);
    expect(await pending()).toBeGreaterThan(0);
    expect(table(await groups('templates'))).toEqual(BY_TEMPLATE);
    expect(table(await groups('segments'))).toEqual(BY_SEGMENT);
    expect(table(await groups('optin-sources'))).toEqual(BY_OPTIN);
    await drainAllFunnelDeltas(t.db);
    expect(await pending()).toBe(0);
    expect(table(await groups('templates'))).toEqual(BY_TEMPLATE);
    expect(table(await groups('segments'))).toEqual(BY_SEGMENT);
    expect(table(await groups('optin-sources'))).toEqual(BY_OPTIN);
  });

  it('gives keys, rates of sent and the period in the workspace time zone', async () => {
    const res = (await get(`/api/v1/analytics/templates?${PERIOD}`)).json();
    expect([res.timezone, res.from, res.to, res.by]).toEqual(['UTC', '2026-11-16', '2026-11-22', 'template']);
    const [offer, news] = res.groups as Group[];
    expect(offer!.key).toBe('offer:en');
    expect(offer!.rates).toEqual({ delivered: 0.8, read: 0.5, replied: 0.2, clicked: 0.1, opted_out: 0.1, converted: 0.3 });
    expect(news!.rates).toEqual({ delivered: 0.8, read: 0.4, replied: 0, clicked: 0, opted_out: 0.2, converted: 0 });
    const seg = await groups('segments');
    expect(seg.map((g) => g.key)).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/), 'rules']);
    const opt = await groups('optin-sources');
    expect(opt.map((g) => g.key).slice(2)).toEqual(['channel:import', 'none']);
    // One day only: B1 alone.
    const one = (await get('/api/v1/analytics/templates?from=2026-11-16&to=2026-11-16')).json().groups as Group[];
    expect(table(one)).toEqual([['offer (en)', 1, 6, 1, 5, 4, 2, 1, 0, 1, 0]]);
    // In New York the third broadcast (23:30 UTC on the 22nd) falls on the 22nd, and the one at 00:00 UTC on the 23rd too.
    expect((await t.call(a.key, { method: 'PATCH', url: '/api/v1/workspace', payload: { settings: { timezone: 'America/New_York' } } })).statusCode).toBe(200);
    const ny = (await get('/api/v1/analytics/templates?from=2026-11-22&to=2026-11-22')).json();
    expect(ny.timezone).toBe('America/New_York');
    expect(table(ny.groups)).toEqual([
      ['news (es)', 1, 6, 0, 5, 4, 2, 0, 0, 1, 1],
      ['offer (en)', 1, 2, 0, 2, 2, 2, 0, 0, 0, 0],
    ]);
    expect((await t.call(a.key, { method: 'PATCH', url: '/api/v1/workspace', payload: { settings: { timezone: 'UTC' } } })).statusCode).toBe(200);
  });

  it('counts converted recipients once per broadcast and keeps revenue per currency, in the period and the workspace only', async () => {
    const conv = (gs: Group[]) => gs.map((g) => [g.label, g.funnel.converted, g.revenue]);
    expect(conv(await groups('templates'))).toEqual([
      ['offer (en)', 3, [{ currency: 'EUR', amount: 25 }, { currency: 'USD', amount: 10 }]],
      ['news (es)', 0, []],
    ]);
    expect(conv(await groups('segments'))).toEqual([
      ['VIP', 1, [{ currency: 'EUR', amount: 25 }]],
      ['Custom rules', 2, [{ currency: 'USD', amount: 10 }]],
    ]);
    expect(conv(await groups('optin-sources'))).toEqual([
      ['Flyer', 0, []],
      ['Store QR', 2, [{ currency: 'EUR', amount: 25 }, { currency: 'USD', amount: 10 }]],
      ['Import', 1, []],
      ['No opt-in recorded', 0, []],
    ]);
    expect(conv(await groups('templates', b.key))).toEqual([['offer (en)', 1, [{ currency: 'GBP', amount: 99 }]]]);
  });

  it('downloads each breakdown as CSV with the same rows', async () => {
    const res = await get(`/api/v1/analytics/optin-sources.csv?${PERIOD}`);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="funnels-by-optin-source.csv"');
    const lines = csvLines(res.body);
    expect(lines[0]).toBe('key,label,broadcasts,planned,skipped,sent,delivered,read,replied,clicked,opted_out,failed,delivered_rate,read_rate,replied_rate,clicked_rate,opted_out_rate,converted,converted_rate,revenue');
    expect(lines.slice(3)).toEqual(['channel:import,Import,2,4,0,3,2,1,1,0,0,1,0.6667,0.3333,0.3333,0,0,1,0.3333,', 'none,No opt-in recorded,2,2,0,2,1,0,0,0,0,0,0.5,0,0,0,0,0,0,']);
    const tpl = csvLines((await get(`/api/v1/analytics/templates.csv?${PERIOD}`)).body);
    expect(tpl.slice(1)).toEqual(['offer:en,offer (en),2,13,1,10,8,5,2,1,1,1,0.8,0.5,0.2,0.1,0.1,3,0.3,25.00 EUR; 10.00 USD', 'news:es,news (es),1,6,0,5,4,2,0,0,1,1,0.8,0.4,0,0,0.2,0,0,']);
    const seg = csvLines((await get(`/api/v1/analytics/segments.csv?${PERIOD}`)).body);
    expect(seg.slice(1).map((l) => l.split(',').slice(1, 4).join(','))).toEqual(['VIP,2,12', 'Custom rules,1,7']);
  });

  it('another workspace sees only its own broadcasts', async () => {
    expect(table(await groups('templates', b.key))).toEqual([['offer (en)', 1, 1, 0, 1, 1, 1, 0, 0, 0, 0]]);
    expect(table(await groups('segments', b.key))).toEqual([['All contacts', 1, 1, 0, 1, 1, 1, 0, 0, 0, 0]]);
    expect(table(await groups('optin-sources', b.key))).toEqual([['No opt-in recorded', 1, 1, 0, 1, 1, 1, 0, 0, 0, 0]]);
    expect((await get('/api/v1/analytics/templates?from=2026-11-23&to=2026-11-23', b.key)).json().groups).toEqual([]);
  });

  it.each([
    ['from=2026-13-01', 'from'],
    ['to=yesterday', 'to'],
    ['from=2026-11-22&to=2026-11-16', 'from'],
    ['from=2020-01-01&to=2026-11-22', 'to'],
  ])('%s → 422 naming %s', async (q, field) => {
    for (const path of ['templates', 'segments', 'optin-sources', 'templates.csv', 'segments.csv', 'optin-sources.csv']) {
      const res = await t.call(a.key, { method: 'GET', url: `/api/v1/analytics/${path}?${q}` });
      expect(res.statusCode, path).toBe(422);
      expect(res.json().error.details.fields.map((f: { field: string }) => f.field), path).toContain(`querystring.${field}`);
    }
  });
});
