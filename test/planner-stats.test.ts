import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { refreshPlannerStats } from '../src/adapters/db/planner-stats.js';
import { queryRows } from '../src/adapters/db/database.js';
import { createTestDatabase, type TestDatabase } from './helpers/db.js';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(() => tdb.close());

/** The planner's row estimate for webhook bodies of one number (every row matches). */
async function estimatedRows(): Promise<number> {
  const [row] = await queryRows<{ 'QUERY PLAN': unknown }>(tdb.database.db, sql`explain (format json) select * from webhook_events where phone_number_id = '1001'`);
  const plan = row!['QUERY PLAN'];
  const doc = (typeof plan === 'string' ? JSON.parse(plan) : plan) as { Plan: { 'Plan Rows': number } }[];
  return doc[0]!.Plan['Plan Rows'];
}

describe('planner statistics sweep', () => {
  it('analyzes a table that grew from nothing, so a filter matching every row is not planned as 0.5 % of it; then leaves it alone', async () => {
    const db = tdb.database.db;
    await db.execute(sql`insert into webhook_events (raw, received_at, phone_number_id) select '{"n":' || i || '}', now(), '1001' from generate_series(1, 5000) i`);
    // Without statistics PostgreSQL assumes an equality keeps 0.5 % of the rows.
    expect(await estimatedRows()).toBeLessThan(500);
    expect(await refreshPlannerStats(db)).toBeGreaterThanOrEqual(1);
    expect(await estimatedRows()).toBeGreaterThan(4_500);
    // Nothing moved since: no table is analyzed again.
    expect(await refreshPlannerStats(db)).toBe(0);
    // Grown by more than a fifth: analyzed again.
    await db.execute(sql`insert into webhook_events (raw, received_at, phone_number_id) select '{"m":' || i || '}', now(), '1001' from generate_series(1, 5000) i`);
    expect(await refreshPlannerStats(db)).toBeGreaterThanOrEqual(1);
    expect(await estimatedRows()).toBeGreaterThan(9_000);
  });

  it('leaves the tables it is told to skip (those a running import fills) for a later run', async () => {
    const db = tdb.database.db;
    // What ANALYZE records (the planner scales estimates by the table's size, so they are no witness).
    const analyzedPages = async () => (await queryRows<{ relpages: number }>(db, sql`select relpages from pg_class where relname = 'webhook_events'`))[0]!.relpages;
    const before = await analyzedPages();
    await db.execute(sql`insert into webhook_events (raw, received_at, phone_number_id) select '{"k":' || i || '}', now(), '1001' from generate_series(1, 10000) i`);
    expect(await refreshPlannerStats(db, { skip: ['webhook_events'] })).toBe(0);
    expect(await analyzedPages()).toBe(before);
    expect(await refreshPlannerStats(db)).toBeGreaterThanOrEqual(1);
    expect(await analyzedPages()).toBeGreaterThan(before * 1.5);
  });
});
