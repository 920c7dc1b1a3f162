import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSweepRunner } from '../src/adapters/worker/sweep-runner.js';
import { silentLogger } from '../src/lib/logger.js';
import { createTestDatabase, onPostgres, type TestDatabase } from './helpers/db.js';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(() => tdb.close());

describe('sweep runner', () => {
  it('runs each sweep under an advisory lock and skips it while another holder has the lock', async () => {
    const runs: string[] = [];
    const runner = startSweepRunner({
      db: tdb.database.db,
      log: silentLogger(),
      clock: { now: () => new Date() },
      sweeps: [{ name: 'demo', everyMs: 3_600_000, run: async () => (runs.push('demo'), { changed: 0 }) }],
    });
    await runner.runAll();
    expect(runs).toEqual(['demo']);
    // Only PostgreSQL has other sessions; PGlite is one process with one connection.
    if (onPostgres) {
      // Another process holding the lock (simulated with a second connection) makes this tick a no-op.
      const pg = await import('pg');
      const other = new pg.default.Client({ connectionString: tdb.url });
      await other.connect();
      await other.query('begin');
      await other.query(`select pg_advisory_xact_lock(hashtext('greenlist.sweep.demo'))`);
      await runner.runAll();
      expect(runs).toEqual(['demo']);
      await other.query('rollback');
      await other.end();
      await runner.runAll();
      expect(runs).toEqual(['demo', 'demo']);
    }
    await runner.stop();
  });

  it('keeps running after a sweep throws', async () => {
    let calls = 0;
    const runner = startSweepRunner({
      db: tdb.database.db,
      log: silentLogger(),
      clock: { now: () => new Date() },
      sweeps: [{ name: 'flaky', everyMs: 3_600_000, run: async () => { calls++; if (calls === 1) throw new Error('boom'); return { changed: 1 }; } }],
    });
    await runner.runAll();
    await runner.runAll();
    expect(calls).toBe(2);
    await runner.stop();
  });
});
