import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { Logger } from 'pino';
import type { Role } from './workspaces/workspaces.rules.js';

/** A Drizzle database or an open transaction on it; PGlite and node-postgres look the same here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Db = PgDatabase<PgQueryResultHKT, any>;

/** The logging calls use cases make (pino's and Fastify's loggers both fit). */
export type Log = Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;

/** Who performs a use case: recorded in the audit log and checked against the role's permissions. */
export interface Actor {
  type: 'user' | 'api_key' | 'system' | 'cli';
  id: string | null;
  role: Role;
}

/** What every use case receives. `db` may be a transaction so a change and its audit row commit together. */
export interface Ctx {
  db: Db;
  workspaceId: string;
  actor: Actor;
  now: Date;
  log: Log;
  requestId?: string;
}

/**
 * What system paths receive (webhook processing, sweeps, workers): no actor and no single
 * workspace, since one batch may span several; each row names its own. Use cases driven by a
 * user, key or CLI take a `Ctx`; paths the system drives take a `SystemCtx`.
 */
export interface SystemCtx {
  db: Db;
  now: Date;
  log: Log;
}

/** The system itself acting (sweeps, first start). */
export const SYSTEM_ACTOR: Actor = { type: 'system', id: null, role: 'owner' };
