import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { runMigrations } from '../src/adapters/db/migrate.js';
import { ensureDefaultWorkspace, countWorkspaces } from '../src/modules/workspaces/index.js';
import { silentLogger } from '../src/lib/logger.js';
import { createTestDatabase, type TestDatabase } from './helpers/db.js';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(() => tdb.close());

async function snapshot() {
  const tables = await queryRows<{ table_name: string }>(tdb.database.db, sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`);
  const applied = await queryRows<{ n: number }>(tdb.database.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return { tables: tables.map((t) => t.table_name), applied: applied[0]!.n };
}

describe('migrations', () => {
  it('are idempotent: running them again changes nothing', async () => {
    const before = await snapshot();
    expect(before.tables).toEqual(expect.arrayContaining(['workspaces', 'users', 'api_keys', 'sessions', 'audit_log', 'idempotency_keys']));
    await runMigrations(tdb.database, tdb.url);
    await runMigrations(tdb.database, tdb.url);
    expect(await snapshot()).toEqual(before);
  });

  it('serialise concurrent runs on PostgreSQL and the default workspace is created once', async () => {
    await Promise.all([runMigrations(tdb.database, tdb.url), runMigrations(tdb.database, tdb.url)]);
    const env = { now: new Date(), log: silentLogger() };
    const results = await Promise.all([ensureDefaultWorkspace(tdb.database.db, env), ensureDefaultWorkspace(tdb.database.db, env), ensureDefaultWorkspace(tdb.database.db, env)]);
    expect(new Set(results.map((w) => w.id)).size).toBe(1);
    expect(await countWorkspaces(tdb.database.db)).toBe(1);
  });
});
