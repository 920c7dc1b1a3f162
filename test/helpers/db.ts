import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../src/adapters/db/database.js';
import { withDatabase, withDbName } from './pg-admin.js';

/** A database of its own for one test file, cloned from the migrated template. */
export interface TestDatabase {
  database: Database;
  /** Set on PostgreSQL: the URL of this file's database (for child processes). */
  url: string | undefined;
  close(): Promise<void>;
}

/** True when the suite runs against a PostgreSQL server (DATABASE_URL set). */
export const onPostgres = Boolean(process.env.DATABASE_URL);

/** Clones the migrated template into a fresh database. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    const name = `gl_t_${inject('runId')}_${randomBytes(4).toString('hex')}`;
    await withDatabase(adminUrl, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${inject('templateDatabase')}`));
    const url = withDbName(adminUrl, name);
    const database = await openDatabase({ kind: 'postgres', url, poolSize: 5 });
    return {
      database,
      url,
      close: async () => {
        await database.close();
        await withDatabase(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      },
    };
  }
  const dump = await readFile(inject('templateDump'));
  const database = await openDatabase({ kind: 'pglite-memory', loadDataDir: new Blob([dump]) });
  return { database, url: undefined, close: () => database.close() };
}
