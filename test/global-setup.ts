import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/adapters/db/database.js';
import { runMigrations } from '../src/adapters/db/migrate.js';
import { withDatabase, withDbName } from './helpers/pg-admin.js';
import { ensureWebBuilt } from './ui/web-build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDump: string;
    templateDatabase: string;
    runId: string;
  }
}

/**
 * Migrates one template database per run; every test file then clones it (CREATE DATABASE …
 * TEMPLATE on PostgreSQL, loadDataDir on PGlite) instead of migrating from scratch.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Built once here, before any file runs: two UI test files building at once could empty
  // web/dist under each other's pages.
  await ensureWebBuilt();
  const runId = `${Date.now().toString(36)}${process.pid}`;
  project.provide('runId', runId);
  const url = process.env.DATABASE_URL;
  if (url) {
    const template = `gl_tpl_${runId}`;
    await withDatabase(url, (c) => c.query(`CREATE DATABASE ${template}`));
    const templateUrl = withDbName(url, template);
    const database = await openDatabase({ kind: 'postgres', url: templateUrl, poolSize: 1 });
    await runMigrations(database, templateUrl);
    await database.close();
    project.provide('templateDatabase', template);
    project.provide('templateDump', '');
    return async () => {
      await withDatabase(url, async (c) => {
        const res = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`gl_%${runId}%`]);
        for (const row of res.rows) await c.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`);
      });
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'greenlist-test-'));
  const database = await openDatabase({ kind: 'pglite-memory' });
  await runMigrations(database);
  const client = (database.db as unknown as { $client: { dumpDataDir(c: 'none'): Promise<Blob> } }).$client;
  const dump = await client.dumpDataDir('none');
  const path = join(dir, 'template.tar');
  await writeFile(path, Buffer.from(await dump.arrayBuffer()));
  await database.close();
  project.provide('templateDump', path);
  project.provide('templateDatabase', '');
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}

