// Automations benchmark (issue 15 targets): on a fresh database per engine,
//   1. enrolment: N contacts (PostgreSQL 100,000; PGlite 20,000) enrolled at once through
//      POST /api/v1/automations/:id/enrollments with a saved segment (one INSERT … SELECT), next to
//      a raw INSERT … SELECT of the same contacts into a scratch table (the baseline);
//   2. timer wake-ups: W waiting runs (PostgreSQL 1,000,000, PGlite 100,000: the N enrolled plus
//      filler runs due in a year), of which D are due; the engine (runDueAutomations, the worker's
//      loop) moves each due run through "wait → tag → wait"; printed per second next to a raw
//      set-based UPDATE of the same D rows (the baseline), with the engine's peak JS heap (this
//      process also holds the app, the simulator and, for PGlite, the database, so its RSS says little).
// Run: node --import tsx bench/automations.ts   (BENCH_ENGINES=postgres|pglite; AUTOMATION_BENCH_SCALE=0.1 for a quick run)
import { sql } from 'drizzle-orm';
import { silentLogger } from '../src/lib/logger.js';
import { AUTOMATION_BATCH, runDueAutomations } from '../src/modules/automations/index.js';
import { SYSTEM_ACTOR, type Ctx } from '../src/modules/context.js';
import { createApiKey } from '../src/modules/workspaces/index.js';
import { queryRowsOf } from '../src/modules/sql.js';
import { createWorkspace } from '../src/modules/workspaces/index.js';
import { QUIET_KNOBS } from '../src/simulator/index.js';
import { BENCH_NUMBER, BENCH_TEMPLATE, openFreshDatabase, startBenchApp, mb, rate } from './broadcast-lib.js';
import { inProcessSimulator } from './broadcast-sim.js';
import { isMain, printChecks, printMachine, printTable, randomMasterKey, s, type Check } from './lib.js';
import { benchEngines, postgresUrl } from './seed-contacts.js';

type Engine = 'PGlite' | 'PostgreSQL';
const SCALE = Number(process.env.AUTOMATION_BENCH_SCALE ?? 1);
const SIZES: Record<Engine, { enrol: number; waiting: number; due: number }> = {
  PostgreSQL: { enrol: 100_000 * SCALE, waiting: 1_000_000 * SCALE, due: 20_000 * SCALE },
  PGlite: { enrol: 20_000 * SCALE, waiting: 100_000 * SCALE, due: 5_000 * SCALE },
};
const TARGETS: Record<Engine, { enrolMs?: number; wakePerS: number }> = { PostgreSQL: { enrolMs: 10_000, wakePerS: 5_000 }, PGlite: { wakePerS: 1_000 } };

/** N contacts tagged `bench` with granted consent for `offers` (consent_state written directly: seeding, not the product path). */
async function seed(ctx: Ctx, n: number): Promise<void> {
  await ctx.db.execute(sql`insert into contacts (workspace_id, phone, wa_id, name, country, timezone, timezone_source, language, tags)
    select ${ctx.workspaceId}, '+234803' || lpad(i::text, 7, '0'), '234803' || lpad(i::text, 7, '0'), 'Person ' || i, 'NG', 'Africa/Lagos', 'explicit', 'en', array['bench']
    from generate_series(1, ${n}::int) as i`);
  const [topic] = await queryRowsOf<{ id: string }>(ctx.db, sql`select id from topics where workspace_id = ${ctx.workspaceId} and key = 'offers'`);
  await ctx.db.execute(sql`insert into consent_state (workspace_id, contact_id, topic_id, status, source, since, event_id)
    select ${ctx.workspaceId}, id, ${topic!.id}, 'granted', 'api', now() - interval '1 day', 0 from contacts where workspace_id = ${ctx.workspaceId}`);
  await ctx.db.execute(sql`analyze contacts`);
  await ctx.db.execute(sql`analyze consent_state`);
}

interface Outcome {
  engine: Engine;
  enrolled: number;
  enrolMs: number;
  rawInsertMs: number;
  waiting: number;
  due: number;
  wakeMs: number;
  rawUpdateMs: number;
  heapMb: number;
}

