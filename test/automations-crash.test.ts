// Issue 15: "A worker killed at every step boundary gives exactly one message per step." Real
// Greenlist processes run an automation (send → wait → tag → wait → send → wait → send; the waits
// last zero minutes, so each is a commit the next pass wakes from: 4 transactions per run, 7 steps)
// and are SIGKILLed, restarted each time, until every run has completed. On PostgreSQL a
// `greenlist worker` is killed (the test process serves the API and the webhooks); on PGlite the
// whole `greenlist start` owns the data directory and is killed (the simulator redelivers the
// webhooks it could not hand over). Replay a failure with CRASH_SEED=<seed printed in the report>.
//
// Where the kills land (ONE_KILLS, TWO_KILLS): inside the engine's transaction (PostgreSQL: once
// the process holds the claimed runs' row locks, plus a seeded random 0–150 ms, so it lands after any
// of the batch's statements), just after a commit that moved the runs (one kill per step boundary),
// while the outbox has sends in flight (intent rows committed, requests not all answered), or at a
// seeded random 150–600 ms. PGlite cannot be watched from outside: its kills come at random, after
// a commit (seen through the API) and just after the simulator accepted one of a batch's messages.
// Each kill is a SIGSTOP first: on PostgreSQL the frozen process's connections are read from
// pg_stat_activity / pg_locks, so the report says whether it was inside the engine's transaction
// and after which statement; the test fails unless some kills were, some found runs part-way and
// one found sends in flight.
//
// "None missing" holds only if a send a kill interrupts after its intent row, before its request
// left, goes out after all: the outbox must honour the workspace's `resend_after_window` policy
// (the outbox on main settles such a send `done` and never sends it: 50 messages lost per kill).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/adapters/db/database.js';
import { acquireDataDirLock } from '../src/adapters/db/data-dir-lock.js';
import { createSimulator, QUIET_KNOBS, type Simulator, type TemplateSeed } from '../src/simulator/index.js';
import { queryRowsOf } from '../src/modules/sql.js';
import type { Db } from '../src/modules/context.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { onPostgres } from './helpers/db.js';
import { lastLine, runGreenlist } from './helpers/process.js';
import {
  PROC_MASTER_KEY,
  PROC_NUMBER,
  Incarnations,
  apiOf,
  expectStatus,
  freePort,
  importContacts,
  phoneOf,
  procBroadcastSettings,
  seededRandom,
  setUpSending,
  sleep,
  type Api,
} from './helpers/broadcast-proc.js';

const SEED = process.env.CRASH_SEED ?? 'automation-crash-1';
const ENGINE = onPostgres ? 'postgres' : 'pglite';
const MPS = onPostgres ? 1000 : 80;
// A `greenlist worker` restarts in ~3–4 s on the 2-core test box, a PGlite `greenlist start` in ~8 s:
// the kill count sets the test's time (ONE_KILLS, TWO_KILLS).
// PGlite runs 100 runs a transaction: 150 runs make 2 per step boundary, and the engine's work lasts long enough to be hit.
const PLAN = onPostgres ? { one: 300, two: 200 } : { one: 150, two: 200 };
/**
 * The single-worker case's kills, in order (it stops early once a kill finds every run completed).
 * PostgreSQL: inside each of the 4 transactions of the runs and just after each commit, and once
 * while step A's messages are in flight. PGlite (restarts are slow): just after commits (seen through
 * the API), at random, and just after the simulator accepted a message of an outbox batch.
 */
const ONE_KILLS: Moment[] = onPostgres ? ['inside', 'boundary', 'outbox', 'inside', 'boundary', 'inside', 'boundary', 'inside', 'boundary'] : ['boundary', 'random', 'boundary', 'outbox'];
/**
 * The two-worker case (PostgreSQL): both run at once; one is killed just after commits (whichever
 * worker made them, so the runs always move on), the other inside the engine's transaction, while
 * sends are in flight, or at a random moment.
 */
