// Helpers shared by the broadcast benchmarks (broadcast-dispatch.ts, broadcast-snapshot.ts): the
// in-process app wired like `greenlist start`, the simulator's view of what was sent, process
// memory and CPU read from /proc, and the figures of a paced send.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { buildApp } from '../src/adapters/http/app.js';
import { parseWebhook } from '../src/adapters/whatsapp/webhook-parse.js';
import { startPoller, type Poller } from '../src/adapters/worker/poller.js';
import { openDatabase, type Database } from '../src/adapters/db/database.js';
import { runMigrations } from '../src/adapters/db/migrate.js';
import { tempDataDir, tempPgDatabase } from './lib.js';
import { wire, type Wiring } from '../src/entrypoints/wiring.js';
import { silentLogger } from '../src/lib/logger.js';
import type { Ctx } from '../src/modules/context.js';
import { processPendingWebhooks } from '../src/modules/inbound/index.js';
import { bulkPacingFor } from '../src/modules/lifecycle/index.js';
import { queryRowsOf } from '../src/modules/sql.js';
import { syncTemplates } from '../src/modules/templates/index.js';
import { createApiKey, useSingleOwnerCaches } from '../src/modules/workspaces/index.js';
import type { Simulator, TemplateSeed } from '../src/simulator/index.js';

/** The bench's business number at the simulator (ids are Meta-shaped digits). */
export const BENCH_NUMBER = { phoneNumberId: '7065409911', wabaId: '7022909911', accessToken: 'sim-token-bench-broadcast', appSecret: 'bench-broadcast-secret', verifyToken: 'bench-broadcast-verify' };

/** A marketing template with a name variable and a STOP footer (what a real campaign looks like). */
export const BENCH_TEMPLATE: TemplateSeed = {
  name: 'bench_offers',
  language: 'en_US',
  category: 'MARKETING',
  components: [
    { type: 'BODY', text: 'Hi {{1}}, this week: {{2}}.', example: { body_text: [['Ada', '10% off']] } },
    { type: 'FOOTER', text: 'Reply STOP to unsubscribe' },
  ] as TemplateSeed['components'],
};

/** The template part of a broadcast using BENCH_TEMPLATE. */
export const BENCH_TEMPLATE_REF = {
  name: BENCH_TEMPLATE.name,
  language: BENCH_TEMPLATE.language,
  variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: '2 for 1 on Fridays' } },
};

/** The app (routes and webhook intake with group commit) on loopback, like the api role of `greenlist start`. */
export interface BenchApp {
  app: FastifyInstance;
  url: string;
  wiring: Wiring;
  /** Calls the API with a bearer key; throws unless the status is `expect`. */
  call<T = Record<string, unknown>>(key: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, expect?: number): Promise<T>;
  close(): Promise<void>;
}

/**
 * The wire() option that lets the Cloud API client reach the simulator on loopback; empty for a
 * product from before the outbound guard (bench:compare runs this harness against older commits).
 */
async function loopbackAllowed(): Promise<Record<string, unknown>> {
  const guard = new URL('../src/lib/outbound/index.ts', import.meta.url);
  if (!existsSync(guard)) return {};
  const { parseAllowedOrigins } = (await import(guard.href)) as { parseAllowedOrigins(v: string): unknown };
  return { graphAllowedOrigins: parseAllowedOrigins('http://127.0.0.1:*') };
}

