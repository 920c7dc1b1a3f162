// Broadcast snapshot benchmark (docs/performance.md T3, T6): starting a broadcast to a
// 1,000,000-contact workspace (a copy of the cached seed, see seed-contacts.ts) on PostgreSQL.
// The audience is "everyone with granted consent for `offers`" (a marketing template, default
// policies). Two audiences:
//   - the seeded consent (60 % granted, 10 % withdrawn): ~600 k recipients;
//   - then every contact granted (the seed's consent topped up, not timed): ~1 M recipients.
// For each: POST /estimate (planBroadcast: the breakdown by reason, suppression, caps, cost) and
// POST /start (the snapshot: one INSERT … SELECT inside the request's transaction) are timed over
// the API, and, when the start misses its target (or SNAPSHOT_BENCH_EXPLAIN=1), the snapshot statement
// is shown with EXPLAIN (ANALYZE, BUFFERS) on a second draft (rolled back). A plain INSERT … SELECT of
// the same rows into a table without indexes or FKs is timed as the same-run baseline. The estimate is
// timed again once the seed's STOP withdrawals are suppressed (as a real STOP would have done).
// Then one `greenlist worker` process claims and sends from the ~1 M-row broadcast for DISPATCH_S
// seconds at the 1,000 msg/s tier (simulator on loopback): its RSS is sampled (and VmHWM read), to
// show the dispatcher's memory does not grow with the audience.
// PGlite: the same on a copy of the PGlite seed when that exists (no target; set
// SNAPSHOT_BENCH_PGLITE=1 to seed it if missing, which takes minutes).
// Run: node --import tsx bench/broadcast-snapshot.ts   (SNAPSHOT_BENCH_CONTACTS=100000 for a quick run)
import { existsSync, readdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { openDatabase, type Database } from '../src/adapters/db/database.js';
import { silentLogger } from '../src/lib/logger.js';
import { SYSTEM_ACTOR, type Ctx, type Db } from '../src/modules/context.js';
import { addSuppressions, phoneHasher } from '../src/modules/consent/index.js';
import { fallbackZoneOf, snapshotRecipients } from '../src/modules/broadcasts/index.js';
import { broadcasts } from '../src/modules/broadcasts/broadcasts.tables.js';
import { queryRowsOf } from '../src/modules/sql.js';
import { createSimulator, QUIET_KNOBS } from '../src/simulator/index.js';
import { eq } from 'drizzle-orm';
import { isMain, ms, printChecks, printMachine, printTable, randomMasterKey, s, spawnGreenlist, stopCleanly, type Check } from './lib.js';
import { BENCH_NUMBER, BENCH_TEMPLATE, BENCH_TEMPLATE_REF, mb, memorySampler, paceOf, pgliteVersion, postgresVersion, prepareWorkspace, procCpuSeconds, rate, simStats, startBenchApp, type BenchApp } from './broadcast-lib.js';
import { benchEngines, postgresUrl, seededCopy } from './seed-contacts.js';

const N = Number(process.env.SNAPSHOT_BENCH_CONTACTS ?? 1_000_000);
const DISPATCH_S = Number(process.env.SNAPSHOT_BENCH_DISPATCH_S ?? 20);
const TARGET_START_MS = 15_000;
const TARGET_RSS = 256 * 1_048_576;
type Engine = 'PGlite' | 'PostgreSQL';

interface SnapshotRow {
  engine: Engine;
  audience: string;
  matched: number;
  planned: number;
  estimateMs: number;
  /** POST /estimate again once the workspace has suppressions (every eligible number is hashed and looked up). */
  estimateSuppressedMs: number | undefined;
  startMs: number;
  /** The same rows inserted by a plain INSERT … SELECT into a table without indexes, FKs or RETURNING. */
  rawInsertMs: number;
  /** The INSERT … SELECT alone, from EXPLAIN ANALYZE (rolled back). */
  explainMs: number | undefined;
  load: string;
}

interface MemoryRow {
  engine: Engine;
  queuedAtStart: number;
  seconds: number;
  sends: number;
  meanRate: number;
  max1s: number;
  rejected: Record<string, number>;
  maxRss: number;
  peak: number;
  cpuS: number | undefined;
  load: string;
}

const loadNow = (): string => loadavg().map((x) => x.toFixed(2)).join(' / ');
const dialect = new PgDialect();

/**
 * Runs snapshotRecipients for a draft inside a transaction that is rolled back, with its INSERT …
 * SELECT replaced by EXPLAIN (ANALYZE, BUFFERS) of the same statement; returns the plan's lines.
 */
async function explainSnapshot(db: Db, draftId: string, now: Date): Promise<string[]> {
  const plan: string[] = [];
  const rollback = new Error('rollback');
  await db
    .transaction(async (tx) => {
      const [b] = await tx.select().from(broadcasts).where(eq(broadcasts.id, draftId));
      const zone = await fallbackZoneOf(tx, b!.workspaceId, b!.schedule);
      const spy = new Proxy(tx, {
        get(t, prop, recv) {
          if (prop !== 'execute') return Reflect.get(t, prop, recv) as unknown;
          return async (q: SQL) => {
            if (!/insert into broadcast_recipients/i.test(dialect.sqlToQuery(q).sql)) return t.execute(q);
            const rows = await queryRowsOf<{ 'QUERY PLAN': string }>(t, sql`explain (analyze, buffers) ${q}`);
            plan.push(...rows.map((r) => r['QUERY PLAN']));
            return { rows: [{ n: '0' }] };
          };
        },
      });
      await snapshotRecipients(spy, { ...b!, startAt: now }, now, zone);
      throw rollback;
    })
    .catch((err: unknown) => {
      if (err !== rollback) throw err;
    });
  return plan;
}

/**
 * The baseline measured in the same run: the snapshot's SELECT (captured from snapshotRecipients)
 * inserted into a plain table (no indexes, FKs or ON CONFLICT), rolled back. Start time ÷ this is the
 * figure that holds across noisy machines.
 */
async function rawInsert(database: Database, draftId: string): Promise<number> {
  let took = 0;
  const rollback = new Error('rollback');
  await database.db
    .transaction(async (tx) => {
      const [b] = await tx.select().from(broadcasts).where(eq(broadcasts.id, draftId));
      const zone = await fallbackZoneOf(tx, b!.workspaceId, b!.schedule);
      await tx.execute(sql`create temp table bench_raw (broadcast_id uuid, workspace_id uuid, contact_id uuid, state text, reason text, not_before timestamptz, is_marketing boolean, timezone text) on commit drop`);
      const spy = new Proxy(tx, {
        get(t, prop, recv) {
          if (prop !== 'execute') return Reflect.get(t, prop, recv) as unknown;
          return async (q: SQL) => {
            const text = dialect.sqlToQuery(q).sql;
            if (!/insert into broadcast_recipients/i.test(text)) return t.execute(q);
            const t0 = performance.now();
            await t.execute(sql`with z as materialized (select name from pg_timezone_names) insert into bench_raw (broadcast_id, workspace_id, contact_id, state, reason, not_before, is_marketing, timezone) ${selectPartOf(q)}`);
            took = performance.now() - t0;
            return { rows: [{ n: '0' }] };
          };
        },
      });
      await snapshotRecipients(spy, { ...b!, startAt: new Date() }, new Date(), zone);
      throw rollback;
    })
    .catch((err: unknown) => {
      if (err !== rollback) throw err;
    });
  return took;
}

/** The SELECT of the snapshot's `insert into broadcast_recipients (…) select … [returning 1]`, as SQL with its parameters. */
function selectPartOf(q: SQL): SQL {
  const { sql: text, params } = dialect.sqlToQuery(q);
  const from = text.search(/\bselect\s+\$\d+/i);
  const to = text.search(/\s(on conflict|returning)\b/i);
  const part = text.slice(from, to);
  // Re-bind the $n placeholders of that slice as parameters of the new statement.
  const chunks = part.split(/(\$\d+)/);
  return sql.join(chunks.map((c) => (/^\$\d+$/.test(c) ? sql`${params[Number(c.slice(1)) - 1]}` : sql.raw(c))), sql``);
}

async function draftBroadcast(a: BenchApp, key: string, name: string): Promise<string> {
  const created = await a.call<{ id: string }>(key, 'POST', '/api/v1/broadcasts', {
    name,
    audience: { rules: { consent: { topic: 'offers', status: 'granted' } }, topic: 'offers' },
    template: BENCH_TEMPLATE_REF,
  });
  return created.id;
}

/** Estimate, start (timed over the API), then EXPLAIN ANALYZE of the same snapshot on another draft. */
async function snapshotOnce(
  engine: Engine,
  database: Database,
  a: BenchApp,
  key: string,
  audience: string,
  explain: boolean | undefined,
  suppress?: () => Promise<number>,
): Promise<{ row: SnapshotRow; id: string; plan: string[] }> {
  const id = await draftBroadcast(a, key, `Bench snapshot (${audience})`);
  let t0 = performance.now();
  const plan1 = await a.call<{ matched: number; sendable: number }>(key, 'POST', `/api/v1/broadcasts/${id}/estimate`, undefined, 200);
  const estimateMs = performance.now() - t0;
  let estimateSuppressedMs: number | undefined;
  if (suppress) {
    const n = await suppress();
    t0 = performance.now();
    const plan2 = await a.call<{ suppressed: number; sendable: number }>(key, 'POST', `/api/v1/broadcasts/${id}/estimate`, undefined, 200);
    estimateSuppressedMs = performance.now() - t0;
    console.log(`  ${engine} ${audience}: estimate with ${n.toLocaleString('en')} suppressed numbers in the workspace ${ms(estimateSuppressedMs)} (suppressed among eligible ${plan2.suppressed.toLocaleString('en')}, sendable ${plan2.sendable.toLocaleString('en')})`);
  }
  const rawInsertMs = await rawInsert(database, id);
  t0 = performance.now();
  const started = await a.call<{ plan: { planned: number }; status: string }>(key, 'POST', `/api/v1/broadcasts/${id}/start`, undefined, 200);
  const startMs = performance.now() - t0;
  const load = loadNow();
  console.log(
    `  ${engine} ${audience}: estimate ${ms(estimateMs)} (matched ${plan1.matched.toLocaleString('en')}, sendable ${plan1.sendable.toLocaleString('en')}); start ${ms(startMs)}, ${started.plan.planned.toLocaleString('en')} recipients (${rate((started.plan.planned * 1000) / startMs)} rows), status ${started.status}; raw INSERT … SELECT of the same rows ${ms(rawInsertMs)}; load ${load}`,
  );
  let plan: string[] = [];
  let explainMs: number | undefined;
  // EXPLAIN ANALYZE when asked, or by default when the start missed its target (it shows where the time went).
  if (explain ?? (engine === 'PostgreSQL' && startMs > TARGET_START_MS)) {
    const other = await draftBroadcast(a, key, `Bench snapshot EXPLAIN (${audience})`);
    plan = await explainSnapshot(database.db, other, new Date());
    const total = plan.map((l) => /Execution Time: ([\d.]+) ms/.exec(l)).find(Boolean);
    explainMs = total ? Number(total[1]) : undefined;
    await a.call(key, 'POST', `/api/v1/broadcasts/${other}/cancel`, undefined, 200);
  }
  return { row: { engine, audience, matched: plan1.matched, planned: started.plan.planned, estimateMs, estimateSuppressedMs, startMs, rawInsertMs, explainMs, load }, id, plan };
}

/** One `greenlist worker` claiming and sending from the running broadcast for DISPATCH_S seconds; memory sampled. */
async function dispatchMemory(engine: Engine, database: Database, url: string, masterHex: string, appUrl: string, sim: ReturnType<typeof createSimulator>, broadcastId: string): Promise<MemoryRow> {
  const [q] = await queryRowsOf<{ n: string }>(database.db, sql`select count(*) as n from broadcast_recipients where broadcast_id = ${broadcastId} and state = 'queued'`);
  const worker = spawnGreenlist(['worker'], { DATABASE_URL: url, GREENLIST_MASTER_KEY: masterHex, GREENLIST_PUBLIC_URL: appUrl, GREENLIST_LOG_LEVEL: 'info' });
  try {
    await worker.waitForOutput(/Greenlist worker ready/, 120_000);
    const pid = worker.child.pid!;
    const cpu0 = await procCpuSeconds(pid);
    const mem = memorySampler([pid]);
    const before = sim.sent().length;
    await new Promise((r) => setTimeout(r, DISPATCH_S * 1000));
    const [m] = await mem.stop();
    const cpu1 = await procCpuSeconds(pid);
    const sent = sim.sent().slice(before).filter((x) => x.phoneNumberId === BENCH_NUMBER.phoneNumberId);
    const pace = paceOf(sent.map((x) => x.acceptedAt));
    const stats = await simStats(sim);
    const row: MemoryRow = { engine, queuedAtStart: Number(q!.n), seconds: DISPATCH_S, sends: sent.length, meanRate: pace.meanRate, max1s: pace.max1s, rejected: stats.rejected, maxRss: m!.maxRss, peak: m!.peak, cpuS: cpu0 !== undefined && cpu1 !== undefined ? cpu1 - cpu0 : undefined, load: loadNow() };
    console.log(`  ${engine} worker claiming from ${row.queuedAtStart.toLocaleString('en')} queued rows for ${DISPATCH_S} s: ${sent.length.toLocaleString('en')} sends, mean ${rate(pace.meanRate)}, busiest 1 s ${pace.max1s}, RSS max ${mb(row.maxRss)} (VmHWM ${mb(row.peak)}), CPU ${row.cpuS?.toFixed(1) ?? '?'} s; load ${row.load}`);
    await stopCleanly(worker);
    return row;
  } finally {
    await worker.stop('SIGKILL');
  }
}

async function benchEngine(engine: Engine, pgUrl: string | undefined, explain: boolean | undefined): Promise<{ snaps: SnapshotRow[]; memory?: MemoryRow; plans: { audience: string; plan: string[] }[] }> {
  const copy = await seededCopy(engine, N, { pgUrl });
  const database = copy.url ? await openDatabase({ kind: 'postgres', url: copy.url, poolSize: 4 }) : await openDatabase({ kind: 'pglite', dataDir: copy.dataDir! });
  const masterHex = randomMasterKey();
  const a = await startBenchApp(database, Buffer.from(masterHex, 'hex'));
  // No webhook URL: statuses are logged by the simulator, not POSTed (this bench is about the worker's claims).
  const sim = createSimulator({
    seed: 'snapshot',
    phoneNumbers: [{ phoneNumberId: BENCH_NUMBER.phoneNumberId, wabaId: BENCH_NUMBER.wabaId, accessToken: BENCH_NUMBER.accessToken, mps: 1000, messagingLimitTier: 'TIER_UNLIMITED' }],
    appSecret: BENCH_NUMBER.appSecret,
    verifyToken: BENCH_NUMBER.verifyToken,
    timeScale: 0.01,
    knobs: QUIET_KNOBS,
    templates: [BENCH_TEMPLATE],
    sentLogLimit: 100_000,
  });
  const simUrl = await sim.listen(0);
  try {
    const [ws] = await queryRowsOf<{ id: string }>(database.db, sql`select id from workspaces where slug = 'default'`);
    const ctx: Ctx = { db: database.db, workspaceId: ws!.id, actor: SYSTEM_ACTOR, now: new Date(), log: silentLogger() };
    const { key } = await prepareWorkspace(a, ctx, simUrl, 1000);
    const [topic] = await queryRowsOf<{ id: string }>(database.db, sql`select id from topics where workspace_id = ${ws!.id} and key = 'offers'`);
    const snaps: SnapshotRow[] = [];
    const plans: { audience: string; plan: string[] }[] = [];

    // A full STOP suppresses the number: the seed's STOP withdrawals get their suppression rows (once the plain estimate is timed).
    const suppress = async () => {
      const hash = await phoneHasher(database.db, ws!.id);
      const phones = await queryRowsOf<{ phone: string }>(
        database.db,
        sql`select c.phone from contacts c join consent_state s on s.contact_id = c.id and s.topic_id = ${topic!.id} and s.status = 'withdrawn' and s.source = 'stop_keyword' where c.workspace_id = ${ws!.id}`,
      );
      for (let i = 0; i < phones.length; i += 10_000) await addSuppressions(database.db, ws!.id, phones.slice(i, i + 10_000).map((p) => hash(p.phone)), 'stop', 'stop_keyword', new Date());
      await database.db.execute(sql`analyze suppressions`);
      return phones.length;
    };
    const seeded = await snapshotOnce(engine, database, a, key, 'seeded consent (60 % granted)', explain, suppress);
    snaps.push(seeded.row);
    plans.push({ audience: seeded.row.audience, plan: seeded.plan });
    let t0 = performance.now();
    await a.call(key, 'POST', `/api/v1/broadcasts/${seeded.id}/cancel`, undefined, 200);
    console.log(`  ${engine} cancel of that broadcast (${seeded.row.planned.toLocaleString('en')} queued rows withdrawn): ${ms(performance.now() - t0)}`);
    // Bench reset (not product behaviour): the next snapshot starts from an empty table again.
    await database.db.execute(sql`truncate broadcast_recipients`);

    t0 = performance.now();
    await database.db.execute(sql`update consent_state set status = 'granted' where topic_id = ${topic!.id} and status <> 'granted'`);
    await database.db.execute(sql`
      insert into consent_state (workspace_id, contact_id, topic_id, status, source, since, event_id)
      select c.workspace_id, c.id, ${topic!.id}, 'granted', 'import', now(), 0 from contacts c
      where c.workspace_id = ${ws!.id} and not exists (select 1 from consent_state s where s.contact_id = c.id and s.topic_id = ${topic!.id})`);
    await database.db.execute(sql`vacuum analyze consent_state`);
    await database.db.execute(sql`vacuum analyze broadcast_recipients`);
    console.log(`  ${engine}: granted 'offers' to every contact (setup, not timed in the figures) in ${s(performance.now() - t0)}`);

    const all = await snapshotOnce(engine, database, a, key, 'every contact granted', explain);
    snaps.push(all.row);
    plans.push({ audience: all.row.audience, plan: all.plan });
    let memory: MemoryRow | undefined;
    if (engine === 'PostgreSQL' && DISPATCH_S > 0) memory = await dispatchMemory(engine, database, copy.url!, masterHex, a.url, sim, all.id);
    return { snaps, memory, plans };
  } finally {
    await sim.close();
    await a.close();
    await database.close();
    await copy.done();
  }
}

/** True when a PGlite seed of N contacts is cached (or SNAPSHOT_BENCH_PGLITE=1 asks to seed one). */
function pgliteSeedWanted(): boolean {
  if (process.env.SNAPSHOT_BENCH_PGLITE === '1') return true;
  return readdirSync(tmpdir()).some((d) => d.startsWith(`greenlist-bench-seed-${N}-`) && !d.includes('-copy-') && existsSync(join(tmpdir(), d, 'pgdata')));
}

/** Runs the snapshot benchmark; returns its checks. */
export async function runBroadcastSnapshotBench(opts: { printMachine?: boolean; explain?: boolean } = {}): Promise<Check[]> {
  if (opts.printMachine !== false) printMachine();
  const env = process.env.SNAPSHOT_BENCH_EXPLAIN;
  const explain = opts.explain ?? (env === undefined ? undefined : env !== '0');
  console.log(`\nBroadcast snapshot: start a broadcast to the ${N.toLocaleString('en')}-contact seed (audience: consent for 'offers' granted), then a worker claims from it`);
  const pgUrl = await postgresUrl();
  if (pgUrl) console.log(`PostgreSQL: ${await postgresVersion(pgUrl)}`);
  const snaps: SnapshotRow[] = [];
  const memory: MemoryRow[] = [];
  for (const engine of benchEngines(pgUrl).reverse()) {
    if (engine === 'PGlite') {
      if (!pgliteSeedWanted()) {
        console.log(`  PGlite: no cached ${N.toLocaleString('en')}-contact seed in ${tmpdir()}; skipped (SNAPSHOT_BENCH_PGLITE=1 seeds one, minutes)`);
        continue;
      }
      console.log(`  PGlite ${pgliteVersion()}`);
    }
    const r = await benchEngine(engine, pgUrl, explain);
    snaps.push(...r.snaps);
    if (r.memory) memory.push(r.memory);
    for (const p of r.plans.filter((x) => x.plan.length)) {
      console.log(`\n  EXPLAIN (ANALYZE, BUFFERS) of the snapshot, ${engine}, ${p.audience} (rolled back; the table held the started broadcast's rows):`);
      for (const l of p.plan) console.log(`    ${l}`);
    }
  }
  console.log('');
  printTable(
    ['database', 'audience', 'matched', 'recipients', 'POST /estimate', 'estimate, suppressions', 'POST /start', 'rows/s (start)', 'raw INSERT … SELECT', 'start ÷ raw', 'INSERT (EXPLAIN ANALYZE)', 'load 1/5/15'],
    snaps.map((r) => [
      r.engine,
      r.audience,
      r.matched.toLocaleString('en'),
      r.planned.toLocaleString('en'),
      ms(r.estimateMs),
      r.estimateSuppressedMs === undefined ? '-' : ms(r.estimateSuppressedMs),
      ms(r.startMs),
      Math.round((r.planned * 1000) / r.startMs).toLocaleString('en'),
      ms(r.rawInsertMs),
      `${(r.startMs / r.rawInsertMs).toFixed(1)}×`,
      r.explainMs === undefined ? '-' : ms(r.explainMs),
      r.load,
    ]),
  );
  if (memory.length) {
    console.log('');
    printTable(
      ['database', 'queued rows', 'seconds', 'sends', 'mean rate', 'busiest 1 s', '130429', 'worker RSS max (4/s)', 'VmHWM', 'CPU s', 'load 1/5/15'],
      memory.map((m) => [m.engine, m.queuedAtStart.toLocaleString('en'), String(m.seconds), m.sends.toLocaleString('en'), rate(m.meanRate), String(m.max1s), String(m.rejected['130429'] ?? 0), mb(m.maxRss), mb(m.peak), m.cpuS?.toFixed(1) ?? '-', m.load]),
    );
  }
  const checks: Check[] = [];
  for (const r of snaps) {
    const target = r.engine === 'PostgreSQL' ? TARGET_START_MS : undefined;
    checks.push({ name: `${r.engine} start broadcast, ${r.audience}: ${r.planned.toLocaleString('en')} recipients`, value: s(r.startMs), ...(target ? { target: `≤ ${target / 1000} s`, met: r.startMs <= target } : {}) });
    checks.push({ name: `${r.engine} start ÷ raw INSERT … SELECT of the same rows, ${r.audience}`, value: `${(r.startMs / r.rawInsertMs).toFixed(1)}×` });
    checks.push({ name: `${r.engine} estimate, ${r.audience}: ${r.matched.toLocaleString('en')} matched`, value: s(r.estimateMs) });
    if (r.estimateSuppressedMs !== undefined) checks.push({ name: `${r.engine} estimate with suppressions, ${r.audience}`, value: s(r.estimateSuppressedMs) });
  }
  for (const m of memory) {
    const worst = Math.max(m.maxRss, m.peak);
    checks.push({ name: `${m.engine} worker RSS claiming from ${m.queuedAtStart.toLocaleString('en')} queued rows (${m.seconds} s at ${rate(m.meanRate)})`, value: mb(worst), target: `≤ ${mb(TARGET_RSS)}`, met: worst <= TARGET_RSS });
  }
  printChecks(`Broadcast snapshot (${N.toLocaleString('en')} contacts)`, checks);
  return checks;
}

if (isMain(import.meta.url)) await runBroadcastSnapshotBench();