const TWO_KILLS: Moment[][] = [
  ['boundary', 'boundary', 'boundary'],
  ['inside', 'outbox', 'random'],
];
// "None missing" is asked under the uncertain-send policy that promises it, as broadcasts' R1 does:
// a send a kill interrupted after its intent row (the request may or may not have left) is sent once
// more when no status webhook names it within the window. Under `never_resend` it is lost by design.
const SETTINGS = procBroadcastSettings({ policy: 'resend_after_window', window_seconds: 5 });
/** How long the last incarnation gets to finish the runs and the outbox (the resend window included). */
const SETTLE_MS = 45_000;

/** One template per send step, so the simulator's log says which step each message came from. */
const TEMPLATES: TemplateSeed[] = ['a', 'b', 'c'].map((s) => ({
  name: `auto_crash_${s}`,
  language: 'en_US',
  category: 'MARKETING',
  components: [
    { type: 'BODY', text: `Step ${s.toUpperCase()} for {{1}}.`, example: { body_text: [['Ada']] } },
    { type: 'FOOTER', text: 'Reply STOP to unsubscribe' },
  ] as TemplateSeed['components'],
}));
const send = (id: string, t: TemplateSeed) => ({ id, type: 'send_template', template: { name: t.name, language: t.language, variables: { 'body.1': { field: 'first_name', fallback: 'there' } } } });
/** A zero-minute wait: the run commits there and is due again at once (a real boundary without a test clock). */
const wait = (id: string) => ({ id, type: 'wait', duration: { minutes: 0 } });
const STEPS = [send('a', TEMPLATES[0]!), wait('w1'), { id: 'tag', type: 'tag', add: ['crash-tagged'] }, wait('w2'), send('b', TEMPLATES[1]!), wait('w3'), send('c', TEMPLATES[2]!)];
const K = STEPS.length;
const OUTCOMES = ['sent', 'waited', 'done', 'waited', 'sent', 'waited', 'sent'];
/** The seq of each send step in every run, with its template. */
const SEND_SEQS = STEPS.flatMap((s, i) => (s.type === 'send_template' ? [{ seq: i + 1, template: (s as ReturnType<typeof send>).template.name }] : []));

/**
 * When a kill comes: inside the engine's transaction, just after a commit that moved the runs, while
 * the outbox has sends in flight (intent rows committed, not all requests answered), or after a
 * seeded random delay.
 */
type Moment = 'inside' | 'boundary' | 'outbox' | 'random';

/** What a kill caught, read while the process was frozen (SIGSTOP). */
interface KillSnapshot {
  worker: number;
  incarnation: number;
  moment: Moment;
  /** When it was frozen (epoch ms), and how long after the incarnation was ready. */
  at: number;
  afterReadyMs: number;
  /** Runs by committed position, `seq:state` (PGlite, from the API: `?:state`, and `rows` = step-log rows). */
  positions: Record<string, number>;
  /** PostgreSQL: whether the frozen process held the claimed runs' locks (the engine's transaction was open), and its last statement there. */
  engineTx: boolean | null;
  statement: string | null;
  /** PostgreSQL: automated sends whose intent row is committed and whose answer was not recorded (they may or may not have left). */
  inFlight: number | null;
  completed: number;
}

/** Whether some runs are still to move (active or waiting). */
const moving = (positions: Record<string, number>) => Object.entries(positions).some(([k, n]) => n > 0 && (k.endsWith(':active') || k.endsWith(':waiting')));
/** Runs part-way through at the kill: waiting at a boundary (their earlier steps committed, their later ones not). */
const mid = (s: KillSnapshot) => Object.entries(s.positions).some(([k, n]) => n > 0 && k.endsWith(':waiting'));
const describeKill = (s: KillSnapshot) =>
  `w${s.worker}#${s.incarnation} ${s.moment} +${s.afterReadyMs} ms: ${s.engineTx === null ? '' : s.engineTx ? `inside the engine's transaction (${s.statement}), ` : 'no engine transaction open, '}${s.inFlight ? `${s.inFlight} sends in flight, ` : ''}runs ${JSON.stringify(s.positions)}`;

