import { safeErrorMessage } from '../../lib/redact.js';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Db } from '../../modules/context.js';

/** An open database: PGlite in-process or a node-postgres pool. */
export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Connections of the pool (operator metrics): PGlite reports its one connection. */
  poolStats(): { total: number; idle: number; waiting: number; max: number };
  /**
   * Calls `onPayload` for every NOTIFY on `channel` (from any process on this database) until the
   * returned function is called. On PostgreSQL a dedicated connection listens and comes back by
   * itself after a connection loss (notifications sent meanwhile are lost: listeners reload).
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Where the data lives. */
export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolSize: number; log?: Logger }
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'pglite-memory'; loadDataDir?: Blob };

/** Opens the database; for PGlite the caller must already hold the data-dir lock. */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres') return openPostgres(target.url, target.poolSize, target.log);
  // Why a dynamic import: PGlite (its WASM build) costs ~45 MB of RSS on import, which a worker
  // on PostgreSQL never needs (the worker's memory target is 256 MB).
  const { openPglite } = await import('./pglite.js');
  return openPglite(target);
}

function openPostgres(url: string, poolSize: number, log?: Logger): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'greenlist', connectionTimeoutMillis: 5000 });
  // A lost connection (server restart, failover, pg_terminate_backend) must never crash the process.
  // pool.on('error') only hears idle clients: a checked-out client's 'error' event had no listener,
  // so Node threw it as uncaught. Every client gets its own listener for its whole life; the query
  // in flight fails on its own (mapped to DATABASE_UNAVAILABLE) and the pool drops the dead client.
  const lost = (err: Error) => log?.warn({ err: { message: safeErrorMessage(err) } }, 'database connection lost');
  pool.on('connect', (client) => client.on('error', lost));
  pool.on('error', () => undefined); // already logged by the client's own listener
  const db = drizzlePg(pool) as unknown as Db;
  let closed = false;
  return {
    kind: 'postgres',
    db,
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: poolSize }),
    listen: (channel, onPayload) => listenPostgres(url, channel, onPayload, log),
    close: async () => {
      if (!closed) {
        closed = true;
        await pool.end();
      }
    },
  };
}

/** A dedicated connection that LISTENs on `channel`, reconnecting after a loss (1 s, then up to 10 s apart). */
async function listenPostgres(url: string, channel: string, onPayload: (payload: string) => void, log?: Logger): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | undefined;
  let delay = 1000;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, application_name: 'greenlist-listen', connectionTimeoutMillis: 5000 });
    c.on('notification', (n) => {
      if (n.channel === channel && n.payload !== undefined) onPayload(n.payload);
    });
    c.on('error', (err) => {
      log?.warn({ err: { message: safeErrorMessage(err) } }, 'listen connection lost');
      void c.end().catch(() => undefined);
      if (!stopped) setTimeout(() => void retry(), delay);
    });
    await c.connect();
    await c.query(`LISTEN ${pg.Client.prototype.escapeIdentifier(channel)}`);
    client = c;
    delay = 1000;
  };
  const retry = async (): Promise<void> => {
    if (stopped) return;
    try {
      await connect();
    } catch {
      delay = Math.min(delay * 2, 10_000);
      setTimeout(() => void retry(), delay);
    }
  };
  await connect();
  return async () => {
    stopped = true;
    await client?.end().catch(() => undefined);
  };
}

/** Runs raw SQL and returns its rows (one implementation, shared with the modules). */
export { queryRowsOf as queryRows } from '../../modules/sql.js';

export { isDatabaseDown } from './db-errors.js';