/** Builds and starts the real app on 127.0.0.1 (random port). */
export async function startBenchApp(database: Database, masterKey: Buffer): Promise<BenchApp> {
  const log = silentLogger();
  const clock = { now: () => new Date() };
  // The simulator listens on loopback: allowed as an operator would (GREENLIST_GRAPH_ALLOWED_ORIGINS).
  const wiring = wire(database.db, masterKey, log, clock, await loopbackAllowed());
  useSingleOwnerCaches(database.kind === 'pglite');
  const app = await buildApp({
    ...wiring,
    db: database.db,
    ping: database.ping,
    clock,
    log,
    bodyLimitBytes: 1_048_576,
    rateLimitPerKeyPerMinute: 1_000_000_000,
    rateLimitPerIpPerMinute: 1_000_000_000,
    trustProxy: false,
    publicUrl: 'http://127.0.0.1:8080',
    version: 'bench',
    bulkPacing: bulkPacingFor(database.kind),
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    url,
    wiring,
    async call<T>(key: string, method: 'GET' | 'POST' | 'PATCH', path: string, payload?: unknown, expect = method === 'POST' && path.endsWith('s') ? 201 : 200): Promise<T> {
      const res = await app.inject({ method, url: path, headers: { authorization: `Bearer ${key}` }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
      if (res.statusCode !== expect) throw new Error(`${method} ${path} answered ${res.statusCode} (expected ${expect}): ${res.body}`);
      return res.json() as T;
    },
    async close() {
      await app.close();
      await wiring.webhooks.committer.close();
    },
  };
}

/** The webhook processor of a worker (statuses → messages, recipients' delivery), in this process. */
export function startWebhookProcessor(database: Database): Poller {
  const log = silentLogger();
  return startPoller({ name: 'webhooks', idleMs: 200, log, yieldRatio: 1, run: () => processPendingWebhooks({ db: database.db, parse: parseWebhook, log, now: new Date() }) });
}

/**
 * Gives a workspace what a broadcast needs: an API key, the bench number connected to the
 * simulator (tier `mps`, unlimited messaging tier, so the 24 h unique-recipient cap does not
 * apply), the `offers` marketing topic (unless it exists) and the synced template.
 */
export async function prepareWorkspace(a: BenchApp, ctx: Ctx, simUrl: string, mps: 80 | 1000): Promise<{ key: string; numberId: string }> {
  const key = (await createApiKey(ctx, { name: 'bench', role: 'owner' })).key;
  const num = await a.call<{ id: string }>(key, 'POST', '/api/v1/phone-numbers', {
    phone_number_id: BENCH_NUMBER.phoneNumberId,
    waba_id: BENCH_NUMBER.wabaId,
    display_number: '+1 555 078 9911',
    access_token: BENCH_NUMBER.accessToken,
    app_secret: BENCH_NUMBER.appSecret,
    verify_token: BENCH_NUMBER.verifyToken,
    api_base_url: simUrl,
    throughput_mps: mps,
    messaging_limit_tier: 'TIER_UNLIMITED',
  });
  const [topic] = await queryRowsOf<{ id: string }>(ctx.db, sql`select id from topics where workspace_id = ${ctx.workspaceId} and key = 'offers'`);
  if (!topic) await a.call(key, 'POST', '/api/v1/topics', { key: 'offers', name: 'Offers', category: 'marketing' });
  await syncTemplates(ctx, { box: a.wiring.box, gateway: a.wiring.gateway }, num.id);
  return { key, numberId: num.id };
}

/**
 * A zone where it is now between 09:00 and 19:00, so the default quiet hours (21:00–08:00, kept on:
 * the claim evaluates them per recipient) let a short run through whatever time the bench starts.
 */
export function daytimeZone(now = new Date()): string {
  const zones = ['Africa/Lagos', 'Asia/Kolkata', 'Asia/Tokyo', 'Pacific/Auckland', 'America/Sao_Paulo', 'America/New_York', 'America/Los_Angeles', 'Pacific/Honolulu'];
  const hourIn = (tz: string) => Number(new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', hour12: false }).format(now)) % 24;
  return zones.find((z) => hourIn(z) >= 9 && hourIn(z) < 19) ?? 'Africa/Lagos';
}

/** Synchronous rejections and asynchronous failures counted by the simulator (by Graph error code). */
export async function simStats(sim: Simulator): Promise<{ accepted: number; rejected: Record<string, number>; failed: Record<string, number> }> {
  const res = await sim.app.inject({ method: 'GET', url: '/_sim/stats' });
  const s = res.json() as { accepted: number; rejected_by_code: Record<string, number>; failed_by_code: Record<string, number> };
  return { accepted: s.accepted, rejected: s.rejected_by_code, failed: s.failed_by_code };
}

/** Figures of a paced send, from the acceptance times (ms) the simulator recorded. */
export interface PaceFigures {
  sends: number;
  /** From the first accepted send to the last (ms). */
  spanMs: number;
  /** (sends − 1) / span: the mean rate over the whole broadcast. */
  meanRate: number;
  /** Most sends accepted in any 1 s window [t, t + 1 s). */
  max1s: number;
  /** Fewest sends in any whole 1 s window fully inside the run (the steadiness of the pace). */
  min1s: number;
}

/** Sliding 1 s windows over sorted acceptance times. */
export function paceOf(times: number[]): PaceFigures {
  const t = [...times].sort((a, b) => a - b);
  if (t.length < 2) return { sends: t.length, spanMs: 0, meanRate: 0, max1s: t.length, min1s: t.length };
  let max = 0;
  let j = 0;
  for (let i = 0; i < t.length; i++) {
    while (j < t.length && t[j]! < t[i]! + 1000) j++;
    max = Math.max(max, j - i);
  }
  // Windows starting at each send that end before the last one: the lowest count is the worst stall.
  let min = Infinity;
  j = 0;
  const last = t[t.length - 1]!;
  for (let i = 0; i < t.length && t[i]! + 1000 <= last; i++) {
    while (j < t.length && t[j]! < t[i]! + 1000) j++;
    min = Math.min(min, j - i);
  }
  const spanMs = last - t[0]!;
  return { sends: t.length, spanMs, meanRate: spanMs > 0 ? ((t.length - 1) * 1000) / spanMs : 0, max1s: max, min1s: min === Infinity ? t.length : min };
}

/** Resident set size now and at its peak (VmHWM) of a process, in bytes, from /proc (Linux). */
export async function procMemory(pid: number): Promise<{ rss: number; peak: number } | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
export async function procCpuSeconds(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line (11 and 12 after the command).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Samples memory every `everyMs`: this process through process.memoryUsage().rss, others through /proc. */
export function memorySampler(pids: (number | 'self')[], everyMs = 250): { stop(): Promise<{ pid: number | 'self'; maxRss: number; peak: number; last: number }[]> } {
  const max = new Map<number | 'self', { maxRss: number; peak: number; last: number }>(pids.map((p) => [p, { maxRss: 0, peak: 0, last: 0 }]));
  const sample = async () => {
    for (const p of pids) {
      const m = p === 'self' ? { rss: process.memoryUsage().rss, peak: 0 } : await procMemory(p);
      if (!m) continue;
      const cur = max.get(p)!;
      cur.maxRss = Math.max(cur.maxRss, m.rss);
      cur.peak = Math.max(cur.peak, m.peak);
      cur.last = m.rss;
    }
  };
  const timer = setInterval(() => void sample(), everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await sample();
      return pids.map((p) => ({ pid: p, ...max.get(p)! }));
    },
  };
}

export const mb = (bytes: number): string => `${Math.round(bytes / 1_048_576)} MB`;
export const rate = (n: number): string => `${n.toFixed(1)}/s`;
export const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

/** Waits for `check` (polled every `everyMs`) or throws after `timeoutMs`. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string, everyMs = 250): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
}

/** The installed PGlite version. */
export function pgliteVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The PostgreSQL server's version string (e.g. "PostgreSQL 15.20"). */
export async function postgresVersion(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ v: string }>('select version() as v')).rows[0]!.v.split(' on ')[0]!;
  } finally {
    await c.end();
  }
}

/** A fresh, migrated database for one bench run: a temporary PostgreSQL database, or PGlite in a temporary directory. */
export async function openFreshDatabase(engine: 'PGlite' | 'PostgreSQL', pgUrl: string | undefined, label: string): Promise<{ database: Database; cleanup(): Promise<void> }> {
  if (engine === 'PostgreSQL') {
    const tmp = await tempPgDatabase(pgUrl!);
    const database = await openDatabase({ kind: 'postgres', url: tmp.url, poolSize: 10 });
    await runMigrations(database, tmp.url);
    return { database, cleanup: async () => (await database.close(), await tmp.drop()) };
  }
  const tmp = await tempDataDir(label);
  const database = await openDatabase({ kind: 'pglite', dataDir: tmp.dir });
  await runMigrations(database);
  return { database, cleanup: async () => (await database.close(), await tmp.cleanup()) };
}
