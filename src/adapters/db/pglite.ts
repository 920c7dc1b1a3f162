// The embedded PGlite database, loaded only when a process uses it (see openDatabase).
import { mkdir } from 'node:fs/promises';
import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { Db } from '../../modules/context.js';
import type { Database, DatabaseTarget } from './database.js';
import { makeOwnerOnly } from './data-dir-perms.js';

/** Extensions the migrations create (pg_trgm: the inbox search's trigram indexes); every open must load them. */
export const EXTENSIONS = { pg_trgm };

/** Opens PGlite on a data directory or in memory; the caller must already hold the data-dir lock. */
export async function openPglite(target: Exclude<DatabaseTarget, { kind: 'postgres' }>): Promise<Database> {
  const client =
    target.kind === 'pglite'
      ? await (async () => {
          await mkdir(target.dataDir, { recursive: true, mode: 0o700 });
          return PGlite.create(`${target.dataDir}/pgdata`, { extensions: EXTENSIONS });
        })()
      : await PGlite.create({ extensions: EXTENSIONS, ...(target.loadDataDir ? { loadDataDir: target.loadDataDir } : {}) });
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
    // One in-process connection; whether it is busy is not observable cheaply, so it reads as idle.
    poolStats: () => ({ total: 1, idle: 1, waiting: 0, max: 1 }),
    // One process owns the data directory, so every NOTIFY comes from this client.
    listen: async (channel, onPayload) => {
      const stop = await client.listen(channel, onPayload);
      return async () => {
        if (!client.closed) await stop();
      };
    },
    close: async () => {
      if (!client.closed) await client.close();
      if (target.kind === 'pglite') await makeOwnerOnly(`${target.dataDir}/pgdata`);
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
