import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { noteBroadcastReplies } from '../src/modules/broadcasts/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';

// Best send time with a known ground truth: 30 people in each of London, New York and Kolkata get
// one broadcast at the same UTC instant (Monday 2026-11-16 14:30Z), so it lands in three local
// cells; reads and replies (credited by the real reply tracking, at the 72 h edge) are set per
// zone; automation sends and replies go through step run → outbox → message; people without a
// (known) zone fall back to the workspace's; other workspaces and other days never show.
let t: TestApp;
let a: Awaited<ReturnType<TestApp['tenant']>>;
let b: Awaited<ReturnType<TestApp['tenant']>>;
const H = 3_600_000;
const MONDAY = Date.parse('2026-11-16T14:30:00Z'); // London Mon 14:30, New York Mon 09:30, Kolkata Mon 20:00
const people: Record<string, string[]> = {};
let seq = 0;

/** Makes `n` contacts in a zone (null: none) and returns their ids. */
async function makeContacts(ws: string, zone: string | null, n: number): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    t.db,
    sql`insert into contacts (workspace_id, phone, wa_id, timezone)
        select ${ws}, '+4470000' || lpad((${seq} + i)::text, 5, '0'), '4470000' || lpad((${seq} + i)::text, 5, '0'), ${zone}
        from generate_series(1, ${n}::int) i returning id`,
  );
  seq += n;
  return rows.map((r) => r.id).sort();
}

async function broadcast(ws: string, startedAt: number): Promise<string> {
  const [row] = await queryRows<{ id: string }>(t.db, sql`insert into broadcasts (workspace_id, name, status, audience, template_name, template_language, template_category, schedule, started_at)
    values (${ws}, ${`b${++seq}`}, 'sending', '{}'::jsonb, 'offer', 'en', 'MARKETING', '{}'::jsonb, ${new Date(startedAt).toISOString()}::timestamptz) returning id`);
  return row!.id;
}

/** A broadcast recipient row as the send engine leaves it: sent at `at`, delivery rank `rank`. */
async function sentByBroadcast(ws: string, broadcastId: string, contactId: string, at: number, rank: number, state = 'accepted'): Promise<void> {
  const iso = new Date(at).toISOString();
  await t.db.execute(sql`insert into broadcast_recipients (broadcast_id, workspace_id, contact_id, state, not_before, is_marketing, timezone, sent_at, delivery_rank)
    values (${broadcastId}, ${ws}, ${contactId}, ${state}, ${iso}::timestamptz, true, 'UTC', ${iso}::timestamptz, ${rank})`);
}

/** An automation step's send, logged as the engine logs it: step run → outbox row → message. */
async function sentByAutomation(ws: string, automationId: string, contactId: string, at: number, rank: number): Promise<void> {
  const iso = new Date(at).toISOString();
  const [run] = await queryRows<{ id: number }>(t.db, sql`insert into automation_runs (workspace_id, automation_id, version, contact_id, dedupe_key, enrolled_at, updated_at)
    values (${ws}, ${automationId}, 1, ${contactId}, ${`heat-${++seq}`}, ${iso}::timestamptz, ${iso}::timestamptz) returning id`);
  const [msg] = await queryRows<{ id: string }>(t.db, sql`insert into messages (workspace_id, contact_id, wa_id, direction, type, body, sent_at, status_rank)
    values (${ws}, ${contactId}, 'x', 'out', 'text', 'Hello', ${iso}::timestamptz, ${rank}) returning id`);
  const key = `auto:${run!.id}:1`;
  await t.db.execute(sql`insert into outbox (workspace_id, contact_id, kind, dedupe_key, message, status, message_id) values (${ws}, ${contactId}, 'automation', ${key}, '{}'::jsonb, 'done', ${msg!.id})`);
  await t.db.execute(sql`insert into automation_step_runs (run_id, seq, workspace_id, automation_id, step_id, outcome, outbox_key, at) values (${run!.id}, 1, ${ws}, ${automationId}, 'hello', 'sent', ${key}, ${iso}::timestamptz)`);
}

