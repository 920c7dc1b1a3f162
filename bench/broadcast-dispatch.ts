// Broadcast dispatch benchmark (docs/performance.md T3, T6): whole broadcasts against the Cloud API
// simulator on loopback (in a process of its own, so its acceptance times are not skewed by this one), at the 80 msg/s tier (3,000 recipients, ~40 s) and the 1,000 msg/s tier
// (30,000 recipients, ~33 s). The configured rate is tier × `broadcasts.pacing_ratio` (0.9: 72 and
// 900 msg/s). The simulator enforces the tier (`mps` = tier, a bucket one second deep, as Meta does),
// so sending too fast shows as 130429 rejections. Statuses (sent, delivered, read) are POSTed back
// to the app, as Meta does, and processed by the worker(s) while the broadcast runs.
//   Setups: PostgreSQL with the dispatcher in this process (app, simulator and dispatcher share one
//   event loop, like `greenlist start`), with one and with two `greenlist worker` child processes
//   (the app and the simulator stay here); PGlite (NodeFS) with everything in this one process.
// Printed per run: time from POST /start to the first send, the mean rate from the first send to
// the last, the busiest and the quietest 1 s window of accepted requests at the simulator,
// simulator rejections (130429 and others), recipients not accepted, and the dispatcher's RSS
// (sampled max, and VmHWM for child processes) and CPU.
// Each run uses a fresh database (a throwaway PostgreSQL database, or a temp PGlite data dir).
// Run: node --import tsx bench/broadcast-dispatch.ts
//   DISPATCH_BENCH_SETUPS=pg-inproc,pg-1worker,pg-2workers,pglite  (default: all; BENCH_ENGINES applies)
//   DISPATCH_BENCH_TIERS=80,1000   DISPATCH_BENCH_SCALE=0.2 (fewer recipients, for a quick run)
//   DISPATCH_BENCH_WORKER_NODE_OPTIONS='--max-old-space-size=128' (NODE_OPTIONS of the worker processes)
//   DISPATCH_BENCH_WARMUP=1 (a 3 s broadcast first: the measured one runs on warm processes, as on a running system)
//   DISPATCH_BENCH_TRACE=1 (accepted requests per second, to see where the rate was lost)
//   DISPATCH_BENCH_SIM=inprocess (default: the simulator in a child process, see broadcast-sim.ts)
import { loadavg } from 'node:os';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { openDatabase, type Database } from '../src/adapters/db/database.js';
import { runMigrations } from '../src/adapters/db/migrate.js';
import { silentLogger } from '../src/lib/logger.js';
import { SYSTEM_ACTOR, type Ctx } from '../src/modules/context.js';
import { appendConsentEvents } from '../src/modules/consent/index.js';
import { startBroadcastDispatcher, type Dispatcher } from '../src/modules/broadcasts/index.js';
import { queryRowsOf } from '../src/modules/sql.js';
import { createWorkspace } from '../src/modules/workspaces/index.js';
import { QUIET_KNOBS, type SimulatorOptions } from '../src/simulator/index.js';
import { childSimulator, inProcessSimulator } from './broadcast-sim.js';
import { formatCpuReport, startCpuAccounting, type CpuReport, type CpuSubject } from './cpu-share.js';
import { isMain, ms, printChecks, printMachine, printTable, randomMasterKey, s, spawnGreenlist, stopCleanly, tempDataDir, tempPgDatabase, type Check, type GreenlistProcess } from './lib.js';
import {
  BENCH_NUMBER,
  BENCH_TEMPLATE,
  BENCH_TEMPLATE_REF,
  daytimeZone,
  mb,
  memorySampler,
  paceOf,
  pct,
  pgliteVersion,
  postgresVersion,
  prepareWorkspace,
  procCpuSeconds,
  rate,
  startBenchApp,
  startWebhookProcessor,
  waitUntil,
  type PaceFigures,
} from './broadcast-lib.js';
import { benchEngines, postgresUrl } from './seed-contacts.js';