/** The system under test: the simulator, the API, and the processes that get killed. */
interface Rig {
  api: Api;
  sim: Simulator;
  /** Worker slot `i` (PostgreSQL: `greenlist worker`s; PGlite: the one `greenlist start`). */
  workers: Incarnations[];
  /** Starts worker `i` again; resolves once it works (PostgreSQL: logged ready; PGlite: its API answers, before the worker loops start). */
  start(i: number): Promise<void>;
  /** Resolves at the moment to kill worker `i` (within a bound: it may never come, e.g. once every run completed). */
  awaitMoment(i: number, moment: Moment, automationId: string, rnd: () => number): Promise<void>;
  /** Freezes worker `i`, reads what it was doing, kills it. */
  freezeAndKill(i: number, moment: Moment, automationId: string, readyAt: number): Promise<KillSnapshot>;
  /** Runs `fn` on the database; on PGlite only while no process holds the data directory. */
  withDb<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** True when every run has completed and no automated message is left queued (PGlite: from the API and the simulator). */
  settled(automationId: string, n: number, phones: string[]): Promise<boolean>;
  /** A line for CRASH_TRACE: where the runs and the outbox are. */
  trace(automationId: string): Promise<string>;
  close(): Promise<void>;
}

function simulatorFor(webhookUrl: string): Simulator {
  const never = 1e11;
  return createSimulator({
    seed: SEED,
    phoneNumbers: [{ phoneNumberId: PROC_NUMBER.phoneNumberId, wabaId: PROC_NUMBER.wabaId, accessToken: PROC_NUMBER.accessToken, mps: MPS }],
    appSecret: PROC_NUMBER.appSecret,
    verifyToken: PROC_NUMBER.verifyToken,
    webhookUrl,
    // As in the broadcast crash suites: quick `sent` statuses (they settle interrupted sends), batched, retried quickly.
    timeScale: 0.01,
    knobs: {
      ...QUIET_KNOBS,
      population: { ...QUIET_KNOBS.population, readRate: 0 },
      statusDelays: { sentMs: 300, deliveredMs: never, readMs: never, jitter: 0 },
      chaos: { batchRate: 1, batchMax: 100, batchWindowMs: 2_000 },
      webhooks: { retryBaseMs: 2_000, retryFactor: 2, retryMaxDelayMs: 50_000 },
    },
    templates: TEMPLATES,
  });
}

async function positionsOf(db: Db, automationId: string): Promise<Record<string, number>> {
  const rows = await queryRowsOf<{ k: string; n: number }>(db, sql`select seq || ':' || state as k, count(*)::int as n from automation_runs where automation_id = ${automationId} group by 1 order by 1`);
  return Object.fromEntries(rows.map((r) => [r.k, r.n]));
}

/** Polls `check` every `everyMs` until it holds or `ms` passed. */
async function within(ms: number, check: () => Promise<boolean>, everyMs = 10): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until && !(await check())) await sleep(everyMs);
}

