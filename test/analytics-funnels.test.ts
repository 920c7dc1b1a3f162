// Broadcast funnels (issue 17): a broadcast sent through the real engine to the simulator with
// known outcomes gives exactly the expected funnel in the rollup, the analytics list and both CSVs;
// a drain that dies is not counted twice; CSV cells are formula-neutralised; other workspaces see nothing.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/adapters/db/database.js';
import { addSuppressions, phoneHasher } from '../src/modules/consent/index.js';
import { broadcastCounts, drainAllFunnelDeltas, drainFunnelDeltas, scanCounts } from '../src/modules/broadcasts/index.js';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';

let h: BroadcastHarness;
beforeAll(async () => {
  h = await createBroadcastHarness({ seed: 'analytics-funnels', tier: 'TIER_UNLIMITED', settings: { broadcasts: { quiet_hours: null, frequency_cap: null } } });
});
afterAll(async () => {
  await h?.close();
});

const HYPERLINK = '=HYPERLINK("http://evil.example","click")';
const waId = (phone: string) => phone.slice(1);
const get = async (id: string) => (await h.api('GET', `/api/v1/broadcasts/${id}`)).body;
const pending = async () => Number((await queryRows<{ n: string }>(h.t.db, sql`select count(*) as n from broadcast_funnel_deltas`))[0]!.n);
const rollup = async (id: string) =>
  Object.fromEntries((await queryRows<{ metric: string; n: string }>(h.t.db, sql`select metric, n from broadcast_funnel_counts where broadcast_id = ${id} and n <> 0`)).map((r) => [r.metric, Number(r.n)]));