type Tier = 80 | 1000;
type SetupKey = 'pg-inproc' | 'pg-1worker' | 'pg-2workers' | 'pglite';
interface Setup {
  key: SetupKey;
  engine: 'PGlite' | 'PostgreSQL';
  label: string;
  /** `greenlist worker` child processes (0: the dispatcher runs in this process). */
  workers: number;
}
const SETUPS: Setup[] = [
  { key: 'pg-inproc', engine: 'PostgreSQL', label: 'PostgreSQL, 1 worker in-process', workers: 0 },
  { key: 'pg-1worker', engine: 'PostgreSQL', label: 'PostgreSQL, 1 worker process', workers: 1 },
  { key: 'pg-2workers', engine: 'PostgreSQL', label: 'PostgreSQL, 2 worker processes', workers: 2 },
  { key: 'pglite', engine: 'PGlite', label: 'PGlite, 1 process', workers: 0 },
];
const SCALE = Number(process.env.DISPATCH_BENCH_SCALE ?? 1);
const RECIPIENTS: Record<Tier, number> = { 80: Math.round(3_000 * SCALE), 1000: Math.round(30_000 * SCALE) };
const PACING_RATIO = 0.9;
const TARGET_SHARE = 0.99;
const TARGET_RSS = 256 * 1_048_576;
/** Counts per whole second from the first of `times`. */
function secondsOf(times: number[]): number[] {
  const t0 = Math.min(...times);
  const out: number[] = [];
  for (const t of times) out[Math.floor((t - t0) / 1000)] = (out[Math.floor((t - t0) / 1000)] ?? 0) + 1;
  return Array.from(out, (v) => v ?? 0);
}

/** The simulator runs in its own process unless DISPATCH_BENCH_SIM=inprocess (then its acceptance times share this event loop). */
const SIM_IN_PROCESS = process.env.DISPATCH_BENCH_SIM === 'inprocess';
/** DISPATCH_BENCH_WEBHOOKS=off: statuses are not POSTed back (the dispatcher alone, without status processing). */
const WEBHOOKS = process.env.DISPATCH_BENCH_WEBHOOKS !== 'off';
/** DISPATCH_BENCH_WARMUP=1: a 3 s broadcast to other contacts first, so the measured one runs on warm processes. */
const WARMUP = process.env.DISPATCH_BENCH_WARMUP === '1';
const WARM_PREFIX = '234809';

interface Outcome {
  setup: Setup;
  tier: Tier;
  recipients: number;
  configured: number;
  pace: PaceFigures;
  firstSendMs: number;
  rejected: Record<string, number>;
  notAccepted: Record<string, number>;
  duplicates: number;
  startMs: number;
  estimateMs: number;
  /** Per dispatcher process: max sampled RSS, VmHWM (children), CPU seconds. */
  workers: { label: string; maxRss: number; peak: number; cpuS: number | undefined }[];
  /** The busiest 1 s window of requests as they left (before the network and the simulator): in-process exact; worker processes the sum of each one's peak (100 ms buckets, warm-up included). */
  postedMax1s: number | undefined;
  /** Warnings and errors the dispatcher(s) logged, by message. */
  problems: Record<string, number>;
  /** False when the broadcast had not finished after twice its expected time (figures are for what was sent). */
  completed: boolean;
  /** Statuses not yet applied when the last send was accepted + 5 s. */
  webhookBacklog: number;
  load: string;
  /** CPU per process (this one, the simulator, workers, PostgreSQL) over the measured broadcast. */
  cpu: CpuReport;
}

/** The product's PGlite send-rate cap (what `greenlist start` passes its dispatcher), if it has one. */
async function pgliteCap(): Promise<number | undefined> {
  const server = (await import('../src/entrypoints/server.js')) as { PGLITE_MAX_SENDS_PER_S?: number };
  return server.PGLITE_MAX_SENDS_PER_S;
}

const loadNow = (): string => loadavg().map((x) => x.toFixed(2)).join(' / ');