async function postgresRig(workers: number): Promise<Rig> {
  const t: TestApp = await createTestApp();
  const appUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const tenant = await t.tenant('autocrash', 'owner');
  const sim = simulatorFor(`${appUrl}/webhooks/whatsapp`);
  const simUrl = await sim.listen(0);
  const api = apiOf(appUrl, tenant.key);
  await setUpSending(api, { simUrl, mps: 1000, settings: SETTINGS });
  // Each incarnation names its connections, so the frozen one's can be told from the others'.
  const appName = (w: number) => `glcrash_w${w}_${procs[w]!.all.length - 1}`;
  const procs = Array.from(
    { length: workers },
    (_, w) => new Incarnations(['worker'], (n) => ({ DATABASE_URL: `${t.testDb.url!}?application_name=glcrash_w${w}_${n}`, GREENLIST_MASTER_KEY: PROC_MASTER_KEY, GREENLIST_PUBLIC_URL: `http://w${w}-${n}.test` })),
  );
  // The engine's transaction is open while it holds the claimed runs (FOR UPDATE: a RowShareLock on the table).
  const engineTx = async (w: number) =>
    (
      await queryRowsOf<{ statement: string | null }>(
        t.db,
        sql`select a.state || ': ' || regexp_replace(left(a.query, 90), '\\s+', ' ', 'g') as statement
            from pg_stat_activity a join pg_locks l on l.pid = a.pid
            where a.application_name = ${appName(w)} and l.relation = 'automation_runs'::regclass and l.mode = 'RowShareLock' limit 1`,
      )
    )[0];
  const inFlight = async () =>
    (await queryRowsOf<{ id: string }>(t.db, sql`select o.id from outbox o join messages m on m.id = o.message_id where o.status = 'queued' and m.wamid is null and o.dedupe_key like 'auto:%'`)).map((r) => r.id);
  return {
    api,
    sim,
    workers: procs,
    start: async (w) => void (await procs[w]!.start(120_000)),
    async awaitMoment(w, moment, automationId, rnd) {
      if (moment === 'random') return sleep(150 + Math.floor(rnd() * 450));
      if (moment === 'outbox') {
        // Sends of this incarnation in flight (a killed one's stay in flight until their lease ends).
        const stale = new Set(await inFlight());
        return within(15_000, async () => (await inFlight()).some((id) => !stale.has(id)), 5);
      }
      if (moment === 'inside') {
        await within(15_000, async () => (await engineTx(w)) !== undefined);
        return sleep(Math.floor(rnd() * 150));
      }
      const before = JSON.stringify(await positionsOf(t.db, automationId));
      await within(15_000, async () => {
        const now = await positionsOf(t.db, automationId);
        return JSON.stringify(now) !== before || !moving(now);
      });
    },
    async freezeAndKill(w, moment, automationId, readyAt) {
      const p = procs[w]!;
      const incarnation = p.all.length - 1;
      p.current!.child.kill('SIGSTOP');
      const at = Date.now();
      // A statement already at the server finishes (a COMMIT commits); the frozen connections then stay as they are.
      await sleep(30);
      const tx = await engineTx(w);
      const positions = await positionsOf(t.db, automationId);
      const sends = (await inFlight()).length;
      await p.kill();
      return { worker: w, incarnation, moment, at, afterReadyMs: at - readyAt, positions, engineTx: tx !== undefined, statement: tx?.statement ?? null, inFlight: sends, completed: positions[`${K}:completed`] ?? 0 };
    },
    withDb: (fn) => fn(t.db),
    async trace(automationId) {
      const outbox = await queryRowsOf<{ k: string; n: number }>(
        t.db,
        sql`select o.status || case when o.message_id is null then '' else '+intent' end || case when o.locked_until > now() then '+leased' else '' end as k, count(*)::int as n
            from outbox o where o.dedupe_key like 'auto:%' group by 1 order by 1`,
      );
      const pending = await queryRowsOf<{ n: number }>(t.db, sql`select count(*)::int as n from webhook_events where status = 'pending'`);
      return `runs ${JSON.stringify(await positionsOf(t.db, automationId))} outbox ${JSON.stringify(Object.fromEntries(outbox.map((r) => [r.k, r.n])))} pending webhooks ${pending[0]!.n}`;
    },
    async settled(automationId, n) {
      const [r] = await queryRowsOf<{ done: number; queued: number }>(
        t.db,
        sql`select (select count(*)::int from automation_runs where automation_id = ${automationId} and state = 'completed') as done,
                   (select count(*)::int from outbox where status = 'queued' and dedupe_key like 'auto:%') as queued`,
      );
      return r!.done === n && r!.queued === 0;
    },
    async close() {
      for (const p of procs) await p.stop();
      await sim.close();
      await t.close();
    },
  };
}

