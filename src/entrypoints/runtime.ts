import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { systemClock, type Clock } from '../lib/clock.js';
import { openDatabase, type Database } from '../adapters/db/database.js';
import { acquireDataDirLock, type DataDirLock } from '../adapters/db/data-dir-lock.js';
import { secureDataDir, useOwnerOnlyUmask } from '../adapters/db/data-dir-perms.js';
import { runMigrations } from '../adapters/db/migrate.js';
import { ensureDefaultWorkspace } from '../modules/workspaces/index.js';

/** An opened Greenlist: config, database (migrated, with a default workspace) and the data-dir lock. */
export interface Runtime {
  config: Config;
  log: Logger;
  clock: Clock;
  database: Database;
  lock: DataDirLock | undefined;
  masterKey: Buffer;
  close(): Promise<void>;
}

async function loadOrCreateMasterKey(dataDir: string, log: Logger): Promise<Buffer> {
  const path = join(dataDir, 'master.key');
  try {
    const key = Buffer.from((await readFile(path, 'utf8')).trim(), 'hex');
    if (key.length === 32) return key;
    throw new Error(`${path} does not hold a 32-byte hex key`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = randomBytes(32);
  await writeFile(path, key.toString('hex'), { mode: 0o600, flag: 'wx' });
  await chmod(path, 0o600);
  log.warn({ path }, 'generated a master key for the embedded database; back it up with the data directory');
  return key;
}

/**
 * Opens the database named by the config and prepares it: PGlite takes the data-dir lock first,
 * then migrations run (serialised across processes on PostgreSQL) and the `default` workspace is ensured.
 */
export async function openRuntime(config: Config, log: Logger): Promise<Runtime> {
  const clock = systemClock;
  let lock: DataDirLock | undefined;
  let database: Database;
  let masterKey: Buffer;
  // Everything this process writes (spooled uploads, and PGlite's files) is owner-only.
  useOwnerOnlyUmask();
  if (config.databaseUrl) {
    database = await openDatabase({ kind: 'postgres', url: config.databaseUrl, poolSize: config.dbPoolSize, log });
    masterKey = config.masterKey!;
  } else {
    await secureDataDir(config.dataDir);
    lock = await acquireDataDirLock(config.dataDir);
    try {
      masterKey = config.masterKey ?? (await loadOrCreateMasterKey(config.dataDir, log));
      database = await openDatabase({ kind: 'pglite', dataDir: config.dataDir });
    } catch (err) {
      await lock.release();
      throw err;
    }
  }
  try {
    await runMigrations(database, config.databaseUrl);
    await ensureDefaultWorkspace(database.db, { now: clock.now(), log });
  } catch (err) {
    await database.close();
    await lock?.release();
    throw err;
  }
  return {
    config,
    log,
    clock,
    database,
    lock,
    masterKey,
    close: async () => {
      await database.close();
      await lock?.release();
    },
  };
}