/** RFC 4180: quoted cells with doubled quotes, CRLF lines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    }
    else if (ch !== '\r') cell += ch;
  }
  return rows;
}

async function csv(key: string | undefined, url: string): Promise<{ status: number; headers: Record<string, unknown>; rows: string[][]; raw: string }> {
  const res = await h.t.call(key ?? h.tenant.key, { method: 'GET', url });
  return { status: res.statusCode, headers: res.headers, raw: res.body, rows: res.statusCode === 200 ? parseCsv(res.body) : [] };
}

const EXPECTED = { planned: 7, skipped: 1, sent: 5, delivered: 5, read: 5, replied: 2, clicked: 1, opted_out: 1, failed: 1 };

describe('broadcast funnels', () => {
  let id = '';
  let people: { id: string; phone: string }[] = [];
  let noConsent: { id: string; phone: string };

  it('a broadcast with known outcomes gives exactly the expected funnel in the rollup', async () => {
    people = await h.seedContacts(7, { tag: 'f-run' });
    [noConsent] = (await h.seedContacts(1, { tag: 'f-run', consent: 'none', from: 500 })) as [{ id: string; phone: string }];
    const [clicker, replier, stopper, named, , suppressed, invalid] = people as [typeof people[0], typeof people[0], typeof people[0], typeof people[0], typeof people[0], typeof people[0], typeof people[0]];
    await h.t.db.execute(sql`update contacts set name = ${HYPERLINK} where id = ${named.id}`);
    await addSuppressions(h.t.db, h.tenant.workspaceId, [(await phoneHasher(h.t.db, h.tenant.workspaceId))(suppressed.phone)], 'opted_out', 'import', new Date());
    h.sim.configure({ faults: [{ code: 131009, to: waId(invalid.phone) }] });

    const created = await h.api('POST', '/api/v1/broadcasts', {
      name: '=SUM(A1:A9) sale',
      audience: { rules: { field: 'tags', op: 'contains', value: 'f-run' }, topic: 'offers' },
      template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { tracked_link: 0 } } },
      links: ['https://shop.example/sale'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    id = created.body.id as string;
    expect((await h.api('POST', `/api/v1/broadcasts/${id}/start`)).status).toBe(200);
    const d = h.dispatcher();
    await h.waitFor(async () => {
      const b = await get(id);
      return b.status === 'completed' && b.counts.read === 5;
    }, 30_000, 'completion and reads');
    await d.stop();
    h.sim.configure({ faults: [] });

    const first = h.sim.sent(clicker.phone).find((m) => m.template?.name === 'weekly_offers')!;
    const link = JSON.stringify(first.request).match(/https?:\/\/127\.0\.0\.1:\d+\/r\/[A-Za-z0-9._-]+/)![0];
    expect((await h.t.app.inject({ method: 'GET', url: new URL(link).pathname })).statusCode).toBe(302);
    h.sim.inbound({ from: replier.phone, text: 'Is the sale on in store too?' });
    h.sim.inbound({ from: stopper.phone, text: 'STOP' });
    await h.waitFor(async () => {
      const c = (await get(id)).counts;
      return c.clicked === 1 && c.replied === 2 && c.opted_out === 1;
    }, 20_000, 'click, replies and opt-out to be credited');

    // The live answer (rollup + pending deltas) equals a scan of the rows, before and after draining.
    const scanned = await scanCounts(h.t.db, id);
    expect(await broadcastCounts(h.t.db, id)).toEqual(scanned);
    expect(scanned.counts).toMatchObject({ ...EXPECTED, excluded: 1 });
    expect(scanned.skippedByReason).toEqual({ suppressed: 1 });
    expect(scanned.failedByCode).toEqual({ '131009': 1 });
    await drainAllFunnelDeltas(h.t.db);
    expect(await pending()).toBe(0);
    expect(await broadcastCounts(h.t.db, id)).toEqual(scanned);
    expect(await rollup(id)).toEqual({ ...EXPECTED, 'skipped:suppressed': 1, 'failed:131009': 1, excluded: 1, 'excluded:no_consent': 1 });
    expect(noConsent).toBeDefined();
  }, 90_000);

  it('a drain that dies before committing leaves its deltas; the next drain counts them once', async () => {
    // A later status change (a delivery rank rising) appends a delta.
    await h.t.db.execute(sql`update broadcast_recipients set clicked_at = now() where broadcast_id = ${id} and contact_id = ${people[4]!.id}`);
    expect(await pending()).toBeGreaterThan(0);
    await expect(
      h.t.db.transaction(async (tx) => {
        expect(await drainFunnelDeltas(tx)).toBeGreaterThan(0);
        throw new Error('crash mid-drain');
      }),
    ).rejects.toThrow('crash mid-drain');
    expect(await pending()).toBeGreaterThan(0);
    await drainAllFunnelDeltas(h.t.db);
    await drainAllFunnelDeltas(h.t.db); // a second drain finds nothing
    expect((await rollup(id)).clicked).toBe(2);
    expect(await broadcastCounts(h.t.db, id)).toEqual(await scanCounts(h.t.db, id));
    // Undo, so the later checks see the broadcast's own outcomes.
    await h.t.db.execute(sql`update broadcast_recipients set clicked_at = null where broadcast_id = ${id} and contact_id = ${people[4]!.id}`);
    await drainAllFunnelDeltas(h.t.db);
    expect((await rollup(id)).clicked).toBe(1);
  });

  it('GET /api/v1/analytics/broadcasts lists it with the funnel and rates; drafts are left out', async () => {
    const draft = await h.api('POST', '/api/v1/broadcasts', { name: 'draft', audience: { rules: { field: 'tags', op: 'contains', value: 'f-run' }, topic: 'offers' }, template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { value: 'x' }, 'body.2': { value: 'y' } } } });
    expect(draft.status).toBe(201);
    const res = await h.api('GET', '/api/v1/analytics/broadcasts');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.map((b: { id: string }) => b.id)).toEqual([id]);
    const [row] = res.body.data;
    expect(row).toMatchObject({ id, name: '=SUM(A1:A9) sale', status: 'completed', template_name: 'weekly_offers', funnel: { ...EXPECTED, converted: 0 }, revenue: [] });
    expect(row.rates).toEqual({ delivered: 1, read: 1, replied: 2 / 5, clicked: 1 / 5, converted: 0, opted_out: 1 / 5 });
    expect(row.finished_at).not.toBeNull();
    expect(Object.keys(row).sort()).toEqual(['finished_at', 'funnel', 'id', 'name', 'rates', 'revenue', 'started_at', 'status', 'template_name']);
    // A range that ends before it started finds nothing; bad input names the field.
    expect((await h.api('GET', '/api/v1/analytics/broadcasts?from=2020-01-01&to=2020-01-31')).body.data).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect((await h.api('GET', `/api/v1/analytics/broadcasts?from=${today}&to=${today}`)).body.data).toHaveLength(1);
    for (const [q, field] of [['from=2026-02-30', 'from'], ['to=yesterday', 'to'], ['limit=0', 'limit'], ['from=0000-01-01', 'from'], ['from=2026-05-02&to=2026-05-01', 'to']] as const) {
      const bad = await h.api('GET', `/api/v1/analytics/broadcasts?${q}`);
      expect(bad.status, q).toBe(422);
      expect(bad.body.error.details.fields.map((f: { field: string }) => f.field), q).toContain(`querystring.${field}`);
    }
  });

  it('GET /api/v1/analytics/broadcasts.csv has the same figures, neutralised', async () => {
    const out = await csv(undefined, '/api/v1/analytics/broadcasts.csv');
    expect(out.status).toBe(200);
    expect(out.headers['content-type']).toMatch(/^text\/csv/);
    expect(out.headers['content-disposition']).toMatch(/^attachment; filename="broadcast-funnels-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv"$/);
    const [header, ...rows] = out.rows;
    expect(header).toEqual(['id', 'name', 'status', 'template_name', 'started_at', 'finished_at', 'planned', 'skipped', 'sent', 'delivered', 'read', 'replied', 'clicked', 'converted', 'opted_out', 'failed', 'revenue']);
    expect(rows).toHaveLength(1);
    const r = Object.fromEntries(header!.map((k, i) => [k, rows[0]![i]]));
    expect(r).toMatchObject({ id, name: "'=SUM(A1:A9) sale", status: 'completed', template_name: 'weekly_offers' });
    expect(Object.fromEntries(Object.keys(EXPECTED).map((k) => [k, Number(r[k])]))).toEqual(EXPECTED);
  });

  it('GET /api/v1/broadcasts/:id/recipients.csv has one row per recipient with its outcome, neutralised', async () => {
    const out = await csv(undefined, `/api/v1/broadcasts/${id}/recipients.csv`);
    expect(out.status).toBe(200);
    expect(out.headers['content-disposition']).toBe(`attachment; filename="broadcast-${id}-recipients.csv"`);
    expect(out.raw).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    const [header, ...rows] = out.rows;
    expect(header).toEqual(['contact_id', 'phone', 'name', 'state', 'reason', 'error_code', 'sent_at', 'delivered', 'read', 'replied_at', 'clicked_at', 'opted_out_at', 'converted_at', 'revenue']);
    expect(rows).toHaveLength(8);
    const by = new Map(rows.map((r) => [r[0], Object.fromEntries(header!.map((k, i) => [k, r[i]]))]));
    const [clicker, replier, stopper, named, plain, suppressed, invalid] = people;
    expect(by.get(clicker!.id)).toMatchObject({ phone: `'${clicker!.phone}`, state: 'read', delivered: 'true', read: 'true', replied_at: '', opted_out_at: '' });
    expect(by.get(clicker!.id)!.clicked_at).toMatch(/^\d{4}-/);
    expect(by.get(replier!.id)!.replied_at).toMatch(/^\d{4}-/);
    expect(by.get(stopper!.id)!.opted_out_at).toMatch(/^\d{4}-/);
    expect(by.get(named!.id)!.name).toBe(`'${HYPERLINK}`);
    expect(by.get(plain!.id)).toMatchObject({ state: 'read', clicked_at: '', replied_at: '' });
    expect(by.get(suppressed!.id)).toMatchObject({ state: 'skipped', reason: 'suppressed', sent_at: '', delivered: 'false' });
    expect(by.get(invalid!.id)).toMatchObject({ state: 'failed', error_code: '131009', delivered: 'false', read: 'false' });
    expect(by.get(noConsent.id)).toMatchObject({ state: 'excluded', reason: 'no_consent' });
    // Counting the CSV gives the funnel back.
    const count = (f: (r: Record<string, string>) => boolean) => [...by.values()].filter((r) => f(r as Record<string, string>)).length;
    expect(count((r) => r.read === 'true')).toBe(EXPECTED.read);
    expect(count((r) => r.replied_at !== '')).toBe(EXPECTED.replied);
    expect(count((r) => r.opted_out_at !== '')).toBe(EXPECTED.opted_out);
  });

  it('another workspace sees neither the broadcast in its list nor its recipients (404)', async () => {
    const other = await h.t.tenant('funnels-other');
    const list = await h.t.call(other.key, { method: 'GET', url: '/api/v1/analytics/broadcasts' });
    expect(list.statusCode).toBe(200);
    expect(list.json().data).toEqual([]);
    expect((await csv(other.key, '/api/v1/analytics/broadcasts.csv')).rows).toHaveLength(1);
    expect((await csv(other.key, `/api/v1/broadcasts/${id}/recipients.csv`)).status).toBe(404);
    expect((await csv(undefined, `/api/v1/broadcasts/not-a-uuid/recipients.csv`)).status).toBe(404);
  });
});