async function pgliteRig(): Promise<Rig> {
  const dir = await mkdtemp(join(tmpdir(), 'greenlist-autocrash-'));
  const port = await freePort();
  const base = { GREENLIST_DATA_DIR: dir, GREENLIST_PORT: String(port), GREENLIST_SANDBOX: 'off', GREENLIST_RATE_LIMIT_PER_KEY: '1000000', GREENLIST_RATE_LIMIT_PER_IP: '1000000' };
  const created = await runGreenlist(['apikey', 'create', '--name', 'autocrash', '--role', 'owner'], base);
  expect(created.code, created.stderr).toBe(0);
  const key = lastLine(created.stdout);
  // Same port every time: the simulator keeps calling the webhook URL it was given.
  const proc = new Incarnations(['start'], (n) => ({ ...base, GREENLIST_PUBLIC_URL: `http://incarnation-${n}.test` }));
  const appUrl = await proc.start(120_000);
  const sim = simulatorFor(`http://127.0.0.1:${port}/webhooks/whatsapp`);
  const simUrl = await sim.listen(0);
  const api = apiOf(appUrl, key);
  await setUpSending(api, { simUrl, mps: 80, settings: SETTINGS });
  // The process is the database: what it has committed is read through the API (runs by state, step-log rows).
  const progress = async (automationId: string): Promise<Record<string, number> | undefined> => {
    const got = await api('GET', `/api/v1/automations/${automationId}`).catch(() => undefined);
    if (got?.status !== 200) return undefined;
    const counts = got.body.counts as Record<string, number>;
    const stepCounts = got.body.step_counts as Record<string, Record<string, number>>;
    const rows = Object.values(stepCounts).reduce((sum, c) => sum + (c.sent ?? 0) + (c.waited ?? 0) + (c.done ?? 0), 0);
    return { ...Object.fromEntries(Object.entries(counts).filter(([k, v]) => k !== 'enrolled' && v > 0).map(([k, v]) => [`?:${k}`, v])), rows };
  };
  // What the last boundary kill saw, and the latest answer.
  let last: Record<string, number> = {};
  let seen: Record<string, number> = {};
  return {
    api,
    sim,
    workers: [proc],
    async start() {
      // The API listens before the worker loops start (and ~1–3 s before "ready"): kills can land in the first transactions.
      const ready = proc.start(120_000).catch(() => undefined);
      await Promise.race([ready, within(120_000, async () => (await fetch(`${appUrl}/healthz`).catch(() => undefined))?.ok === true, 20)]);
    },
    async awaitMoment(_w, moment, automationId, rnd) {
      if (moment === 'outbox') {
        // Just after the simulator accepted a message: the rest of that outbox batch (intent rows
        // written together, requests paced at 80/s) has not left yet.
        const count = () => sim.sent().filter((m) => m.template?.name.startsWith('auto_crash_')).length;
        const before = count();
        return within(20_000, async () => count() > before, 2);
      }
      if (moment !== 'boundary') return sleep(150 + Math.floor(rnd() * 450));
      // The API waits for PGlite's one connection, so it answers between the engine's transactions:
      // the first answer that differs from what the last kill saw (and shows committed steps) comes just after a commit.
      const before = JSON.stringify(last);
      await within(20_000, async () => {
        const now = await progress(automationId);
        if (now) seen = now;
        // Not before the first commit of this incarnation's work (rows > 0): the set-based engine moves
        // 150 runs through all 7 steps in about a second, so a kill before any commit finds nobody part-way.
        return now !== undefined && ((JSON.stringify(now) !== before && (now.rows ?? 0) > 0) || !moving(now));
      }, 20);
    },
    async freezeAndKill(_w, moment, _automationId, readyAt) {
      // Killed at once: asking the API first would wait for the connection (the engine or the outbox would move on meanwhile).
      const at = Date.now();
      await proc.kill();
      if (moment === 'boundary') last = seen;
      const positions = moment === 'boundary' ? last : {};
      return { worker: 0, incarnation: proc.all.length - 1, moment, at, afterReadyMs: at - readyAt, positions, engineTx: null, statement: null, inFlight: null, completed: positions['?:completed'] ?? 0 };
    },
    async withDb(fn) {
      expect(proc.current, 'the data directory is free').toBeUndefined();
      const lock = await acquireDataDirLock(dir);
      const database = await openDatabase({ kind: 'pglite', dataDir: dir });
      try {
        return await fn(database.db);
      } finally {
        await database.close();
        await lock.release();
      }
    },
    trace: async (automationId) => `runs ${JSON.stringify(await progress(automationId))}`,
    async settled(automationId, n, phones) {
      if ((await progress(automationId))?.['?:completed'] !== n) return false;
      const mine = new Set(phones.map((p) => p.slice(1)));
      return sim.sent().filter((m) => mine.has(m.waId) && m.template?.name.startsWith('auto_crash_')).length >= n * SEND_SEQS.length;
    },
    async close() {
      await proc.stop();
      await sim.close();
      // CRASH_KEEP=1 keeps the data directory for a post-mortem.
      if (process.env.CRASH_KEEP) console.log(`data directory kept: ${dir}`);
      else await rm(dir, { recursive: true, force: true });
    },
  };
}

