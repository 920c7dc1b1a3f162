// Broadcast funnels benchmark (issue 17): one broadcast with FUNNEL_BENCH_RECIPIENTS (default
// 1,000,000) recipient rows and as many contacts, inserted set-based into a fresh database, on
// both engines (PostgreSQL when BENCH_PG_URL / the usual URL answers):
//   (a) funnel read p50: GET /api/v1/analytics/broadcasts (rollup + pending deltas) against the
//       raw grouped scan of the recipient rows (the old broadcastCounts) in the same run;
//   (b) rollup lag under 1,000 status changes/s: every 100 ms one UPDATE raises the delivery rank
//       of 100 recipients (as status processing does, set-based), while a drain runs every second
//       like the worker's sweep; lag = when broadcast_funnel_counts shows a batch − when it committed;
//   (c) GET /api/v1/broadcasts/:id/recipients.csv over HTTP: rows/s and this process's peak RSS
//       (the server runs in this process; the bench holds nothing big);
//   (d) PostgreSQL only: the same export from a separate `greenlist start` process (the
//       deployment's one process, every loop running), its own RSS sampled from /proc, next to a
//       raw baseline in the same run: COPY (the export's rows) TO STDOUT through pg-copy-streams.
// Run: node --import tsx bench/analytics-funnels.ts   (FUNNEL_BENCH_RECIPIENTS=100000 for a quick run)
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../src/adapters/db/database.js';
import { runMigrations } from '../src/adapters/db/migrate.js';
import { silentLogger } from '../src/lib/logger.js';
import type { Ctx } from '../src/modules/context.js';
import { drainAllFunnelDeltas, drainFunnelDeltas, scanCounts } from '../src/modules/broadcasts/index.js';
import { createApiKey, createWorkspace } from '../src/modules/workspaces/index.js';
import { queryRowsOf } from '../src/modules/sql.js';
import { freePort, isMain, median, ms, printChecks, printMachine, randomMasterKey, spawnGreenlist, stopCleanly, tempDataDir, tempPgDatabase, waitReady, type Check } from './lib.js';
import { startBenchApp } from './broadcast-lib.js';
import { postgresUrl } from './seed-contacts.js';

const N = Number(process.env.FUNNEL_BENCH_RECIPIENTS ?? 1_000_000);
const READS = Number(process.env.FUNNEL_BENCH_READS ?? 20);
const LAG_S = Number(process.env.FUNNEL_BENCH_LAG_SECONDS ?? 10);
const load = () => loadavg().map((x) => x.toFixed(2)).join(' / ');
const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

async function seed(database: Database, workspaceId: string): Promise<string> {
  const db = database.db;
  const [b] = await queryRowsOf<{ id: string }>(
    db,
    sql`insert into broadcasts (workspace_id, name, status, audience, template_name, template_language, template_category, schedule, started_at, finished_at)
        values (${workspaceId}, 'bench funnel', 'completed', '{}'::jsonb, 'bench_offer', 'en_US', 'MARKETING', '{"type":"now"}'::jsonb, now() - interval '1 hour', now()) returning id`,
  );
  const t0 = Date.now();
  await db.execute(sql`insert into contacts (id, workspace_id, phone, wa_id, name, country, timezone)
    select md5('fb-' || i)::uuid, ${workspaceId}, '+234803' || lpad(i::text, 7, '0'), '234803' || lpad(i::text, 7, '0'), 'Person ' || i, 'NG', 'Africa/Lagos'
    from generate_series(1, ${N}::int) as i`);
  const t1 = Date.now();
  // Outcomes by i: 3 % skipped, 2 % failed, 5 % excluded, the rest accepted with rank 2 (10 %),
  // 3 (30 %) or 4; 8 % replied, 3 % clicked, 0.5 % opted out.
  await db.execute(sql`insert into broadcast_recipients (broadcast_id, workspace_id, contact_id, state, reason, error_code, not_before, is_marketing, timezone, delivery_rank, sent_at, replied_at, clicked_at, opted_out_at)
    select ${b!.id}, ${workspaceId}, md5('fb-' || i)::uuid,
      case when i % 100 < 3 then 'skipped' when i % 100 < 5 then 'failed' when i % 100 < 10 then 'excluded' else 'accepted' end,
      case when i % 100 < 3 then 'suppressed' when i % 100 < 10 and i % 100 >= 5 then 'no_consent' end,
      case when i % 100 between 3 and 4 then 131026 end,
      now(), true, 'Africa/Lagos',
      case when i % 100 < 10 then 0 when i % 100 < 20 then 2 when i % 100 < 50 then 3 else 4 end,
      case when i % 100 >= 10 then now() - interval '50 minutes' end,
      case when i % 100 >= 10 and i % 25 = 0 then now() end,
      case when i % 100 >= 10 and i % 33 = 0 then now() end,
      case when i % 100 >= 10 and i % 200 = 0 then now() end
    from generate_series(1, ${N}::int) as i`);
  const t2 = Date.now();
  await drainAllFunnelDeltas(db);
  await db.execute(sql`analyze broadcast_recipients`);
  await db.execute(sql`analyze contacts`);
  console.log(`seeded ${N} contacts in ${ms(t1 - t0)}, ${N} recipients in ${ms(t2 - t1)} (the funnel trigger included), drained in ${ms(Date.now() - t2)}; load ${load()}`);
  return b!.id;
}

