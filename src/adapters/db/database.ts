import { mkdir } from 'node:fs/promises';
import { safeErrorMessage } from '../../lib/redact.js';
import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
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
  const client =
    target.kind === 'pglite'
      ? await (async () => {
          await mkdir(target.dataDir, { recursive: true });
          return PGlite.create(`${target.dataDir}/pgdata`);
        })()
      : await PGlite.create(target.loadDataDir ? { loadDataDir: target.loadDataDir } : {});
  // drizzle-orm/pglite sends these identity parsers with every query, which makes PGlite copy its
  // whole parser table (~320 entries) per query. Install them once and strip them per call.
  Object.assign(client.parsers, DRIZZLE_PARSERS);
  const db = drizzlePglite(stripPerQueryParsers(client)) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    ping: async () => {
      await client.query('select 1');
    },
    close: async () => {
      if (!client.closed) await client.close();
    },
  };
}

const keep = (value: string) => value;
/** The parsers drizzle-orm/pglite passes per query (dates and intervals stay strings; drizzle maps them). */
const DRIZZLE_PARSERS = { [types.TIMESTAMP]: keep, [types.TIMESTAMPTZ]: keep, [types.INTERVAL]: keep, [types.DATE]: keep, 1231: keep, 1115: keep, 1185: keep, 1187: keep, 1182: keep };

type QueryOpts = { parsers?: unknown } & Record<string, unknown>;
/** The client (or a transaction) with `parsers` removed from each query's options. */
function stripPerQueryParsers<T extends object>(target: T): T {
  return new Proxy(target, {
    get(t, prop) {
      if (prop === 'query') {
        const query = (t as unknown as { query: (q: string, p?: unknown[], o?: QueryOpts) => Promise<unknown> }).query.bind(t);
        return (q: string, params?: unknown[], opts?: QueryOpts) => {
          if (!opts?.parsers) return query(q, params, opts);
          const { parsers: _drop, ...rest } = opts;
          return query(q, params, rest);
        };
      }
      if (prop === 'transaction') {
        const transaction = (t as unknown as PGlite).transaction.bind(t);
        return <R>(fn: (tx: Transaction) => Promise<R>) => transaction((tx) => fn(stripPerQueryParsers(tx)));
      }
      const v = Reflect.get(t, prop, t) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
}

function openPostgres(url: string, poolSize: number, log?: Logger): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'greenlist', connectionTimeoutMillis: 5000 });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', (err) => log?.warn({ err: { message: safeErrorMessage(err) } }, 'idle database connection lost'));
  const db = drizzlePg(pool) as unknown as Db;
  let closed = false;
  return {
    kind: 'postgres',
    db,
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: async () => {
      if (!closed) {
        closed = true;
        await pool.end();
      }
    },
  };
}

/** Runs raw SQL and returns its rows (one implementation, shared with the modules). */
export { queryRowsOf as queryRows } from '../../modules/sql.js';

const DOWN_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);

/** True when `err` (or its cause) says the database cannot be reached. */
export function isDatabaseDown(err: unknown): boolean {
  for (let e = err as { code?: string; message?: string; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) {
    if (e.code && DOWN_CODES.has(e.code)) return true;
    if (typeof e.message === 'string' && /Connection terminated|connection timeout|PGlite is closed|pool after calling end/i.test(e.message)) return true;
  }
  return false;
}