let rig: Rig;
beforeAll(async () => {
  rig = onPostgres ? await postgresRig(2) : await pgliteRig();
}, 180_000);
afterAll(async () => {
  // CRASH_LOG=<file> keeps every incarnation's log for a post-mortem.
  if (process.env.CRASH_LOG && rig) await writeFile(process.env.CRASH_LOG, rig.workers.map((w) => w.output()).join('\n'));
  await rig?.close();
});

/** `n` contacts with consent to `offers`, and a published automation of STEPS they are enrolled in (by phone). */
async function enrolled(tag: string, n: number, from: number): Promise<{ id: string; phones: string[] }> {
  const phones = Array.from({ length: n }, (_, i) => phoneOf(from + i));
  await importContacts(rig.api, phones, tag);
  const created = expectStatus(await rig.api('POST', '/api/v1/automations', { name: `crash ${tag}`, definition: { trigger: { type: 'api' }, topic: 'offers', steps: STEPS } }), 201);
  const id = created.body.id as string;
  expectStatus(await rig.api('POST', `/api/v1/automations/${id}/publish`), 200);
  const res = expectStatus(await rig.api('POST', `/api/v1/automations/${id}/enrollments`, { phones }), 200);
  expect(res.body.enrolled).toBe(n);
  return { id, phones };
}

/**
 * Worker slot `w`: started (unless running), killed at `moments(i)` for its i-th kill, restarted,
 * until a kill finds every run completed, another slot did, or `maxKills` is reached.
 */
async function killLoop(w: number, automationId: string, n: number, moments: (i: number) => Moment, rnd: () => number, maxKills: number, stop: { done: boolean }): Promise<KillSnapshot[]> {
  const proc = rig.workers[w]!;
  const kills: KillSnapshot[] = [];
  while (!stop.done && kills.length < maxKills) {
    if (!proc.current) await rig.start(w);
    const readyAt = Date.now();
    const moment = moments(kills.length);
    await rig.awaitMoment(w, moment, automationId, rnd);
    const snap = await rig.freezeAndKill(w, moment, automationId, readyAt);
    kills.push(snap);
    if (snap.completed === n) stop.done = true;
    await sleep(Math.floor(rnd() * 200));
  }
  return kills;
}

/** Waits until every run completed and the outbox drained, or SETTLE_MS passed; CRASH_TRACE=1 prints the progress every second. */
async function settle(automationId: string, phones: string[]): Promise<void> {
  const until = Date.now() + SETTLE_MS;
  let next = 0;
  while (Date.now() < until && !(await rig.settled(automationId, phones.length, phones))) {
    if (process.env.CRASH_TRACE && Date.now() >= next) {
      next = Date.now() + 1_000;
      const sent = rig.sim.sent().filter((m) => m.template?.name.startsWith('auto_crash_')).length;
      console.log(`${new Date().toISOString()} sim=${sent} ${await rig.trace(automationId)}`);
    }
    await sleep(100);
  }
}

/**
 * After the last kill, with no process alive: the leases the killed processes held (outbox claims,
 * webhook batches) end now instead of a minute later, as if the processes had stayed dead that long
 * (waiting it out would double the test's time). What follows is the product's own recovery: a claim
 * without an intent row is sent; one with an intent row waits for its status webhook, and without
 * one is sent once more after the uncertain window.
 */
