// List-growth analytics benchmark (issue 17 targets): a workspace of GROWTH_BENCH_CONTACTS contacts
// (1,000,000) whose consent ledger holds one opt-in each over the past year and an opt-out for 15 %
// of them (STOP, across every topic), 30 % of those with a reason. Measures, on PGlite and on
// PostgreSQL (DATABASE_URL, or the local server if reachable):
//   - the ledger insert with the rollup feed trigger (set-based, 100,000 rows a statement);
//   - the delta loop's drain throughput (events/s folded into buckets and opt-out rows);
//   - p50 of GET growth (by source, by topic) and GET opt-outs over a 90-day range, in-process,
//     next to a raw-SQL baseline that computes the same daily figures by scanning consent_events.
// Run: node --import tsx bench/analytics-growth.ts   (GROWTH_BENCH_CONTACTS=100000 for a quick run)
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../src/adapters/db/database.js';
import { runMigrations } from '../src/adapters/db/migrate.js';
import { silentLogger } from '../src/lib/logger.js';
import { SYSTEM_ACTOR, type Ctx } from '../src/modules/context.js';
import { ensureDefaultWorkspace } from '../src/modules/workspaces/index.js';
import { getGrowth, getOptOuts, rollUpGrowth } from '../src/modules/analytics/index.js';
import { isMain, median, ms, printChecks, printLoad, printMachine, printTable, tempPgDatabase, type Check } from './lib.js';
import { benchEngines, postgresUrl } from './seed-contacts.js';

const N = Number(process.env.GROWTH_BENCH_CONTACTS ?? 1_000_000);
const RUNS = Number(process.env.GROWTH_BENCH_RUNS ?? 15);
const CHUNK = 100_000;
const TARGET = { PGlite: 500, PostgreSQL: 200 } as const;
type Engine = keyof typeof TARGET;
const ZONE = 'Africa/Lagos';

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
}

async function p50(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push((await timed(fn))[1]);
  return median(times);
}

/** Seeds contacts, topics and the ledger (the trigger fills the delta table as the rows go in). */
async function seed(database: Database, now: Date): Promise<{ ws: string; insertMs: number }> {
  const db = database.db;
  const ws = (await ensureDefaultWorkspace(db, { now, log: silentLogger() })).id;
  await db.execute(sql`update workspaces set settings = settings || ${JSON.stringify({ timezone: ZONE })}::jsonb where id = ${ws}`);
  await db.execute(sql`insert into topics (workspace_id, key, name, category) values (${ws}, 'offers', 'Offers', 'marketing'), (${ws}, 'news', 'News', 'marketing'), (${ws}, 'orders', 'Order updates', 'utility')`);
  for (let a = 1; a <= N; a += CHUNK) {
    await db.execute(sql.raw(`insert into contacts (id, workspace_id, phone) select md5('gb-' || i)::uuid, '${ws}', '+1' || lpad(i::text, 10, '0') from generate_series(${a}, ${Math.min(N, a + CHUNK - 1)}) i`));
  }
  const nowIso = now.toISOString();
  const sources = `(array['import','web_form','qr_keyword','api','double_opt_in'])[1 + (hashint8(i) & 1023) % 5]`;
  const grantAt = `('${nowIso}'::timestamptz - make_interval(secs => ((hashint8(i * 7) & 2147483647) % (365 * 86400))))`;
  let insertMs = 0;
  for (let a = 1; a <= N; a += CHUNK) {
    const b = Math.min(N, a + CHUNK - 1);
    insertMs += (
      await timed(() =>
        db.execute(
          sql.raw(`insert into consent_events (workspace_id, contact_id, topic_id, action, source, evidence, actor_type, occurred_at, recorded_at)
            select '${ws}', md5('gb-' || i)::uuid, (select id from topics where workspace_id = '${ws}' order by key offset (hashint8(i * 3) & 1023) % 3 limit 1), 'grant', ${sources}, '{}'::jsonb, 'system', ${grantAt}, '${nowIso}'
            from generate_series(${a}, ${b}) i`),
        ),
      )
    )[1];
    insertMs += (
      await timed(() =>
        db.execute(
          sql.raw(`insert into consent_events (workspace_id, contact_id, topic_id, action, source, evidence, actor_type, occurred_at, recorded_at)
            select '${ws}', md5('gb-' || i)::uuid, null, 'withdraw', case when i % 3 = 0 then 'stop_button' else 'stop_keyword' end, '{}'::jsonb, 'system',
                   least('${nowIso}'::timestamptz, ${grantAt} + make_interval(secs => (hashint8(i * 11) & 2147483647) % (60 * 86400))), '${nowIso}'
            from generate_series(${a}, ${b}) i where (hashint8(i * 5) & 1023) % 100 < 15`),
        ),
      )
    )[1];
  }
  // Reasons: 30 % of the people who stopped answered "why are you leaving?" a minute later.
  await db.execute(
    sql.raw(`insert into opt_out_notes (workspace_id, contact_id, kind, text, created_at)
      select e.workspace_id, e.contact_id, 'reason', (array['Too many messages','not interested','Too many messages ','too expensive','I never signed up','Moved away','wrong number','spam','Bought already','other'])[1 + (hashint8(e.id) & 1023) % 10], e.occurred_at + interval '1 minute'
      from consent_events e where e.workspace_id = '${ws}' and e.action = 'withdraw' and (hashint8(e.id * 13) & 1023) % 100 < 30`),
  );
  return { ws, insertMs };
}