export async function openFresh(engine: Setup['engine'], pgUrl: string | undefined): Promise<{ database: Database; url?: string; cleanup(): Promise<void> }> {
  if (engine === 'PostgreSQL') {
    const tmp = await tempPgDatabase(pgUrl!);
    const database = await openDatabase({ kind: 'postgres', url: tmp.url, poolSize: 10 });
    await runMigrations(database, tmp.url);
    return { database, url: tmp.url, cleanup: async () => (await database.close(), await tmp.drop()) };
  }
  const tmp = await tempDataDir('dispatch');
  const database = await openDatabase({ kind: 'pglite', dataDir: tmp.dir });
  await runMigrations(database);
  return { database, cleanup: async () => (await database.close(), await tmp.cleanup()) };
}

/** Inserts `n` contacts tagged `tag` (phones `+<prefix>0000001`…) in one zone with granted consent for `offers` (through the consent ledger, 5,000 per call). */
export async function seedAudience(ctx: Ctx, n: number, zone: string, tag = 'bench', prefix = '234803'): Promise<void> {
  await ctx.db.execute(sql`
    insert into contacts (workspace_id, phone, wa_id, name, country, timezone, timezone_source, language, tags)
    select ${ctx.workspaceId}, '+' || ${prefix} || lpad(i::text, 7, '0'), ${prefix} || lpad(i::text, 7, '0'), 'Person ' || i, 'NG', ${zone}, 'explicit', 'en', array[${tag}]::text[]
    from generate_series(1, ${n}::int) as i`);
  const [topic] = await queryRowsOf<{ id: string }>(ctx.db, sql`select id from topics where workspace_id = ${ctx.workspaceId} and key = 'offers'`);
  const ids = await queryRowsOf<{ id: string }>(ctx.db, sql`select id from contacts where workspace_id = ${ctx.workspaceId} and ${tag} = any(tags) order by phone`);
  for (let i = 0; i < ids.length; i += 5_000) {
    const events = ids.slice(i, i + 5_000).map((c) => ({ contactId: c.id, topicId: topic!.id, action: 'grant' as const, source: 'api' as const, evidence: { text: 'Yes, send me offers', ip: '203.0.113.9' }, occurredAt: new Date(Date.now() - 86_400_000), dedupeKey: null }));
    await appendConsentEvents(ctx.db, ctx.workspaceId, SYSTEM_ACTOR, events, new Date());
  }
  await ctx.db.execute(sql`analyze contacts`);
  await ctx.db.execute(sql`analyze consent_state`);
}