async function expireDeadLeases(): Promise<number> {
  return rig.withDb(async (db) => {
    const rows = await queryRowsOf<{ n: number }>(
      db,
      sql`with o as (update outbox set locked_until = now() - interval '1 second' where status = 'queued' and locked_until > now() returning 1),
               w as (update webhook_events set locked_until = now() - interval '1 second' where status = 'pending' and locked_until > now() returning 1)
          select (select count(*) from o)::int + (select count(*) from w)::int as n`,
    );
    return rows[0]!.n;
  });
}

/** Everything the issue asks, checked in the database and at the simulator; returns a summary. */
async function checkExactlyOnce(automationId: string, phones: string[], kills: KillSnapshot[]): Promise<string> {
  const n = phones.length;
  const context = report(kills);
  const { runs, steps, outbox } = await rig.withDb(async (db) => ({
    runs: await positionsOf(db, automationId),
    steps: await queryRowsOf<{ run_id: number; seqs: number[]; step_ids: string[]; outcomes: string[]; keys: (string | null)[] }>(
      db,
      sql`select run_id::int as run_id, array_agg(seq order by seq) as seqs, array_agg(step_id order by seq) as step_ids, array_agg(outcome order by seq) as outcomes, array_agg(outbox_key order by seq) as keys
          from automation_step_runs where automation_id = ${automationId} group by run_id`,
    ),
    outbox: await queryRowsOf<{ dedupe_key: string; status: string; attempts: number; last_error: string | null; resent: boolean; message_id: string | null; wamid: string | null; wa_id: string; template: string }>(
      db,
      sql`select o.dedupe_key, o.status, o.attempts, o.last_error, o.message ? 'resent_at' as resent, o.message_id, m.wamid, o.message->>'wa_id' as wa_id, o.message->'template'->>'name' as template
          from outbox o left join messages m on m.id = o.message_id
          where o.dedupe_key in (select outbox_key from automation_step_runs where automation_id = ${automationId})`,
    ),
  }));
  // Every run completed, with exactly one log row per step: seq 1..K, the steps in order, each with its outcome.
  expect(runs, context).toEqual({ [`${K}:completed`]: n });
  expect(steps).toHaveLength(n);
  const wrong = steps.filter((s) => s.seqs.join() !== STEPS.map((_, i) => i + 1).join() || s.step_ids.join() !== STEPS.map((x) => x.id).join() || s.outcomes.join() !== OUTCOMES.join());
  expect(wrong.slice(0, 5), context).toEqual([]);
  // Exactly one outbox row per send step, keyed auto:<run>:<seq>: the one the step's log row names.
  const expectedKeys = steps.flatMap((s) => SEND_SEQS.map(({ seq }) => `auto:${s.run_id}:${seq}`)).sort();
  expect(steps.flatMap((s) => s.keys.filter((k): k is string => k !== null)).sort()).toEqual(expectedKeys);
  expect(outbox.map((o) => o.dedupe_key).sort()).toEqual(expectedKeys);
  // At the simulator: exactly one message of each step's template per person, none missing.
  const mine = new Set(phones.map((p) => p.slice(1)));
  const got = new Map<string, number>();
  for (const m of rig.sim.sent()) if (mine.has(m.waId) && m.template?.name.startsWith('auto_crash_')) got.set(`${m.waId}:${m.template.name}`, (got.get(`${m.waId}:${m.template.name}`) ?? 0) + 1);
  const want = [...mine].flatMap((w) => SEND_SEQS.map((s) => `${w}:${s.template}`));
  const duplicated = want.filter((k) => (got.get(k) ?? 0) > 1);
  const missing = want.filter((k) => !got.has(k));
  const explain = (list: string[]) =>
    list
      .slice(0, 8)
      .map((k) => `${k}: ${JSON.stringify(outbox.find((o) => `${o.wa_id}:${o.template}` === k))}`)
      .join('\n');
  expect(duplicated, `duplicated:\n${explain(duplicated)}\n${context}`).toEqual([]);
  expect(missing, `${missing.length} missing:\n${explain(missing)}\n${context}`).toEqual([]);
  expect(got.size).toBe(n * SEND_SEQS.length);
  const resent = outbox.filter((o) => o.resent).length;
  return `${n} runs × ${K} steps, ${n * SEND_SEQS.length} messages, ${kills.length} kills (${kills.filter((k) => k.engineTx).length} inside the engine's transaction, ${kills.filter(mid).length} with runs part-way), ${resent} interrupted sends sent again after the window`;
}

