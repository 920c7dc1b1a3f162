// Housekeeping of a crashed worker's rows at scale (reliability.md §7, INV-ONCE liveness): settling
// thousands of `uncertain` rows must cost O(rows), whatever the planner statistics say. Found by the
// crash test on PostgreSQL: statistics taken while no row was uncertain made the planner inline the
// "rows with a status" subquery into a nested loop and run it once per uncertain row; a SIGKILLed
// worker's 3,000 uncertain rows then held the housekeeping lane for minutes and the broadcast never
// completed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { settleExpiredRows } from '../src/modules/broadcasts/index.js';
import { queryRows } from '../src/adapters/db/database.js';
import { createTestDatabase, type TestDatabase } from './helpers/db.js';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(() => tdb.close());

describe('settling uncertain rows', () => {
  it('settles 5,000 uncertain rows in one pass in well under a second per thousand, with statistics taken before any row was uncertain', async () => {
    const db = tdb.database.db;
    const ws = randomUUID();
    const broadcast = randomUUID();
    await db.execute(sql`insert into workspaces (id, slug, name) values (${ws}::uuid, ${`settle-${ws}`}, 'settle')`);
    await db.execute(sql`insert into broadcast_recipients (broadcast_id, workspace_id, contact_id, state, not_before, is_marketing, timezone)
                         select ${broadcast}::uuid, ${ws}::uuid, gen_random_uuid(), 'queued', now(), true, 'UTC' from generate_series(1, 5000)`);
    // Statistics as a worker's sweep leaves them mid-broadcast: no row uncertain yet.
    await db.execute(sql`analyze broadcast_recipients`);
    await db.execute(sql`update broadcast_recipients set state = 'uncertain', attempts = 1, locked_until = now() + interval '1 hour' where workspace_id = ${ws}::uuid`);
    // A status webhook for every 10th row (its callback data names the row and attempt).
    await db.execute(sql`insert into message_status_events (workspace_id, wamid, status, callback_data, occurred_at, received_at)
                         select ${ws}::uuid, 'wamid.' || id, 'sent', 'b:' || id || ':1', now(), now() from broadcast_recipients where workspace_id = ${ws}::uuid and id % 10 = 0`);

    const t0 = Date.now();
    const first = await settleExpiredRows(db, new Date());
    const ms = Date.now() - t0;
    expect(first.resolved).toBe(500);
    // Quadratic (one subquery run per row) took minutes here; linear takes tens of milliseconds.
    expect(ms, `one settle pass over 5,000 uncertain rows took ${ms} ms`).toBeLessThan(5_000);
    const states = await queryRows<{ state: string; n: number }>(db, sql`select state, count(*)::int as n from broadcast_recipients where workspace_id = ${ws}::uuid group by 1 order by 1`);
    expect(Object.fromEntries(states.map((r) => [r.state, r.n]))).toEqual({ accepted: 500, uncertain: 4_500 });
  });
});