async function runOne(engine: Engine, pgUrl: string | undefined): Promise<Outcome> {
  const size = SIZES[engine];
  const log = silentLogger();
  const fresh = await openFreshDatabase(engine, pgUrl, 'automations');
  const a = await startBenchApp(fresh.database, Buffer.from(randomMasterKey(), 'hex'));
  const sim = await inProcessSimulator({ seed: 'automations', phoneNumbers: [{ phoneNumberId: BENCH_NUMBER.phoneNumberId, wabaId: BENCH_NUMBER.wabaId, accessToken: BENCH_NUMBER.accessToken, mps: 80, messagingLimitTier: 'TIER_UNLIMITED' }], appSecret: BENCH_NUMBER.appSecret, verifyToken: BENCH_NUMBER.verifyToken, timeScale: 0.01, knobs: QUIET_KNOBS, templates: [BENCH_TEMPLATE] });
  try {
    const db = fresh.database.db;
    const ws = await createWorkspace(db, { slug: 'bench-auto', name: 'Bench' }, { now: new Date(), log });
    const ctx: Ctx = { db, workspaceId: ws.id, actor: SYSTEM_ACTOR, now: new Date(), log };
    const key = (await createApiKey(ctx, { name: 'bench', role: 'owner' })).key;
    await a.call(key, 'POST', '/api/v1/phone-numbers', { phone_number_id: BENCH_NUMBER.phoneNumberId, waba_id: BENCH_NUMBER.wabaId, display_number: '+1 555 078 9911', access_token: BENCH_NUMBER.accessToken, app_secret: BENCH_NUMBER.appSecret, verify_token: BENCH_NUMBER.verifyToken, api_base_url: sim.url });
    await a.call(key, 'POST', '/api/v1/topics', { key: 'offers', name: 'Offers', category: 'marketing' });
    await seed(ctx, size.enrol);
    const segment = await a.call<{ id: string }>(key, 'POST', '/api/v1/segments', { name: 'All', rules: { field: 'tags', op: 'contains', value: 'bench' } });
    const auto = await a.call<{ id: string }>(key, 'POST', '/api/v1/automations', {
      name: 'Bench',
      definition: { trigger: { type: 'api' }, topic: 'offers', steps: [{ id: 'first', type: 'wait', duration: { days: 1 } }, { id: 'mark', type: 'tag', add: ['woke'] }, { id: 'again', type: 'wait', duration: { days: 30 } }] },
    });
    await a.call(key, 'POST', `/api/v1/automations/${auto.id}/publish`, undefined, 200);

    // 1. Enrolment, next to a raw INSERT … SELECT of the same contacts.
    let t0 = performance.now();
    await db.execute(sql`create table bench_raw as select id, workspace_id, now() as at from contacts where workspace_id = ${ws.id} and 'bench' = any(tags)`);
    const rawInsertMs = performance.now() - t0;
    t0 = performance.now();
    const enrolled = await a.call<{ enrolled: number }>(key, 'POST', `/api/v1/automations/${auto.id}/enrollments`, { segment_id: segment.id }, 200);
    const enrolMs = performance.now() - t0;

    // 2. Wake-ups: the enrolled runs wait after "first" (as the engine leaves them); filler runs bring the waiting total up; D become due.
    const filler = Math.max(0, size.waiting - enrolled.enrolled);
    await db.execute(sql`insert into automation_runs (workspace_id, automation_id, version, contact_id, state, step_id, seq, due_at, dedupe_key, enrolled_at, updated_at)
      select ${ws.id}, ${auto.id}, 1, c.id, 'waiting', 'mark', 1, now() + interval '365 days', 'filler:' || g.i, now(), now()
      from generate_series(1, ${filler}::int) as g(i) join (select id, (row_number() over ()) - 1 as k from bench_raw) c on c.k = g.i % ${size.enrol}`);
    await db.execute(sql`update automation_runs set state = 'waiting', seq = 1, step_id = 'mark', due_at = now() + interval '1 day' where automation_id = ${auto.id} and dedupe_key not like 'filler:%'`);
    // Vacuumed as a database that gathered its waiting runs over weeks would be (autovacuum), not mid-way through a 1M-row insert.
    await db.execute(sql`vacuum analyze automation_runs`);
    const dueIds = sql`(select id from automation_runs where automation_id = ${auto.id} and dedupe_key not like 'filler:%' order by id limit ${size.due})`;
    t0 = performance.now();
    await db.execute(sql`update automation_runs set due_at = now() - interval '1 second' where id in ${dueIds}`);
    const rawUpdateMs = performance.now() - t0;
    const [w] = await queryRowsOf<{ n: number }>(db, sql`select count(*)::int as n from automation_runs where state = 'waiting'`);
    const batch = engine === 'PGlite' ? AUTOMATION_BATCH.pglite : AUTOMATION_BATCH.postgres;
    let heap = process.memoryUsage().heapUsed;
    t0 = performance.now();
    let woke = 0;
    for (;;) {
      const n = await runDueAutomations({ db, now: new Date(), log }, batch);
      woke += n;
      heap = Math.max(heap, process.memoryUsage().heapUsed);
      if (n === 0) break;
    }
    const wakeMs = performance.now() - t0;
    const [tagged] = await queryRowsOf<{ n: number }>(db, sql`select count(*)::int as n from automation_step_runs where automation_id = ${auto.id} and step_id = 'mark'`);
    if (tagged!.n !== size.due || woke !== size.due) {
      const states = await queryRowsOf(db, sql`select state, reason, count(*)::int as n from automation_runs where automation_id = ${auto.id} and dedupe_key not like ${"filler:%"} group by 1, 2`);
      throw new Error(`woke ${woke}, tagged ${tagged!.n}, expected ${size.due}: ${JSON.stringify(states)}`);
    }
    return { engine, enrolled: enrolled.enrolled, enrolMs, rawInsertMs, waiting: w!.n, due: size.due, wakeMs, rawUpdateMs, heapMb: heap / 1_048_576 };
  } finally {
    await sim.close();
    await a.close();
    await fresh.cleanup();
  }
}