describe(`automation runs survive SIGKILL of the process running them (${ENGINE})`, () => {
  it(`one ${onPostgres ? 'worker' : 'process'} killed inside the engine's transactions, at the step boundaries and with sends in flight, over ${PLAN.one} runs of ${K} steps: every run completes with one log row per step, one outbox row and one message per send step`, { timeout: 240_000 }, async () => {
    const rnd = seededRandom(`${SEED}:one`);
    const t0 = Date.now();
    const { id, phones } = await enrolled('one', PLAN.one, 0);
    const t1 = Date.now();
    const kills = await killLoop(0, id, PLAN.one, (i) => ONE_KILLS[i]!, rnd, ONE_KILLS.length, { done: false });
    const t2 = Date.now();
    const released = await expireDeadLeases();
    await rig.workers[0]!.start(120_000);
    // Then checked whatever the outcome: a message that never comes is reported with its outbox row.
    await settle(id, phones);
    const t3 = Date.now();
    // PGlite: the test reads the data directory, so the process goes first (killed: a clean stop waits
    // ~70 s for keep-alive connections to close; what the checks read was committed before it settled).
    if (!onPostgres) await rig.workers[0]!.kill();
    const summary = await checkExactlyOnce(id, phones, kills);
    console.log([`[${ENGINE}] ${onPostgres ? 'one worker' : 'one process'}, seed=${SEED}: ${summary}; set-up ${t1 - t0} ms, kills ${t2 - t1} ms, settled ${t3 - t2} ms after the last (${released} dead leases ended)`, ...kills.map(describeKill)].join('\n'));
    // The kills landed mid-flight: with runs part-way through, and (PostgreSQL, where it can be seen) inside the engine's transaction.
    expect(kills.filter(mid).length, report(kills)).toBeGreaterThan(0);
    if (onPostgres) expect(kills.filter((k) => k.engineTx).length, report(kills)).toBeGreaterThan(0);
    if (onPostgres) expect(kills.filter((k) => k.inFlight).length, report(kills)).toBeGreaterThan(0);
  });

  it.skipIf(!onPostgres)(`two workers at once, killed in turn at commits, inside the engine's transaction and with sends in flight, over ${PLAN.two} runs: no step runs twice, no message goes twice or goes missing`, { timeout: 240_000 }, async () => {
    const t0 = Date.now();
    const { id, phones } = await enrolled('two', PLAN.two, 10_000);
    const stop = { done: false };
    const loops = [0, 1].map((w) => killLoop(w, id, PLAN.two, (i) => TWO_KILLS[w]![i]!, seededRandom(`${SEED}:two:${w}`), TWO_KILLS[w]!.length, stop));
    const kills = (await Promise.all(loops)).flat().sort((a, b) => a.at - b.at);
    for (const w of rig.workers) await w.kill();
    const released = await expireDeadLeases();
    await Promise.all(rig.workers.map((w) => w.start(120_000)));
    await settle(id, phones);
    const summary = await checkExactlyOnce(id, phones, kills);
    console.log([`[${ENGINE}] two workers, seed=${SEED}: ${summary}; ${Date.now() - t0} ms (${released} dead leases ended)`, ...kills.map(describeKill)].join('\n'));
    expect(kills.filter(mid).length, report(kills)).toBeGreaterThan(0);
  });
});

function report(kills: KillSnapshot[]): string {
  return [`seed ${SEED}`, ...kills.map(describeKill)].join('\n');
}
