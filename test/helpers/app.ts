import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createInboxEvents } from '../../src/adapters/http/inbox-events.js';
import { INBOX_CHANNEL } from '../../src/modules/conversations/index.js';
import { buildApp } from '../../src/adapters/http/app.js';
import { silentLogger } from '../../src/lib/logger.js';
import type { Clock } from '../../src/lib/clock.js';
import type { Ctx, Db } from '../../src/modules/context.js';
import { createApiKey, createWorkspace, useSingleOwnerCaches, type Role } from '../../src/modules/workspaces/index.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import type { Logger } from 'pino';
import { wire, type Wiring } from '../../src/entrypoints/wiring.js';
import { parseAllowedOrigins } from '../../src/lib/outbound/index.js';

/** What test apps allow as a Cloud API origin, as an operator would configure it: the simulator on loopback, any port. */
export const TEST_GRAPH_ORIGINS = 'http://127.0.0.1:*';

/** The master key test apps seal secrets with. */
export const TEST_MASTER_KEY = Buffer.alloc(32, 7);

/** A controllable clock for tests. */
export function testClock(start = new Date('2026-11-22T10:00:00Z')): Clock & { advance(ms: number): void; set(d: Date): void } {
  let now = start.getTime();
  return { now: () => new Date(now), advance: (ms) => void (now += ms), set: (d) => void (now = d.getTime()) };
}

/** An app on its own database, plus helpers to make tenants and call the API. */
export interface TestApp {
  app: FastifyInstance;
  db: Db;
  testDb: TestDatabase;
  /** Creates a workspace and an API key in it. */
  tenant(slug: string, role?: Role): Promise<{ workspaceId: string; key: string; ctx: Ctx }>;
  /** The adapters the app was built with (secret box, Cloud API client, webhook intake). */
  wiring: Wiring;
  /** `app.inject` with a bearer key. */
  call(key: string | undefined, opts: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** Builds the real app (real routes, real database) for `inject()` tests. */
export async function createTestApp(overrides: { log?: Logger; rateLimitPerKeyPerMinute?: number; rateLimitPerIpPerMinute?: number; clock?: Clock; graphAllowedOrigins?: string; webhookAllowedOrigins?: string; trustProxy?: false | number | string[]; liveInbox?: boolean; metricsToken?: string } = {}): Promise<TestApp> {
  const testDb = await createTestDatabase();
  const db = testDb.database.db;
  const log = overrides.log ?? silentLogger();
  // The API's business clock (each request's ctx.now); scheduling tests pass a testClock. Webhook intake keeps the wall clock.
  const clock = overrides.clock ?? { now: () => new Date() };
  const wiring = wire(db, TEST_MASTER_KEY, log, { now: () => new Date() }, { graphAllowedOrigins: parseAllowedOrigins(overrides.graphAllowedOrigins ?? TEST_GRAPH_ORIGINS), webhookAllowedOrigins: parseAllowedOrigins(overrides.webhookAllowedOrigins ?? ''), poolStats: testDb.database.poolStats });
  // As in production: the key cache is on only for the embedded database.
  useSingleOwnerCaches(testDb.database.kind === 'pglite');
  const inboxEvents = overrides.liveInbox ? createInboxEvents(testDb.database.listen, INBOX_CHANNEL, log) : undefined;
  const app = await buildApp({
    ...wiring,
    db,
    ping: testDb.database.ping,
    clock,
    log,
    bodyLimitBytes: 1_048_576,
    rateLimitPerKeyPerMinute: overrides.rateLimitPerKeyPerMinute ?? 100_000,
    rateLimitPerIpPerMinute: overrides.rateLimitPerIpPerMinute ?? 100_000,
    trustProxy: overrides.trustProxy ?? false,
    publicUrl: 'http://127.0.0.1:8080',
    version: 'test',
    // Off by default: a Server-Sent Events stream never ends, which inject() (and the fuzzers) would wait on.
    ...(inboxEvents ? { inboxEvents } : {}),
    ...(overrides.metricsToken ? { metrics: wiring.metrics, metricsToken: overrides.metricsToken } : {}),
  });
  await app.ready();
  return {
    app,
    db,
    testDb,
    async tenant(slug, role = 'owner') {
      const ws = await createWorkspace(db, { slug, name: slug }, { now: new Date(), log });
      const ctx: Ctx = { db, workspaceId: ws.id, actor: { type: 'cli', id: null, role: 'owner' }, now: new Date(), log };
      const key = await createApiKey(ctx, { name: `${slug}-key`, role });
      return { workspaceId: ws.id, key: key.key, ctx };
    },
    call(key, opts) {
      const headers = { ...(opts.headers ?? {}), ...(key ? { authorization: `Bearer ${key}` } : {}) };
      return app.inject({ ...opts, headers });
    },
    wiring,
    async close() {
      await app.close();
      await inboxEvents?.close();
      await wiring.webhooks.committer.close();
      await testDb.close();
    },
  };
}