async function runOne(setup: Setup, tier: Tier, pgUrl: string | undefined): Promise<Outcome> {
  const n = RECIPIENTS[tier];
  // PGlite's own cap on sends per second per number (server.ts; absent before issue 20) lowers what is configured.
  const configured = Math.min(tier * PACING_RATIO, setup.engine === 'PGlite' ? ((await pgliteCap()) ?? Infinity) : Infinity);
  const fresh = await openFresh(setup.engine, pgUrl);
  const masterHex = randomMasterKey();
  const masterKey = Buffer.from(masterHex, 'hex');
  const log = silentLogger();
  // The in-process dispatcher's warnings and errors, counted like the worker processes' below.
  const problemLines: string[] = [];
  const dispatcherLog = pino({ level: 'warn' }, { write: (line: string) => void problemLines.push(line) });
  const a = await startBenchApp(fresh.database, masterKey);
  const simOptions: SimulatorOptions = {
    seed: `dispatch-${tier}`,
    phoneNumbers: [{ phoneNumberId: BENCH_NUMBER.phoneNumberId, wabaId: BENCH_NUMBER.wabaId, accessToken: BENCH_NUMBER.accessToken, mps: tier, messagingLimitTier: 'TIER_UNLIMITED' }],
    appSecret: BENCH_NUMBER.appSecret,
    verifyToken: BENCH_NUMBER.verifyToken,
    ...(WEBHOOKS ? { webhookUrl: `${a.url}/webhooks/whatsapp` } : {}),
    timeScale: 0.01,
    knobs: QUIET_KNOBS,
    templates: [BENCH_TEMPLATE],
    sentLogLimit: n + 10_000,
  };
  const sim = SIM_IN_PROCESS ? await inProcessSimulator(simOptions) : await childSimulator(simOptions);
  const simUrl = sim.url;
  const children: GreenlistProcess[] = [];
  const posted: number[] = [];
  let dispatcher: Dispatcher | undefined;
  let webhooks: ReturnType<typeof startWebhookProcessor> | undefined;
  try {
    const ws = await createWorkspace(fresh.database.db, { slug: `bench-${tier}`, name: 'Bench' }, { now: new Date(), log });
    const ctx: Ctx = { db: fresh.database.db, workspaceId: ws.id, actor: SYSTEM_ACTOR, now: new Date(), log };
    const { key } = await prepareWorkspace(a, ctx, simUrl, tier);
    await seedAudience(ctx, n, daytimeZone());
    if (WARMUP) await seedAudience(ctx, Math.round(configured * 3), daytimeZone(), 'warm', WARM_PREFIX);
    const created = await a.call<{ id: string }>(key, 'POST', '/api/v1/broadcasts', {
      name: `Bench ${tier}/s`,
      audience: { rules: { field: 'tags', op: 'contains', value: 'bench' }, topic: 'offers' },
      template: BENCH_TEMPLATE_REF,
    });
    // Dispatchers first, so the broadcast is picked up by their next housekeeping tick (≤ 1 s).
    if (setup.workers > 0) {
      const env: Record<string, string> = { DATABASE_URL: fresh.url!, GREENLIST_MASTER_KEY: masterHex, GREENLIST_PUBLIC_URL: a.url, GREENLIST_LOG_LEVEL: 'info' };
      if (process.env.DISPATCH_BENCH_WORKER_NODE_OPTIONS) env.NODE_OPTIONS = process.env.DISPATCH_BENCH_WORKER_NODE_OPTIONS;
      for (let i = 0; i < setup.workers; i++) children.push(spawnGreenlist(['worker'], env));
      for (const c of children) await c.waitForOutput(/Greenlist worker ready/, 60_000);
    } else {
      webhooks = startWebhookProcessor(fresh.database);
      // The moment each request leaves (dispatcher side), to tell the dispatcher's bursts from the simulator's queueing.
      const gateway = { ...a.wiring.gateway, sendMessage: (...args: Parameters<typeof a.wiring.gateway.sendMessage>) => (posted.push(Date.now()), a.wiring.gateway.sendMessage(...args)) };
      const cap = setup.engine === 'PGlite' ? await pgliteCap() : undefined;
      dispatcher = startBroadcastDispatcher({ db: fresh.database.db, box: a.wiring.box, gateway, log: dispatcherLog, clock: { now: () => new Date() }, publicUrl: a.url, masterKey, ...(cap ? { maxRatePerNumber: cap } : {}) });
    }
    if (WARMUP) {
      // A first broadcast of 3 s at the configured rate warms every process (JIT, connections), as on a system that has been running.
      const warm = await a.call<{ id: string }>(key, 'POST', '/api/v1/broadcasts', { name: 'Warm-up', audience: { rules: { field: 'tags', op: 'contains', value: 'warm' }, topic: 'offers' }, template: BENCH_TEMPLATE_REF });
      await a.call(key, 'POST', `/api/v1/broadcasts/${warm.id}/start`, undefined, 200);
      await waitUntil(async () => (await queryRowsOf<{ status: string }>(fresh.database.db, sql`select status from broadcasts where id = ${warm.id}`))[0]!.status === 'completed', 60_000, 'the warm-up broadcast', 200);
      await new Promise((r) => setTimeout(r, 2_000));
    }
    const pids: (number | 'self')[] = setup.workers > 0 ? children.map((c) => c.child.pid!) : ['self'];
    const cpu0 = await Promise.all(pids.map((p) => (p === 'self' ? process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 : procCpuSeconds(p))));
    const mem = memorySampler(pids);
    const subjects: CpuSubject[] = [
      { label: setup.workers > 0 ? 'app (intake)' : setup.engine === 'PGlite' ? 'app + worker + PGlite' : 'app + worker', pid: 'self' },
      ...(sim.pid !== process.pid ? [{ label: 'simulator', pid: sim.pid }] : []),
      ...children.map((c, i) => ({ label: `worker ${i + 1}`, pid: c.child.pid! })),
      ...(setup.engine === 'PostgreSQL' ? [{ label: 'PostgreSQL', comm: 'postgres' as const }] : []),
    ];
    const cpuAccounting = await startCpuAccounting(subjects);
    let t0 = performance.now();
    await a.call(key, 'POST', `/api/v1/broadcasts/${created.id}/estimate`, undefined, 200);
    const estimateMs = performance.now() - t0;
    t0 = performance.now();
    const startedAtWall = Date.now();
    await a.call(key, 'POST', `/api/v1/broadcasts/${created.id}/start`, undefined, 200);
    const startMs = performance.now() - t0;
    const status = async () => (await queryRowsOf<{ status: string }>(fresh.database.db, sql`select status from broadcasts where id = ${created.id}`))[0]!.status;
    const expectedS = n / configured;
    // A run that has not finished after twice its expected time is reported as it stands (then cancelled).
    const completed = await waitUntil(async () => (await status()) === 'completed', (expectedS * 2 + 30) * 1000, `broadcast ${tier}/s to complete`, 500).then(
      () => true,
      () => false,
    );
    if (!completed) await a.call(key, 'POST', `/api/v1/broadcasts/${created.id}/cancel`, undefined, 200);
    const memory = await mem.stop();
    const cpu = await cpuAccounting.stop();
    const cpu1 = await Promise.all(pids.map((p) => (p === 'self' ? process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 : procCpuSeconds(p))));
    const load = loadNow();
    const sent = (await sim.sends(BENCH_NUMBER.phoneNumberId, BENCH_TEMPLATE.name)).filter((m) => !m.to.includes(WARM_PREFIX));
    const pace = paceOf(sent.map((m) => m.at));
    // DISPATCH_BENCH_TRACE=1 prints accepted requests per whole second from the first send (where the rate was lost).
    if (process.env.DISPATCH_BENCH_TRACE) console.log(`    per second: ${secondsOf(sent.map((m) => m.at)).join(' ')}`);
    const firstSendMs = sent.length ? Math.min(...sent.map((m) => m.at)) - startedAtWall : NaN;
    const rejected = await sim.rejected();
    for (const c of children) problemLines.push(...c.output().split('\n'));
    const states = await queryRowsOf<{ state: string; n: string }>(fresh.database.db, sql`select state, count(*) as n from broadcast_recipients where broadcast_id = ${created.id} group by state`);
    const notAccepted = Object.fromEntries(states.filter((r) => r.state !== 'accepted').map((r) => [r.state, Number(r.n)]));
    const duplicates = sent.length - new Set(sent.map((m) => m.to)).size;
    // Status webhooks still to apply a few seconds after the last send (the worker keeping up?).
    await new Promise((r) => setTimeout(r, 5_000));
    const [backlog] = await queryRowsOf<{ n: string }>(fresh.database.db, sql`select count(*) as n from webhook_events where status = 'pending'`).catch(() => [{ n: '-1' }]);
    // Worker processes report their busiest second at post when they stop (100 ms buckets; with
    // two workers the sum of both peaks, an upper bound of their busiest second together).
    let workersPostedMax1s: number | undefined;
    if (children.length > 0) {
      for (const c of children) await stopCleanly(c).catch((err: unknown) => console.error(`  worker did not stop cleanly: ${String(err).slice(0, 400)}`));
      const peaks = children.map((c) => Number(/"peak_1s_posted":(\d+)/.exec(c.output())?.[1] ?? NaN));
      workersPostedMax1s = peaks.every(Number.isFinite) ? peaks.reduce((x, y) => x + y, 0) : undefined;
    }
    return {
      setup,
      tier,
      recipients: n,
      configured,
      pace,
      firstSendMs,
      rejected,
      notAccepted,
      duplicates,
      startMs,
      estimateMs,
      workers: memory.map((m, i) => ({ label: m.pid === 'self' ? 'bench process (app + simulator + dispatcher)' : `worker ${i + 1}`, maxRss: m.maxRss, peak: m.peak, cpuS: cpu1[i] !== undefined && cpu0[i] !== undefined ? cpu1[i]! - cpu0[i]! : undefined })),
      webhookBacklog: Number(backlog?.n ?? -1),
      completed,
      problems: problemsOf(problemLines),
      postedMax1s: posted.length ? paceOf(posted.filter((t) => t >= startedAtWall)).max1s : workersPostedMax1s,
      load,
      cpu,
    };
  } finally {
    await dispatcher?.stop();
    await webhooks?.stop();
    for (const c of children) if (c.child.exitCode === null) await stopCleanly(c).catch((err: unknown) => console.error(`  worker did not stop cleanly: ${String(err).slice(0, 400)}`));
    await sim.close();
    await a.close();
    await fresh.cleanup();
  }
}