async function inbound(ws: string, contactId: string, at: number): Promise<void> {
  await t.db.execute(sql`insert into messages (workspace_id, contact_id, wa_id, direction, type, body, sent_at) values (${ws}, ${contactId}, 'x', 'in', 'text', 'Hi', ${new Date(at).toISOString()}::timestamptz)`);
}

type Cell = { weekday: number; hour: number; sent: number; read: number; replied: number; read_rate: number | null; reply_rate: number | null };
/** The cells with sends, as "weekday/hour" → [sent, read, replied]. */
const busy = (cells: Cell[]) => Object.fromEntries(cells.filter((c) => c.sent > 0).map((c) => [`${c.weekday}/${c.hour}`, [c.sent, c.read, c.replied]]));
const get = async (url: string, key = a.key) => {
  const res = await t.call(key, { method: 'GET', url });
  expect(res.statusCode, res.body).toBe(200);
  return res;
};
const PERIOD = 'from=2026-11-16&to=2026-11-22';

beforeAll(async () => {
  t = await createTestApp();
  a = await t.tenant('heat-a');
  b = await t.tenant('heat-b');
  expect((await t.call(a.key, { method: 'PATCH', url: '/api/v1/workspace', payload: { settings: { timezone: 'Europe/London' } } })).statusCode).toBe(200);
  people.london = await makeContacts(a.workspaceId, 'Europe/London', 30);
  people.ny = await makeContacts(a.workspaceId, 'America/New_York', 30);
  people.kolkata = await makeContacts(a.workspaceId, 'Asia/Kolkata', 30);
  people.nozone = await makeContacts(a.workspaceId, null, 1);
  people.badzone = await makeContacts(a.workspaceId, 'Mars/Olympus', 1);
  const reads = { london: 12, ny: 6, kolkata: 21 } as const;
  const replies = { london: 3, ny: 9, kolkata: 1 } as const;
  const b1 = await broadcast(a.workspaceId, MONDAY - H);
  for (const zone of ['london', 'ny', 'kolkata'] as const) {
    const ids = people[zone]!;
    for (const [i, id] of ids.entries()) await sentByBroadcast(a.workspaceId, b1, id, MONDAY, i < reads[zone] ? 4 : 3);
    // Replies at 71 h 59 min are credited; one more at exactly 72 h is not (the funnels' window).
    const credited = ids.slice(0, replies[zone]).map((contactId) => ({ contactId, at: new Date(MONDAY + 72 * H - 60_000) }));
    await noteBroadcastReplies(t.db, a.workspaceId, [...credited, { contactId: ids[29]!, at: new Date(MONDAY + 72 * H) }]);
  }
  // Not sent (failed before sending, still queued): not counted.
  const extra = await makeContacts(a.workspaceId, 'Europe/London', 2);
  await sentByBroadcast(a.workspaceId, b1, extra[0]!, MONDAY, 0, 'failed');
  await t.db.execute(sql`insert into broadcast_recipients (broadcast_id, workspace_id, contact_id, state, not_before, is_marketing, timezone) values (${b1}, ${a.workspaceId}, ${extra[1]!}, 'queued', now(), true, 'UTC')`);

  // Sunday 23:45Z: Kolkata Mon 05:15, New York Sun 18:45, no zone and an unknown one → London Sun 23:45.
  const sunday = Date.parse('2026-11-22T23:45:00Z');
  const b2 = await broadcast(a.workspaceId, sunday);
  for (const id of [people.kolkata[0]!, people.ny[0]!, people.nozone[0]!, people.badzone[0]!]) await sentByBroadcast(a.workspaceId, b2, id, sunday, 2);
  // Outside the period (London Sun 15th 23:59, and Mon 23rd 00:00): not counted.
  const b3 = await broadcast(a.workspaceId, Date.parse('2026-11-15T23:00:00Z'));
  await sentByBroadcast(a.workspaceId, b3, people.london[0]!, Date.parse('2026-11-15T23:59:00Z'), 4);
  await sentByBroadcast(a.workspaceId, b3, people.london[29]!, Date.parse('2026-11-23T00:00:00Z'), 4);

  // Automation sends Tuesday 02:00Z to three Londoners (Tue 02:00): one read, one replied within 72 h, one at 73 h (not).
  const [auto] = await queryRows<{ id: string }>(t.db, sql`insert into automations (workspace_id, name, draft) values (${a.workspaceId}, 'Hello', '{}'::jsonb) returning id`);
  const tuesday = Date.parse('2026-11-17T02:00:00Z');
  await sentByAutomation(a.workspaceId, auto!.id, people.london[0]!, tuesday, 4);
  await sentByAutomation(a.workspaceId, auto!.id, people.london[1]!, tuesday, 3);
  await sentByAutomation(a.workspaceId, auto!.id, people.london[2]!, tuesday, 3);
  await inbound(a.workspaceId, people.london[1]!, tuesday + H);
  await inbound(a.workspaceId, people.london[2]!, tuesday + 73 * H);

  // Another workspace's sends at the same instant.
  const other = await makeContacts(b.workspaceId, 'Europe/London', 1);
  await sentByBroadcast(b.workspaceId, await broadcast(b.workspaceId, MONDAY - H), other[0]!, MONDAY, 4);
});
afterAll(async () => {
  await t.close();
});