async function countOf(database: Database, q: string): Promise<number> {
  const res = (await database.db.execute(sql.raw(q))) as unknown as { rows: { n: number }[] };
  return Number(res.rows[0]!.n);
}

const LAG_RATE = Number(process.env.GROWTH_BENCH_LAG_RATE ?? 1000);
const LAG_SECONDS = Number(process.env.GROWTH_BENCH_LAG_SECONDS ?? 15);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Rollup lag under a steady ledger stream: LAG_RATE grants/s for LAG_SECONDS (a statement every
 * 100 ms), drained as the server's loop does (again at once after work, else after 1 s idle).
 * Lag = the age of the oldest delta still pending, sampled before each drain pass.
 */
async function lagUnderLoad(database: Database, ws: string): Promise<{ maxLagMs: number; p50LagMs: number; written: number }> {
  const db = database.db;
  let writing = true;
  let written = 0;
  const lags: number[] = [];
  const writer = (async () => {
    const t0 = performance.now();
    while (performance.now() - t0 < LAG_SECONDS * 1000) {
      const due = Math.floor(((performance.now() - t0) / 1000) * LAG_RATE);
      if (due > written) {
        await db.execute(
          sql.raw(`insert into consent_events (workspace_id, contact_id, topic_id, action, source, evidence, actor_type, occurred_at, recorded_at)
            select '${ws}', md5('gb-' || (1 + (i % ${N})))::uuid, null, 'withdraw', 'api', '{}'::jsonb, 'system', clock_timestamp(), clock_timestamp() from generate_series(${written + 1}, ${due}) i`),
        );
        written = due;
      } else await sleep(20);
    }
    writing = false;
  })();
  const drainer = (async () => {
    while (writing) {
      const res = (await db.execute(sql`select extract(epoch from clock_timestamp() - recorded_at) * 1000 as lag from analytics_growth_deltas order by id limit 1`)) as unknown as { rows: { lag: number | null }[] };
      const lag = res.rows[0]?.lag;
      if (lag !== null && lag !== undefined) lags.push(Number(lag));
      if ((await rollUpGrowth(db)) === 0) await sleep(1000);
    }
  })();
  await Promise.all([writer, drainer]);
  while ((await rollUpGrowth(db)) > 0);
  return { maxLagMs: lags.length ? Math.max(...lags) : 0, p50LagMs: lags.length ? median(lags) : 0, written };
}