async function runEngine(engine: 'PGlite' | 'PostgreSQL', pgUrl: string | undefined): Promise<Check[]> {
  const pgDb = engine === 'PostgreSQL' ? await tempPgDatabase(pgUrl!) : undefined;
  const dir = engine === 'PGlite' ? await tempDataDir('funnels') : undefined;
  const database = pgDb ? await openDatabase({ kind: 'postgres', url: pgDb.url, poolSize: 4 }) : await openDatabase({ kind: 'pglite', dataDir: dir!.dir });
  try {
    await runMigrations(database, pgDb?.url);
    const log = silentLogger();
    const ws = await createWorkspace(database.db, { slug: 'funnel-bench', name: 'funnel bench' }, { now: new Date(), log });
    const ctx: Ctx = { db: database.db, workspaceId: ws.id, actor: { type: 'cli', id: null, role: 'owner' }, now: new Date(), log };
    const key = (await createApiKey(ctx, { name: 'bench', role: 'owner' })).key;
    const id = await seed(database, ws.id);
    const masterHex = randomMasterKey();
    const app = await startBenchApp(database, Buffer.from(masterHex, 'hex'));
    const checks: Check[] = [];
    try {
      // (a) funnel read: the API against the raw grouped scan.
      const apiMs: number[] = [];
      for (let i = 0; i < READS; i++) {
        const t = performance.now();
        const res = await app.app.inject({ method: 'GET', url: '/api/v1/analytics/broadcasts', headers: { authorization: `Bearer ${key}` } });
        apiMs.push(performance.now() - t);
        if (res.statusCode !== 200 || (res.json() as { data: { funnel: { planned: number } }[] }).data[0]?.funnel.planned !== N - N / 20) throw new Error(`funnel read: ${res.statusCode} ${res.body.slice(0, 300)}`);
      }
      const scanMs: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        await scanCounts(database.db, id);
        scanMs.push(performance.now() - t);
      }
      const target = engine === 'PostgreSQL' ? 200 : 500;
      checks.push({ name: `${engine}: funnel read p50 (API, ${READS} reads)`, value: ms(median(apiMs)), target: `≤ ${target} ms`, met: median(apiMs) <= target, better: 'lower' });
      checks.push({ name: `${engine}: raw grouped scan p50 (baseline, 3 runs)`, value: ms(median(scanMs)), better: 'lower' });
      console.log(`(a) ${engine}: load ${load()}`);

      // (b) lag at 1,000 status changes/s.
      let stop = false;
      const drainer = (async () => {
        while (!stop) {
          await drainFunnelDeltas(database.db);
          await sleep(1_000);
        }
      })();
      const readCount = async () => Number((await queryRowsOf<{ n: string }>(database.db, sql`select n from broadcast_funnel_counts where broadcast_id = ${id} and metric = 'read'`))[0]?.n ?? 0);
      const base = await readCount();
      const commits: { at: number; total: number }[] = [];
      const lags: number[] = [];
      let changed = 0;
      const started = Date.now();
      const watcher = (async () => {
        let next = 0;
        while (!stop || next < commits.length) {
          const seen = (await readCount()) - base;
          while (next < commits.length && commits[next]!.total <= seen) lags.push(Date.now() - commits[next++]!.at);
          await sleep(50);
          if (stop && Date.now() - started > (LAG_S + 30) * 1000) break;
        }
      })();
      // Recipients with rank 3 (i % 100 in 20..49) are raised to read, 100 per statement, 10 statements/s.
      let lastId = 0;
      while (Date.now() - started < LAG_S * 1000) {
        const tick = Date.now();
        const rows = await queryRowsOf<{ id: number }>(
          database.db,
          sql`update broadcast_recipients r set delivery_rank = 4, updated_at = now()
              from (select id from broadcast_recipients where broadcast_id = ${id} and delivery_rank = 3 and id > ${lastId} order by id limit 100) x
              where r.id = x.id returning r.id`,
        );
        lastId = Math.max(lastId, ...rows.map((r) => Number(r.id)));
        changed += rows.length;
        commits.push({ at: Date.now(), total: changed });
        await sleep(Math.max(0, 100 - (Date.now() - tick)));
      }
      const elapsed = (Date.now() - started) / 1000;
      stop = true;
      await drainer;
      await drainFunnelDeltas(database.db);
      await watcher;
      const rate = changed / elapsed;
      checks.push({ name: `${engine}: status changes applied`, value: `${Math.round(rate)}/s for ${elapsed.toFixed(1)} s`, target: '≥ 1,000/s', met: rate >= 950 });
      checks.push({ name: `${engine}: rollup lag p50 / max (drain every 1 s)`, value: `${ms(median(lags))} / ${ms(Math.max(...lags))}`, target: '≤ 5 s', met: Math.max(...lags) <= 5_000, better: 'lower' });
      console.log(`(b) ${engine}: ${commits.length} batches, ${lags.length} seen; load ${load()}`);

      // (c) recipients.csv over HTTP (the plan of one page first, for the record).
      if (process.env.FUNNEL_BENCH_EXPLAIN === '1') {
        const plan = await queryRowsOf<Record<string, string>>(database.db, sql`explain analyze select r.contact_id, c.phone, c.name, r.state, r.delivery_rank as rank, r.reason, r.error_code, r.sent_at, r.replied_at, r.clicked_at, r.opted_out_at
            from broadcast_recipients r left join contacts c on c.id = r.contact_id and c.workspace_id = r.workspace_id
            where r.broadcast_id = ${id} and r.workspace_id = ${ws.id} and r.contact_id > '00000000-0000-0000-0000-000000000000'::uuid order by r.contact_id limit 10000`);
        console.log(plan.map((r) => Object.values(r)[0]).join('\n'));
      }
      let peak = process.memoryUsage().rss;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
      const before = process.memoryUsage().rss;
      const t = performance.now();
      const res = await fetch(`${app.url}/api/v1/broadcasts/${id}/recipients.csv`, { headers: { authorization: `Bearer ${key}` } });
      if (res.status !== 200 || !res.body) throw new Error(`recipients.csv: ${res.status}`);
      let lines = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        for (let at = buf.indexOf(10); at !== -1; at = buf.indexOf(10, at + 1)) lines++;
      }
      const exportMs = performance.now() - t;
      clearInterval(sampler);
      const rowsPerS = ((lines - 1) / exportMs) * 1000;
      if (lines - 1 !== N) throw new Error(`recipients.csv had ${lines - 1} rows, expected ${N}`);
      checks.push({ name: `${engine}: recipients.csv (${N.toLocaleString('en')} rows)`, value: `${Math.round(rowsPerS).toLocaleString('en')} rows/s (${ms(exportMs)})`, target: '≥ 50,000 rows/s', met: rowsPerS >= 50_000, better: 'higher' });
      checks.push({ name: `${engine}: process peak RSS during the export`, value: `${Math.round(peak / 1_048_576)} MB (${Math.round(before / 1_048_576)} MB before)`, target: '≤ 256 MB', met: peak <= 256 * 1_048_576 });
      console.log(`(c) ${engine}: load ${load()}`);
      if (pgDb) checks.push(...(await exportFromServerProcess(pgDb.url, masterHex, key, id, ws.id)));
    } finally {
      await app.close();
    }
    return checks;
  } finally {
    await database.close();
    await pgDb?.drop();
    await dir?.cleanup();
  }
}