describe('engagement heatmap', () => {
  it('puts each send in the recipient’s local weekday × hour with exact counts and rates', async () => {
    const h = (await get(`/api/v1/analytics/engagement-heatmap?${PERIOD}`)).json();
    expect(h.cells).toHaveLength(168);
    expect(busy(h.cells)).toEqual({
      '0/14': [30, 12, 3], // London Monday 14:30
      '0/9': [30, 6, 9], // New York Monday 09:30
      '0/20': [30, 21, 1], // Kolkata Monday 20:00
      '0/5': [1, 0, 0], // Kolkata Monday 05:15 (Sunday 23:45Z)
      '6/18': [1, 0, 0], // New York Sunday 18:45
      '6/23': [2, 0, 0], // no zone and an unknown zone: the workspace's (London) Sunday 23:45
      '1/2': [3, 1, 1], // automation, London Tuesday 02:00
    });
    const kolkata = h.cells.find((c: Cell) => c.weekday === 0 && c.hour === 20);
    expect(kolkata.read_rate).toBeCloseTo(21 / 30, 10);
    expect(kolkata.reply_rate).toBeCloseTo(1 / 30, 10);
    expect(h.cells.find((c: Cell) => c.weekday === 3 && c.hour === 3)).toMatchObject({ sent: 0, read_rate: null, reply_rate: null });
    expect(h.totals).toEqual({ sent: 97, read: 40, replied: 14 });
    expect(h).toMatchObject({ timezone: 'Europe/London', from: '2026-11-16', to: '2026-11-22', segment_id: null, min_sends: 20 });
    // Monday's best hour: Kolkata's 20:00 (70 %) beats 14:00 (40 %) and 09:00 (20 %); the 05:00 cell (one send) is below the minimum.
    expect(h.best_hours[0]).toEqual({ weekday: 0, hour: 20, read_rate: 0.7, sent: 30 });
    for (const d of h.best_hours.slice(1)) expect(d).toMatchObject({ hour: null, read_rate: null, sent: 0 });
  });

  it('follows the workspace zone for people without one, and never shows another workspace', async () => {
    await t.call(a.key, { method: 'PATCH', url: '/api/v1/workspace', payload: { settings: { timezone: 'America/New_York' } } });
    try {
      // The period is now New York days: the send at Mon 23rd 00:00Z (NY Sun 22nd 19:00) is in; the 15th 23:59Z one (NY 15th) is not.
      const h = (await get(`/api/v1/analytics/engagement-heatmap?${PERIOD}`)).json();
      expect(busy(h.cells)['6/18']).toEqual([3, 0, 0]); // the New Yorker plus the two without a known zone
      expect(busy(h.cells)['6/23']).toBeUndefined();
      expect(busy(h.cells)['0/0']).toEqual([1, 1, 0]); // London Monday 00:00
    } finally {
      await t.call(a.key, { method: 'PATCH', url: '/api/v1/workspace', payload: { settings: { timezone: 'Europe/London' } } });
    }
    const other = (await get(`/api/v1/analytics/engagement-heatmap?${PERIOD}`, b.key)).json();
    expect(busy(other.cells)).toEqual({ '0/14': [1, 1, 0] });
  });

  it('filters by a segment’s current members', async () => {
    const list = await t.call(a.key, { method: 'POST', url: '/api/v1/segments', payload: { name: 'Kolkata and one New Yorker' } });
    expect(list.statusCode, list.body).toBe(201);
    const id = list.json().id as string;
    const added = await t.call(a.key, { method: 'POST', url: `/api/v1/segments/${id}/members`, payload: { contact_ids: [...people.kolkata!, people.ny![0]!] } });
    expect(added.statusCode, added.body).toBe(200);
    const h = (await get(`/api/v1/analytics/engagement-heatmap?${PERIOD}&segment_id=${id}`)).json();
    expect(h.segment_id).toBe(id);
    expect(busy(h.cells)).toEqual({ '0/20': [30, 21, 1], '0/9': [1, 1, 1], '0/5': [1, 0, 0], '6/18': [1, 0, 0] });
    expect((await t.call(a.key, { method: 'GET', url: `/api/v1/analytics/engagement-heatmap?segment_id=${id}`.replace(id, '00000000-0000-4000-8000-000000000000') })).statusCode).toBe(404);
    // Another workspace's segment is not found either.
    expect((await t.call(b.key, { method: 'GET', url: `/api/v1/analytics/engagement-heatmap?segment_id=${id}` })).statusCode).toBe(404);
  });

  it('names the field of a bad query', async () => {
    for (const [q, field] of [['segment_id=nope', 'segment_id'], ['from=2026-11-20&to=2026-11-01', 'from'], ['to=2026-13-01', 'to']] as const) {
      const res = await t.call(a.key, { method: 'GET', url: `/api/v1/analytics/engagement-heatmap?${q}` });
      expect(res.statusCode, q).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, q).toBeLessThan(500);
      expect(res.body, q).toContain(field);
      const csv = await t.call(a.key, { method: 'GET', url: `/api/v1/analytics/engagement-heatmap.csv?${q}` });
      expect(csv.statusCode, q).toBe(res.statusCode);
    }
  });

  it('downloads the same figures as CSV, 168 rows', async () => {
    const res = await get(`/api/v1/analytics/engagement-heatmap.csv?${PERIOD}`);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain('engagement-heatmap.csv');
    const lines = res.body.trim().split('\r\n');
    expect(lines[0]).toBe('"weekday","weekday_name","hour","sent","read","replied","read_rate","reply_rate"');
    expect(lines).toHaveLength(169);
    const row = (wd: number, hr: number) => lines[1 + wd * 24 + hr]!.split(',').map((c) => c.replace(/"/g, ''));
    expect(row(0, 20)).toEqual(['0', 'Monday', '20', '30', '21', '1', String(21 / 30), String(1 / 30)]);
    expect(row(1, 2)).toEqual(['1', 'Tuesday', '2', '3', '1', '1', String(1 / 3), String(1 / 3)]);
    expect(row(3, 3)).toEqual(['3', 'Thursday', '3', '0', '0', '0', '', '']);
  });
});