/** Runs the benchmark on each engine; returns its checks. */
export async function runAutomationsBench(opts: { printMachine?: boolean } = {}): Promise<Check[]> {
  if (opts.printMachine !== false) printMachine();
  const pgUrl = await postgresUrl();
  const outcomes: Outcome[] = [];
  for (const engine of benchEngines(pgUrl)) outcomes.push(await runOne(engine, pgUrl));
  console.log('\nAutomations: enrolment by segment and timer wake-ups (wait → tag → wait), each next to a raw statement on the same rows');
  printTable(
    ['engine', 'enrolled', 'enrol (API)', 'raw INSERT…SELECT', 'waiting runs', 'due', 'wake-ups', 'per second', 'raw UPDATE of the due', 'peak heap'],
    outcomes.map((o) => [o.engine, o.enrolled.toLocaleString('en'), s(o.enrolMs), s(o.rawInsertMs), o.waiting.toLocaleString('en'), o.due.toLocaleString('en'), s(o.wakeMs), rate((o.due / o.wakeMs) * 1000), s(o.rawUpdateMs), mb(o.heapMb * 1_048_576)]),
  );
  const checks: Check[] = [];
  for (const o of outcomes) {
    const t = TARGETS[o.engine];
    if (t.enrolMs) checks.push({ name: `${o.engine}: enrol ${o.enrolled.toLocaleString('en')} by segment`, value: s(o.enrolMs), target: `≤ ${s(t.enrolMs)}`, met: o.enrolMs <= t.enrolMs });
    const perS = (o.due / o.wakeMs) * 1000;
    checks.push({ name: `${o.engine}: timer wake-ups with ${o.waiting.toLocaleString('en')} waiting`, value: rate(perS), target: `≥ ${t.wakePerS}/s`, met: perS >= t.wakePerS });
    if (o.engine === 'PostgreSQL') checks.push({ name: 'PostgreSQL: JS heap while waking (bounded by the batch, not the waiting runs)', value: `${Math.round(o.heapMb)} MB`, target: '≤ 256 MB', met: o.heapMb <= 256 });
  }
  printChecks('Automations targets', checks);
  return checks;
}

if (isMain(import.meta.url)) await runAutomationsBench();