/** Counts the lines of a streamed body. */
async function countLines(body: AsyncIterable<Uint8Array>): Promise<number> {
  let lines = 0;
  for await (const chunk of body) {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let at = buf.indexOf(10); at !== -1; at = buf.indexOf(10, at + 1)) lines++;
  }
  return lines;
}

/** The resident set of a process now (VmRSS), in bytes; 0 once it is gone. */
async function rssOf(pid: number): Promise<number> {
  const m = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8').catch(() => ''));
  return m ? Number(m[1]) * 1024 : 0;
}

/**
 * (d) The export served by a separate `greenlist start` (its RSS alone, sampled every 50 ms while it
 * streams), and the raw baseline: the same rows (recipient joined to contact) by COPY TO STDOUT.
 */
async function exportFromServerProcess(url: string, masterHex: string, key: string, broadcastId: string, workspaceId: string): Promise<Check[]> {
  const raw = new pg.Client({ connectionString: url });
  await raw.connect();
  let rawRate = 0;
  try {
    const t = performance.now();
    const stream = raw.query(copyTo(`copy (select r.contact_id, c.phone, c.name, r.state, r.reason, r.error_code, r.sent_at, r.delivery_rank, r.replied_at, r.clicked_at, r.opted_out_at
        from broadcast_recipients r left join contacts c on c.id = r.contact_id where r.broadcast_id = '${broadcastId}' and r.workspace_id = '${workspaceId}' order by r.contact_id) to stdout with csv`));
    const lines = await countLines(stream);
    rawRate = (lines / (performance.now() - t)) * 1000;
  } finally {
    await raw.end();
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawnGreenlist(['start'], { DATABASE_URL: url, GREENLIST_MASTER_KEY: masterHex, GREENLIST_PORT: String(port), GREENLIST_PUBLIC_URL: base });
  try {
    await waitReady(server, base);
    const pid = server.child.pid!;
    await new Promise((r) => setTimeout(r, 3_000)); // the loops' first passes
    const before = await rssOf(pid);
    let peak = before;
    const sampler = setInterval(() => void rssOf(pid).then((v) => (peak = Math.max(peak, v))), 50);
    const t = performance.now();
    const res = await fetch(`${base}/api/v1/broadcasts/${broadcastId}/recipients.csv`, { headers: { authorization: `Bearer ${key}` } });
    if (res.status !== 200 || !res.body) throw new Error(`recipients.csv from the server process: ${res.status} ${await res.text()}`);
    const lines = await countLines(res.body as unknown as AsyncIterable<Uint8Array>);
    const exportMs = performance.now() - t;
    clearInterval(sampler);
    if (lines - 1 !== N) throw new Error(`recipients.csv had ${lines - 1} rows, expected ${N}`);
    const rate = ((lines - 1) / exportMs) * 1000;
    console.log(`(d) PostgreSQL, separate process: load ${load()}`);
    return [
      { name: 'PostgreSQL: raw COPY of the same rows to stdout (baseline)', value: `${Math.round(rawRate).toLocaleString('en')} rows/s`, better: 'higher' },
      { name: `PostgreSQL: recipients.csv from a separate \`greenlist start\``, value: `${Math.round(rate).toLocaleString('en')} rows/s (${ms(exportMs)}; ${(rate / rawRate).toFixed(2)} of raw)`, target: '≥ 50,000 rows/s', met: rate >= 50_000, better: 'higher' },
      { name: 'PostgreSQL: that process\'s peak RSS during the export', value: `${Math.round(peak / 1_048_576)} MB (${Math.round(before / 1_048_576)} MB before)`, target: '≤ 256 MB', met: peak <= 256 * 1_048_576, better: 'lower' },
    ];
  } finally {
    await stopCleanly(server);
  }
}

async function main(): Promise<void> {
  printMachine();
  const pgUrl = await postgresUrl();
  const engines = (process.env.FUNNEL_BENCH_ENGINES ?? 'PostgreSQL,PGlite').split(',').filter((e) => e !== 'PostgreSQL' || pgUrl) as ('PGlite' | 'PostgreSQL')[];
  const checks: Check[] = [];
  for (const e of engines) checks.push(...(await runEngine(e, pgUrl)));
  printChecks(`Broadcast funnels (${N.toLocaleString('en')} recipients; load ${load()})`, checks);
}

if (isMain(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