/** Counts log lines at warn or above by message. */
export function problemsOf(lines: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of lines) {
    if (!l.startsWith('{')) continue;
    const j = JSON.parse(l) as { level: number; msg: string };
    if (j.level >= 40) out[j.msg] = (out[j.msg] ?? 0) + 1;
  }
  return out;
}

const codes = (r: Record<string, number>): string => (Object.keys(r).length ? Object.entries(r).map(([k, v]) => `${v}× ${k}`).join(', ') : '0');

/** Runs the dispatch benchmark; returns its checks. */
export async function runBroadcastDispatchBench(opts: { printMachine?: boolean } = {}): Promise<Check[]> {
  if (opts.printMachine !== false) printMachine();
  const pgUrl = await postgresUrl();
  const engines = benchEngines(pgUrl);
  const wanted = (process.env.DISPATCH_BENCH_SETUPS ?? SETUPS.map((x) => x.key).join(',')).split(',');
  const tiers = (process.env.DISPATCH_BENCH_TIERS ?? '80,1000').split(',').map(Number) as Tier[];
  const setups = SETUPS.filter((x) => wanted.includes(x.key) && engines.includes(x.engine));
  console.log(
    `\nBroadcast dispatch: whole broadcasts against the simulator (${SIM_IN_PROCESS ? 'in this process' : 'own process'}; tier enforced, 130429 on excess), pacing ratio ${PACING_RATIO}, ${WEBHOOKS ? 'statuses POSTed back and processed' : 'no status webhooks (DISPATCH_BENCH_WEBHOOKS=off)'}`,
  );
  if (pgUrl && engines.includes('PostgreSQL')) console.log(`PostgreSQL: ${await postgresVersion(pgUrl)}`);
  if (engines.includes('PGlite')) console.log(`PGlite: ${pgliteVersion()} (NodeFS data dir)`);
  const rows: Outcome[] = [];
  for (const setup of setups) {
    for (const tier of tiers) {
      console.log(`  ${setup.label}, ${tier} msg/s tier: ${RECIPIENTS[tier].toLocaleString('en')} recipients at ${tier * PACING_RATIO} msg/s …`);
      const o = await runOne(setup, tier, pgUrl);
      rows.push(o);
      console.log(
        `    mean ${rate(o.pace.meanRate)} (${pct(o.pace.meanRate / o.configured)} of ${o.configured}), 1 s windows max ${o.pace.max1s} / min ${o.pace.min1s}, ${o.pace.sends.toLocaleString('en')} sends over ${s(o.pace.spanMs)}, rejected ${codes(o.rejected)}, ` +
          `not accepted ${codes(o.notAccepted)}, dispatcher warnings ${codes(o.problems)}, ${o.workers.map((w) => `${w.label} RSS max ${mb(w.maxRss)}${w.peak ? ` (VmHWM ${mb(w.peak)})` : ''}, CPU ${w.cpuS?.toFixed(1) ?? '?'} s`).join('; ')}; load ${o.load}`,
      );
      console.log(`    CPU: ${formatCpuReport(o.cpu)}\n    bottleneck: ${o.cpu.bottleneck}`);
    }
  }
  console.log('');
  printTable(
    ['setup', 'tier', 'recipients', 'configured', 'mean rate', 'of configured', 'max 1 s', 'max 1 s at post', 'min 1 s', 'span', 'start→1st send', '130429', 'other rejections', 'not accepted', 'dup', 'POST /start', 'estimate', 'status backlog +5 s', 'load 1/5/15'],
    rows.map((o) => {
      const other = Object.fromEntries(Object.entries(o.rejected).filter(([k]) => k !== '130429'));
      return [
        o.setup.label,
        `${o.tier}/s`,
        `${o.recipients.toLocaleString('en')}${o.completed ? '' : ' (unfinished)'}`,
        `${o.configured}/s`,
        rate(o.pace.meanRate),
        pct(o.pace.meanRate / o.configured),
        String(o.pace.max1s),
        o.postedMax1s === undefined ? '-' : String(o.postedMax1s),
        String(o.pace.min1s),
        s(o.pace.spanMs),
        ms(o.firstSendMs),
        String(o.rejected['130429'] ?? 0),
        codes(other),
        codes(o.notAccepted),
        String(o.duplicates),
        ms(o.startMs),
        ms(o.estimateMs),
        o.webhookBacklog.toLocaleString('en'),
        o.load,
      ];
    }),
  );
  console.log('');
  printTable(
    ['setup', 'tier', 'process', 'RSS max (sampled 4/s)', 'VmHWM', 'CPU s', 'CPU % of span'],
    rows.flatMap((o) => o.workers.map((w) => [o.setup.label, `${o.tier}/s`, w.label, mb(w.maxRss), w.peak ? mb(w.peak) : '-', w.cpuS?.toFixed(1) ?? '-', w.cpuS !== undefined && o.pace.spanMs > 0 ? pct(w.cpuS / (o.pace.spanMs / 1000)) : '-'])),
  );
  const checks: Check[] = [];
  for (const o of rows) {
    const label = `${o.setup.label}, ${o.tier}/s tier`;
    checks.push({ name: `${label}: mean rate, first to last send`, value: `${rate(o.pace.meanRate)} (${pct(o.pace.meanRate / o.configured)} of ${o.configured})${o.completed ? '' : ', unfinished'}`, target: `≥ ${pct(TARGET_SHARE)} of configured, whole broadcast`, met: o.completed && o.pace.meanRate >= TARGET_SHARE * o.configured });
    // A schedule exactly 1/rate apart puts `rate` sends in a half-open 1 s window; one more is timer jitter at the edges.
    checks.push({ name: `${label}: busiest 1 s window at the simulator`, value: String(o.pace.max1s), target: `≤ ${Math.ceil(o.configured)} (+1 edge)`, met: o.pace.max1s <= Math.ceil(o.configured) + 1 });
    checks.push({ name: `${label}: 130429 rejections`, value: String(o.rejected['130429'] ?? 0), target: '0', met: (o.rejected['130429'] ?? 0) === 0 });
    checks.push({ name: `${label}: recipients not accepted / duplicates`, value: `${codes(o.notAccepted)} / ${o.duplicates}`, target: '0 / 0', met: Object.keys(o.notAccepted).length === 0 && o.duplicates === 0 });
    if (o.setup.engine === 'PostgreSQL' && o.setup.workers > 0) {
      const worst = Math.max(...o.workers.map((w) => Math.max(w.maxRss, w.peak)));
      checks.push({ name: `${label}: worker RSS (max of ${o.workers.length})`, value: mb(worst), target: `≤ ${mb(TARGET_RSS)}`, met: worst <= TARGET_RSS });
    }
  }
  printChecks('Broadcast dispatch', checks);
  return checks;
}

if (isMain(import.meta.url)) await runBroadcastDispatchBench();
