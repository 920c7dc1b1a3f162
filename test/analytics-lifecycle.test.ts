import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { queryRows } from '../src/adapters/db/database.js';
import { allSweeps } from '../src/entrypoints/sweeps.js';
import { snapshotLifecycleStages } from '../src/modules/lifecycle/index.js';
import { createTestApp, testClock, type TestApp } from './helpers/app.js';

// Lifecycle over time and engagement cohorts with a known ground truth. The workspace is in New
// York and the API clock stands at 2026-11-22 10:00Z (05:00 local): snapshots are taken through the
// sweep at chosen instants (one of them late evening local, which is the next UTC day), stages are
// changed between them, and today's is taken when the report is read. Cohorts: first grants, reads
// (status_rank 4, timed by status_at) and inbound messages at known instants, month edges in local time.
let t: TestApp;
let a: Awaited<ReturnType<TestApp['tenant']>>;
let b: Awaited<ReturnType<TestApp['tenant']>>;
const clock = testClock(new Date('2026-11-22T10:00:00Z'));
let seq = 0;

async function makeContacts(ws: string, n: number): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    t.db,
    sql`insert into contacts (workspace_id, phone, wa_id)
        select ${ws}, '+1555000' || lpad((${seq} + i)::text, 4, '0'), '1555000' || lpad((${seq} + i)::text, 4, '0')
        from generate_series(1, ${n}::int) i returning id`,
  );
  seq += n;
  return rows.map((r) => r.id);
}

async function setStage(ws: string, ids: string[], stage: string): Promise<void> {
  for (const id of ids) {
    await t.db.execute(sql`insert into contact_lifecycle (contact_id, workspace_id, stage, changed_at) values (${id}, ${ws}, ${stage}, now())
      on conflict (contact_id) do update set stage = excluded.stage`);
  }
}

async function topic(ws: string): Promise<string> {
  const [row] = await queryRows<{ id: string }>(t.db, sql`insert into topics (workspace_id, key, name, category) values (${ws}, ${`t${++seq}`}, 'Offers', 'marketing') returning id`);
  return row!.id;
}

async function grant(ws: string, topicId: string, contactId: string, at: string): Promise<void> {
  await t.db.execute(sql`insert into consent_events (workspace_id, contact_id, topic_id, action, source, evidence, actor_type, occurred_at)
    values (${ws}, ${contactId}, ${topicId}, 'grant', 'import', '{}'::jsonb, 'system', ${at}::timestamptz)`);
}

/** An outbound message sent at `sentAt` whose last status (rank `rank`) came at `statusAt`. */
async function sent(ws: string, contactId: string, sentAt: string, rank: number, statusAt: string | null): Promise<void> {
  await t.db.execute(sql`insert into messages (workspace_id, contact_id, wa_id, direction, type, body, sent_at, status_rank, status_at)
    values (${ws}, ${contactId}, 'x', 'out', 'text', 'Hello', ${sentAt}::timestamptz, ${rank}, ${statusAt}::timestamptz)`);
}

async function inbound(ws: string, contactId: string, at: string): Promise<void> {
  await t.db.execute(sql`insert into messages (workspace_id, contact_id, wa_id, direction, type, body, sent_at) values (${ws}, ${contactId}, 'x', 'in', 'text', 'Hi', ${at}::timestamptz)`);
}

const get = async (url: string, key = a.key) => {
  const res = await t.call(key, { method: 'GET', url });
  expect(res.statusCode, res.body).toBe(200);
  return res;
};

const zeros = { new: 0, onboarding: 0, active: 0, loyal: 0, at_risk: 0, dormant: 0, reactivating: 0, churned: 0, archived: 0 };
let A: string[];
let B: string[];

beforeAll(async () => {
  t = await createTestApp({ clock });
  a = await t.tenant('life-a');
  b = await t.tenant('life-b');
  expect((await t.call(a.key, { method: 'PATCH', url: '/api/v1/workspace', payload: { settings: { timezone: 'America/New_York' } } })).statusCode).toBe(200);
  A = await makeContacts(a.workspaceId, 10); // 3 new (no row), 4 active, 2 at_risk, 1 churned
  await setStage(a.workspaceId, A.slice(3, 7), 'active');
  await setStage(a.workspaceId, A.slice(7, 9), 'at_risk');
  await setStage(a.workspaceId, A.slice(9), 'churned');
  B = await makeContacts(b.workspaceId, 2);
  await setStage(b.workspaceId, B, 'dormant');
});
afterAll(() => t.close());