async function run(engine: Engine, database: Database, url?: string): Promise<{ rows: string[][]; checks: Check[] }> {
  const now = new Date();
  await runMigrations(database, url);
  const [{ ws, insertMs }, seedMs] = await timed(() => seed(database, now));
  const events = await countOf(database, 'select count(*)::int as n from analytics_growth_deltas');
  console.log(`${engine}: seeded ${N.toLocaleString()} contacts, ${events.toLocaleString()} ledger events in ${ms(seedMs)} (ledger inserts with the feed trigger ${ms(insertMs)})`);
  printLoad(`${engine} before the drain`);
  const [, drainMs] = await timed(async () => {
    while ((await rollUpGrowth(database.db)) > 0);
  });
  // The backfill-sized drain leaves the delta table's heap full of dead rows: vacuum it, as
  // PostgreSQL's autovacuum soon would (on PGlite, see docs/performance.md).
  await database.db.execute(sql`vacuum analytics_growth_deltas`);
  const buckets = await countOf(database, 'select count(*)::int as n from analytics_growth_buckets');
  const optOuts = await countOf(database, 'select count(*)::int as n from analytics_opt_outs');
  await database.db.execute(sql`analyze`);
  const ctx: Ctx = { db: database.db, workspaceId: ws, actor: SYSTEM_ACTOR, now, log: silentLogger() };
  const to = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(now);
  const from = new Date(Date.parse(to) - 89 * 86_400_000).toISOString().slice(0, 10);
  const q = { from, to };
  printLoad(`${engine} before the queries`);
  const growth = await p50(() => getGrowth(ctx, { ...q, by: 'source' }));
  const byTopic = await p50(() => getGrowth(ctx, { ...q, by: 'topic' }));
  const outs = await p50(() => getOptOuts(ctx, q));
  const both = growth + outs;
  // The raw-SQL baseline: the same daily figures by source, scanning the ledger per request.
  const raw = await p50(() =>
    database.db.execute(sql`select to_char(occurred_at at time zone ${ZONE}, 'YYYY-MM-DD') as day, source,
        count(*) filter (where action = 'grant') as ins, count(*) filter (where action = 'withdraw') as outs
      from consent_events where workspace_id = ${ws} and occurred_at >= (${from}::date::timestamp at time zone ${ZONE}) and occurred_at < ((${to}::date + 1)::timestamp at time zone ${ZONE})
      group by 1, 2`),
  );
  const g = await getGrowth(ctx, { ...q, by: 'source' });
  const o = await getOptOuts(ctx, q);
  console.log(`  90 days: ${g.totals.opt_ins} opt-ins, ${g.totals.opt_outs} opt-outs; opt-outs report total ${o.total}; ${buckets.toLocaleString()} bucket rows, ${optOuts.toLocaleString()} opt-out rows`);
  const rate = Math.round(events / (drainMs / 1000));
  printLoad(`${engine} before the lag run`);
  const lag = await lagUnderLoad(database, ws);
  return {
    rows: [
      [engine, 'drain (delta loop, all events)', `${ms(drainMs)} (${rate.toLocaleString()} events/s)`, ''],
      [engine, 'GET growth by source, 90 days (p50)', ms(growth), ms(raw)],
      [engine, 'GET growth by topic, 90 days (p50)', ms(byTopic), ''],
      [engine, 'GET opt-outs, 90 days (p50)', ms(outs), ''],
      [engine, `rollup lag at ${LAG_RATE} ledger events/s for ${LAG_SECONDS} s (p50 / max)`, `${ms(lag.p50LagMs)} / ${ms(lag.maxLagMs)} (${lag.written.toLocaleString()} events)`, ''],
    ],
    checks: [
      { name: `${engine}: rollup lag at ${LAG_RATE} events/s (max)`, value: ms(lag.maxLagMs), target: '≤ 5000 ms', met: lag.maxLagMs <= 5000 },
      { name: `${engine}: growth + opt-outs p50 (90 days, ${N.toLocaleString()} contacts)`, value: ms(both), target: `≤ ${TARGET[engine]} ms`, met: both <= TARGET[engine] },
    ],
  };
}

async function main(): Promise<void> {
  printMachine();
  const pgUrl = await postgresUrl();
  const rows: string[][] = [];
  const checks: Check[] = [];
  for (const engine of benchEngines(pgUrl)) {
    if (engine === 'PostgreSQL') {
      const tmp = await tempPgDatabase(pgUrl!);
      const database = await openDatabase({ kind: 'postgres', url: tmp.url, poolSize: 4 });
      try {
        const r = await run(engine, database, tmp.url);
        rows.push(...r.rows);
        checks.push(...r.checks);
      } finally {
        await database.close();
        await tmp.drop();
      }
    } else {
      const database = await openDatabase({ kind: 'pglite-memory' });
      try {
        const r = await run(engine, database);
        rows.push(...r.rows);
        checks.push(...r.checks);
      } finally {
        await database.close();
      }
    }
  }
  printTable(['engine', 'measure', 'Greenlist', 'raw SQL scanning consent_events'], rows);
  printChecks('Analytics: list growth', checks);
  printLoad('at the end');
}

if (isMain(import.meta.url)) await main();