describe('lifecycle stage distribution over time', () => {
  it('the sweep snapshots every workspace per local day; a second run the same day replaces it', async () => {
    const sweep = allSweeps(pino({ level: 'silent' })).find((s) => s.name === 'lifecycle.snapshot-stages')!;
    expect(sweep.everyMs).toBe(60 * 60_000);
    // 2026-11-20 12:00 New York.
    expect((await sweep.run(t.db, new Date('2026-11-20T17:00:00Z'))).workspaces).toBeGreaterThanOrEqual(2);
    // 2026-11-21 22:30 New York (already the 22nd in UTC): one active becomes loyal, one new becomes onboarding.
    await setStage(a.workspaceId, [A[3]!], 'loyal');
    await setStage(a.workspaceId, [A[0]!], 'onboarding');
    await sweep.run(t.db, new Date('2026-11-22T03:30:00Z'));
    // Later the same local day: the loyal one churns; the day's row ends with this count.
    await setStage(a.workspaceId, [A[3]!], 'churned');
    await snapshotLifecycleStages(t.db, new Date('2026-11-22T04:30:00Z'));
    const rows = await queryRows<{ day: string; n: number }>(t.db, sql`select day::text as day, count(*)::int as n from lifecycle_stage_days where workspace_id = ${a.workspaceId} group by 1 order by 1`);
    expect(rows).toEqual([{ day: '2026-11-20', n: 9 }, { day: '2026-11-21', n: 9 }]);
  });

  it('reports each day per stage, a day without a snapshot as null, and takes today on demand, again when it is over five minutes old', async () => {
    // Today (2026-11-22 local) changes once more before the report is read.
    await setStage(a.workspaceId, A.slice(7, 8), 'dormant');
    const r = (await get('/api/v1/analytics/lifecycle?from=2026-11-19&to=2026-11-22')).json();
    expect(r.timezone).toBe('America/New_York');
    expect(r.stages).toEqual(Object.keys(zeros));
    expect(r.days.map((d: { date: string }) => d.date)).toEqual(['2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22']);
    expect(r.days[0]).toEqual({ date: '2026-11-19', counts: null, total: null });
    expect(r.days[1]).toEqual({ date: '2026-11-20', counts: { ...zeros, new: 3, active: 4, at_risk: 2, churned: 1 }, total: 10 });
    expect(r.days[2]).toEqual({ date: '2026-11-21', counts: { ...zeros, new: 2, onboarding: 1, active: 3, at_risk: 2, churned: 2 }, total: 10 });
    expect(r.days[3]).toEqual({ date: '2026-11-22', counts: { ...zeros, new: 2, onboarding: 1, active: 3, at_risk: 1, dormant: 1, churned: 2 }, total: 10 });
    // Read again: today's snapshot exists now and is not retaken.
    await setStage(a.workspaceId, A.slice(8, 9), 'dormant');
    const again = (await get('/api/v1/analytics/lifecycle?from=2026-11-22&to=2026-11-22')).json();
    expect(again.days[0].counts.dormant).toBe(1);
    // Five minutes on, today is taken again (a new shop's first import shows the same day).
    clock.advance(5 * 60_000 + 1_000);
    try {
      const later = (await get('/api/v1/analytics/lifecycle?from=2026-11-22&to=2026-11-22')).json();
      expect(later.days[0].counts.dormant).toBe(2);
    } finally {
      clock.set(new Date('2026-11-22T10:00:00Z'));
    }
  });

  it('defaults to the last 30 days up to today', async () => {
    const r = (await get('/api/v1/analytics/lifecycle')).json();
    expect([r.from, r.to, r.days.length]).toEqual(['2026-10-24', '2026-11-22', 30]);
    expect(r.days.filter((d: { counts: unknown }) => d.counts !== null).map((d: { date: string }) => d.date)).toEqual(['2026-11-20', '2026-11-21', '2026-11-22']);
  });

  it('downloads the same figures as CSV, one row per day', async () => {
    const res = await get('/api/v1/analytics/lifecycle.csv?from=2026-11-19&to=2026-11-21');
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain('lifecycle-stages.csv');
    const lines = res.body.trim().split('\r\n').map((l) => l.replace(/"/g, ''));
    expect(lines).toEqual([
      'date,new,onboarding,active,loyal,at_risk,dormant,reactivating,churned,archived,total',
      '2026-11-19,,,,,,,,,,',
      '2026-11-20,3,0,4,0,2,0,0,1,0,10',
      '2026-11-21,2,1,3,0,2,0,0,2,0,10',
    ]);
  });

  it('another workspace sees only its own contacts', async () => {
    const r = (await get('/api/v1/analytics/lifecycle?from=2026-11-20&to=2026-11-22', b.key)).json();
    expect(r.timezone).toBe('UTC');
    // The sweep at 2026-11-22T03:30Z and 04:30Z is already the 22nd in UTC.
    expect(r.days.map((d: { counts: Record<string, number> | null }) => d.counts)).toEqual([{ ...zeros, dormant: 2 }, null, { ...zeros, dormant: 2 }]);
  });

  it.each([
    ['from=2026-13-01', 'from'],
    ['to=yesterday', 'to'],
    ['from=2026-11-22&to=2026-11-01', 'from'],
    ['from=2024-01-01&to=2026-11-01', 'to'],
  ])('%s → 422 naming %s', async (q, field) => {
    for (const url of [`/api/v1/analytics/lifecycle?${q}`, `/api/v1/analytics/lifecycle.csv?${q}`]) {
      const res = await t.call(a.key, { method: 'GET', url });
      expect(res.statusCode, url).toBe(422);
      expect(res.json().error.details.fields.map((f: { field: string }) => f.field), url).toContain(`querystring.${field}`);
    }
  });
});

describe('engagement cohorts by opt-in month', () => {
  beforeAll(async () => {
    const ws = a.workspaceId;
    const [offers, updates] = [await topic(ws), await topic(ws)];
    const [c1, c2, c3, c4, c5, c6, c7, old] = A;
    // May 2026 cohort (New York time): 4 people.
    await grant(ws, offers, c1!, '2026-05-03T15:00:00Z');
    await grant(ws, updates, c1!, '2026-09-10T15:00:00Z'); // a later grant: the first one still counts
    await grant(ws, offers, c2!, '2026-05-31T20:00:00Z');
    await grant(ws, offers, c3!, '2026-05-01T04:30:00Z'); // 00:30 local on 1 May
    await grant(ws, offers, c4!, '2026-05-20T12:00:00Z');
    await sent(ws, c1!, '2026-06-10T14:00:00Z', 4, '2026-06-10T15:00:00Z'); // read in June: month 1
    await sent(ws, c1!, '2026-08-02T14:00:00Z', 4, '2026-08-02T14:05:00Z'); // read in August: month 3
    await sent(ws, c1!, '2026-06-11T14:00:00Z', 4, '2026-06-11T15:00:00Z'); // a second June read: still one person
    await inbound(ws, c2!, '2026-11-05T10:00:00Z'); // replied in November: month 6 (the current month, begun)
    await sent(ws, c3!, '2026-05-15T14:00:00Z', 4, '2026-05-15T15:00:00Z'); // read in the opt-in month: not counted
    await sent(ws, c3!, '2026-07-15T14:00:00Z', 4, '2026-07-15T15:00:00Z'); // month 2: not measured
    await sent(ws, c4!, '2026-06-15T14:00:00Z', 3, '2026-06-15T15:00:00Z'); // delivered, never read
    // September 2026 cohort: 3 people (c6 opted in on 30 Sept 22:00 local, 1 Oct in UTC).
    await grant(ws, offers, c5!, '2026-09-05T12:00:00Z');
    await grant(ws, offers, c6!, '2026-10-01T02:00:00Z');
    await grant(ws, offers, c7!, '2026-09-25T12:00:00Z');
    await inbound(ws, c5!, '2026-10-15T12:00:00Z'); // October: month 1
    await sent(ws, c6!, '2026-10-30T12:00:00Z', 4, '2026-11-01T03:00:00Z'); // read 31 Oct 23:00 local: month 1
    await sent(ws, c7!, '2026-11-01T05:00:00Z', 4, '2026-11-01T05:30:00Z'); // read 1 Nov local: month 2, not measured
    // First opted in long before the range: in no cohort, whatever they did later.
    await grant(ws, offers, old!, '2024-01-10T12:00:00Z');
    await grant(ws, updates, old!, '2026-06-10T12:00:00Z');
    await inbound(ws, old!, '2026-07-10T12:00:00Z');
    // Workspace B: a May cohort of its own, with a June reply.
    const bt = await topic(b.workspaceId);
    await grant(b.workspaceId, bt, B[0]!, '2026-05-10T12:00:00Z');
    await inbound(b.workspaceId, B[0]!, '2026-06-10T12:00:00Z');
  });

  it('counts each opt-in month and the share who read or replied 1, 3 and 6 months later', async () => {
    const r = (await get('/api/v1/analytics/cohorts?months=12')).json();
    expect(r.timezone).toBe('America/New_York');
    expect(r.months).toBe(12);
    expect(r.cohorts.map((c: { month: string }) => c.month)).toEqual([
      '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11',
    ]);
    const by = Object.fromEntries(r.cohorts.map((c: { month: string }) => [c.month, c]));
    expect(by['2026-05']).toEqual({
      month: '2026-05',
      contacts: 4,
      month_1: { engaged: 1, share: 0.25 },
      month_3: { engaged: 1, share: 0.25 },
      month_6: { engaged: 1, share: 0.25 },
    });
    expect(by['2026-09']).toEqual({
      month: '2026-09',
      contacts: 3,
      month_1: { engaged: 2, share: 2 / 3 },
      month_3: { engaged: null, share: null }, // December has not begun
      month_6: { engaged: null, share: null },
    });
    // An empty month that has passed: 0 engaged, no share; one whose months have not begun: nulls.
    expect(by['2026-04']).toEqual({ month: '2026-04', contacts: 0, month_1: { engaged: 0, share: null }, month_3: { engaged: 0, share: null }, month_6: { engaged: 0, share: null } });
    expect(by['2026-11'].month_1).toEqual({ engaged: null, share: null });
    expect(r.cohorts.reduce((n: number, c: { contacts: number }) => n + c.contacts, 0)).toBe(7);
  });

  it('asks for fewer months: only the latest ones', async () => {
    const r = (await get('/api/v1/analytics/cohorts?months=3')).json();
    expect(r.cohorts.map((c: { month: string; contacts: number }) => [c.month, c.contacts])).toEqual([['2026-09', 3], ['2026-10', 0], ['2026-11', 0]]);
  });

  it('downloads the same figures as CSV, one row per opt-in month', async () => {
    const res = await get('/api/v1/analytics/cohorts.csv?months=7');
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain('engagement-cohorts.csv');
    const lines = res.body.trim().split('\r\n').map((l) => l.replace(/"/g, ''));
    expect(lines[0]).toBe('opt_in_month,contacts,month_1_engaged,month_1_share,month_3_engaged,month_3_share,month_6_engaged,month_6_share');
    expect(lines).toHaveLength(8);
    expect(lines[1]).toBe('2026-05,4,1,0.25,1,0.25,1,0.25');
    expect(lines[5]).toBe(`2026-09,3,2,${2 / 3},,,,`);
  });

  it('another workspace sees only its own cohorts', async () => {
    const r = (await get('/api/v1/analytics/cohorts?months=12', b.key)).json();
    const nonEmpty = r.cohorts.filter((c: { contacts: number }) => c.contacts > 0);
    expect(nonEmpty).toEqual([{ month: '2026-05', contacts: 1, month_1: { engaged: 1, share: 1 }, month_3: { engaged: 0, share: 0 }, month_6: { engaged: 0, share: 0 } }]);
  });

  it.each([['months=0'], ['months=37'], ['months=two'], ['months=1.5']])('%s → 422 naming months', async (q) => {
    for (const url of [`/api/v1/analytics/cohorts?${q}`, `/api/v1/analytics/cohorts.csv?${q}`]) {
      const res = await t.call(a.key, { method: 'GET', url });
      expect(res.statusCode, url).toBe(422);
      expect(res.json().error.details.fields.map((f: { field: string }) => f.field), url).toContain('querystring.months');
    }
  });
});
