// Bot answer latency (issue 15 target): "from a keyword or button reply received to the bot's answer
// accepted by the simulator: p99 ≤ 1 s under 300 webhooks/s of other traffic".
// (The keyword is INFO, not MENU: MENU opens the preference centre, which answers with its own list.)
// A running `greenlist start` (API and worker in one process, as shipped; on PostgreSQL also
// `greenlist api` + `greenlist worker`, BOT_BENCH_SHAPES=start,split) has a connected number
// whose Cloud API is the simulator (its own process on loopback, so its acceptance times are not
// delayed by this one's load generator; it POSTs the bot's status webhooks back, as Meta does),
// a marketing topic everyone here agreed to, and two published automations:
//   "Menu": keyword INFO → a free-form text (allowed: the person just wrote);
//   "Order": keyword ORDER → a question with reply buttons → wait_for_reply → branch on the button
//            → one of two free-form answers.
// While other traffic runs at BOT_BENCH_LOAD signed webhooks/s (status webhooks as `blast` sends;
// BOT_BENCH_LOAD_INBOUND=0.3 makes that share ordinary inbound texts from other people), distinct
// people send INFO (paced BOT_BENCH_RATE/s), then ORDER, then tap a button of the question they got.
// Measured per message: wall time from the POST of the signed inbound webhook to the simulator
// accepting the bot's answer to that person (`accepted_at`); next to it, in the same run, the raw
// floors: that webhook's own POST → 200, and a send POSTed straight to the simulator. Afterwards
// every person's sends are counted (exactly one answer per keyword, one per tap) and, from the
// product's own timestamps, each answer's time is split into stages (webhook processing, trigger
// scan + engine, outbox pick-up, send) to show where it goes.
// PGlite always; PostgreSQL when reachable (DATABASE_URL, else 127.0.0.1:5432); BENCH_ENGINES picks.
// Run: node --import tsx bench/bot-latency.ts
//   BOT_BENCH_KEYWORDS=300 BOT_BENCH_TAPS=200 BOT_BENCH_RATE=20 BOT_BENCH_LOAD=300 BOT_BENCH_LOAD_INBOUND=0
import { PGlite } from '@electric-sql/pglite';
// A namespace import: bench:compare runs this bench against older trees, whose pglite.ts has no EXTENSIONS.
import * as pgliteAdapter from '../src/adapters/db/pglite.js';
import autocannon, { type Result } from 'autocannon';
import pg from 'pg';
import { QUIET_KNOBS, signSha256, toMetaJson as metaJson } from '../src/simulator/index.js';
import { childSimulator, type BenchSimulator } from './broadcast-sim.js';
import { createApiKey, freePort, isMain, ms, printChecks, printLoad, printMachine, printTable, randomMasterKey, spawnGreenlist, stopCleanly, tempDataDir, tempPgDatabase, waitReady, type Check } from './lib.js';
import { benchEngines, postgresUrl } from './seed-contacts.js';
import { bodies, NUMBER, SECRET } from './webhooks.js';

type Engine = 'PGlite' | 'PostgreSQL';
/** `start`: API and worker in one process (the default, as shipped). `split`: `greenlist api` + `greenlist worker` (PostgreSQL only). */
type Shape = 'start' | 'split';
interface Setup {
  engine: Engine;
  shape: Shape;
  label: string;
}
const SETUPS: Setup[] = [
  { engine: 'PGlite', shape: 'start', label: 'PGlite, one process' },
  { engine: 'PostgreSQL', shape: 'start', label: 'PostgreSQL, one process' },
  { engine: 'PostgreSQL', shape: 'split', label: 'PostgreSQL, api + worker' },
];
/** BOT_BENCH_SHAPES=start,split (default both; split runs on PostgreSQL only). */
const SHAPES = (process.env.BOT_BENCH_SHAPES ?? 'start,split').split(',');
const KEYWORDS = Number(process.env.BOT_BENCH_KEYWORDS ?? 300);
const TAPS = Number(process.env.BOT_BENCH_TAPS ?? 200);
const PER_S = Number(process.env.BOT_BENCH_RATE ?? 20);
const LOAD_PER_S = Number(process.env.BOT_BENCH_LOAD ?? 300);
const INBOUND_SHARE = Number(process.env.BOT_BENCH_LOAD_INBOUND ?? 0);
/** Keywords from other people before the measured ones (warm JIT, caches, the intake rate meter). */
const WARMUP = 20;
const TARGET_P99_MS = 1_000;
/** How long after the last measured message an answer may still come before it counts as missing. */
const ANSWER_DEADLINE_MS = 30_000;
const TOKEN = 'EAAG-bench-bot-token';
const GRAPH = 'v21.0';

/** People by role: distinct Nigerian mobile ranges, so no one is two of these. */
const GROUPS = { menu: '803', order: '805', warm: '806', direct: '807', other: '808' } as const;
const waIdOf = (group: keyof typeof GROUPS, i: number) => `234${GROUPS[group]}${String(i).padStart(7, '0')}`;

const MENU_TEXT = 'Hi! Reply ORDER to hear about your order.';
const ORDER_DEFINITION = {
  trigger: { type: 'inbound', keywords: ['ORDER'] },
  topic: 'offers',
  steps: [
    { id: 'ask', type: 'send_message', text: 'Your order: what would you like?', buttons: [{ id: 'track', title: 'Track it' }, { id: 'agent', title: 'Talk to us' }] },
    { id: 'wait', type: 'wait_for_reply', timeout: { hours: 1 }, on_timeout: 'done' },
    { id: 'route', type: 'branch', reply: { payload: ['track'] }, then: 'tracked', else: 'agent' },
    { id: 'tracked', type: 'send_message', text: 'It ships today; you will get the tracking link.', next: 'done' },
    { id: 'agent', type: 'send_message', text: 'Someone from the shop will write to you shortly.', next: 'done' },
    { id: 'done', type: 'end' },
  ],
};

async function api(base: string, key: string, path: string, body?: unknown, expect = 201): Promise<{ id: string }> {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (res.status !== expect) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
}

/** Runs `fn` for 0..n-1, `concurrency` at a time. */
async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) await fn(next++);
  }));
}

/** The workspace: the number at the simulator, the topic, everyone opted in, both automations published. */
async function seed(base: string, key: string, simUrl: string): Promise<void> {
  await api(base, key, '/api/v1/phone-numbers', { ...NUMBER, display_number: '+1 555 010 0000', access_token: TOKEN, app_secret: SECRET, verify_token: 'bench-verify', api_base_url: simUrl, throughput_mps: 80, messaging_limit_tier: 'TIER_UNLIMITED' });
  await api(base, key, '/api/v1/topics', { key: 'offers', name: 'Offers', category: 'marketing' });
  const people = [...Array.from({ length: KEYWORDS }, (_, i) => waIdOf('menu', i)), ...Array.from({ length: TAPS }, (_, i) => waIdOf('order', i)), ...Array.from({ length: WARMUP }, (_, i) => waIdOf('warm', i))];
  await pool(people.length, 8, async (i) => {
    const c = await api(base, key, '/api/v1/contacts', { phone: `+${people[i]}` });
    await api(base, key, `/api/v1/contacts/${c.id}/consent`, { topic: 'offers', action: 'grant', source: 'api', evidence: { text: 'News and offers from Acme. Reply STOP to end.', ip: '203.0.113.1' } });
  });
  const menu = await api(base, key, '/api/v1/automations', { name: 'Menu', definition: { trigger: { type: 'inbound', keywords: ['INFO'] }, topic: 'offers', steps: [{ id: 'menu', type: 'send_message', text: MENU_TEXT }] } });
  await api(base, key, `/api/v1/automations/${menu.id}/publish`, undefined, 200);
  const order = await api(base, key, '/api/v1/automations', { name: 'Order', definition: ORDER_DEFINITION });
  await api(base, key, `/api/v1/automations/${order.id}/publish`, undefined, 200);
}

/** A signed Meta-shaped webhook carrying one message from `waId`. */
function inboundBody(waId: string, wamid: string, message: Record<string, unknown>): { body: string; signature: string } {
  const body = metaJson({
    object: 'whatsapp_business_account',
    entry: [{ id: NUMBER.waba_id, changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550100000', phone_number_id: NUMBER.phone_number_id }, contacts: [{ profile: { name: 'Bench' }, wa_id: waId }], messages: [{ from: waId, id: wamid, timestamp: String(Math.floor(Date.now() / 1000)), ...message }] } }] }],
  });
  return { body, signature: signSha256(body, SECRET) };
}

/** One measured message: when its webhook was POSTed (wall ms), how long the 200 took, and the answer's acceptance. */
interface Sample {
  waId: string;
  wamid: string;
  postedAt: number;
  ackMs: number;
  answeredAt?: number;
}

async function postWebhook(base: string, b: { body: string; signature: string }): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${base}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': b.signature }, body: b.body });
  await res.text();
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
  return performance.now() - t0;
}

/** Calls `fn(i)` for i < n at `perS` per second on a fixed schedule (a slow call does not delay the next). */
async function paced<T>(n: number, perS: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const start = performance.now();
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const wait = start + (i * 1000) / perS - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      return fn(i);
    }),
  );
}

async function sendKeyword(base: string, group: 'menu' | 'order' | 'warm', i: number, word: string): Promise<Sample> {
  const waId = waIdOf(group, i);
  const wamid = `wamid.bot-${group}-${i}`;
  const b = inboundBody(waId, wamid, { type: 'text', text: { body: word } });
  const postedAt = Date.now();
  return { waId, wamid, postedAt, ackMs: await postWebhook(base, b) };
}

/** A send POSTed straight to the simulator (the floor of the bot's last hop), in ms. */
async function directSend(simUrl: string, i: number): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${simUrl}/${GRAPH}/${NUMBER.phone_number_id}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to: waIdOf('direct', i), type: 'text', text: { body: MENU_TEXT } }),
  });
  await res.text();
  if (res.status !== 200) throw new Error(`direct send answered ${res.status}`);
  return performance.now() - t0;
}

type SimSend = { wa_id: string; wamid: string; type: string; accepted_at: string };

/** What the simulator accepted from the number, per recipient, in acceptance order. */
async function simSends(sim: BenchSimulator): Promise<Map<string, { wamid: string; type: string; at: number }[]>> {
  const res = await fetch(`${sim.url}/_sim/sent?phone_number_id=${NUMBER.phone_number_id}`);
  const { data } = (await res.json()) as { data: SimSend[] };
  const out = new Map<string, { wamid: string; type: string; at: number }[]>();
  for (const s of data) (out.get(s.wa_id) ?? out.set(s.wa_id, []).get(s.wa_id)!).push({ wamid: s.wamid, type: s.type, at: Date.parse(s.accepted_at) });
  return out;
}

/** Waits until each person has at least `count` sends (or the deadline); returns the sends. */
async function awaitSends(sim: BenchSimulator, waIds: string[], count: number, deadlineMs = ANSWER_DEADLINE_MS): Promise<Map<string, { wamid: string; type: string; at: number }[]>> {
  const until = performance.now() + deadlineMs;
  for (;;) {
    const sends = await simSends(sim);
    if (waIds.every((w) => (sends.get(w)?.length ?? 0) >= count) || performance.now() > until) return sends;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Other traffic at `LOAD_PER_S` over 50 connections until stopped: signed status webhooks (as
 * `blast` sends), and with BOT_BENCH_LOAD_INBOUND a share of ordinary inbound texts from other people.
 */
function otherTraffic(base: string): { stop(): void; result: Promise<Result | undefined> } {
  if (LOAD_PER_S <= 0) return { stop: () => undefined, result: Promise.resolve(undefined) };
  const statuses = bodies(30_000);
  let i = 0;
  let o = 0;
  const opts = {
    url: `${base}/webhooks/whatsapp`,
    connections: 50,
    overallRate: LOAD_PER_S,
    duration: 3_600,
    requests: [
      {
        method: 'POST',
        setupRequest: (req: { headers?: Record<string, string> }) => {
          const n = i++;
          // Every k-th body an inbound text when a share is set (k = 1 / share, spread evenly).
          const inbound = Math.floor((n + 1) * INBOUND_SHARE) > Math.floor(n * INBOUND_SHARE);
          const b = inbound ? inboundBody(waIdOf('other', o % 5_000), `wamid.bot-other-${o++}`, { type: 'text', text: { body: ['hi', 'thanks!', 'ok', 'when do you open?'][o % 4]! } }) : statuses[n % statuses.length]!;
          return { ...req, body: b.body, headers: { ...req.headers, 'content-type': 'application/json', 'x-hub-signature-256': b.signature } };
        },
      },
    ],
  };
  const instance = autocannon(opts);
  return { stop: () => instance.stop(), result: instance };
}

interface Stage {
  processed: number;
  /** The run's enrolment (keywords; undefined for taps, which wake a waiting run). */
  enrolled: number | undefined;
  queued: number;
  picked: number;
}

interface Outcome {
  setup: Setup;
  menu: Sample[];
  order: Sample[];
  taps: Sample[];
  directMs: number[];
  /** Sends per person after everything settled. */
  menuCounts: number[];
  orderCounts: number[];
  /** Product timestamps per inbound wamid. */
  stages: Map<string, Stage>;
  load: Result | undefined;
  problems: string[];
}

/**
 * Product timestamps of each inbound message's answer: processed (the inbound row's creation: the
 * start of its processing transaction), enrolled (the run, for keywords: the trigger scan's pass),
 * queued (the outbox row: the engine's pass), picked (the outbox pass that sent it).
 */
const STAGES_SQL = `select m.wamid, m.created_at as processed, r.enrolled_at as enrolled, o.created_at as queued, o.done_at as picked
  from messages m
  left join automation_runs r on r.contact_id = m.contact_id and r.source->>'message_id' = m.id::text
  join lateral (select o.created_at, o.done_at from outbox o where o.contact_id = m.contact_id and o.kind = 'automation' and o.created_at >= m.created_at order by o.created_at limit 1) o on true
  where m.direction = 'in' and m.wamid like 'wamid.bot-%' and m.wamid not like 'wamid.bot-other-%'`;

type StageRow = { wamid: string; processed: Date | string; enrolled: Date | string | null; queued: Date | string; picked: Date | string | null };

async function runOne(setup: Setup, env: Record<string, string>, query: () => Promise<StageRow[]>): Promise<Outcome> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const sim = await childSimulator({
    seed: 'bot-latency',
    phoneNumbers: [{ phoneNumberId: NUMBER.phone_number_id, wabaId: NUMBER.waba_id, accessToken: TOKEN, mps: 80, messagingLimitTier: 'TIER_UNLIMITED' }],
    appSecret: SECRET,
    verifyToken: 'bench-verify',
    webhookUrl: `${base}/webhooks/whatsapp`,
    // Our inbound webhooks do not pass through the simulator, so it has not seen the window open.
    knobs: { ...QUIET_KNOBS, window: { enforce: false, mode: 'async', lengthMs: 86_400_000 } },
  });
  const procEnv = { ...env, GREENLIST_SANDBOX: 'off', GREENLIST_PORT: String(port), GREENLIST_RATE_LIMIT_PER_KEY: '1000000000', GREENLIST_RATE_LIMIT_PER_IP: '1000000000' };
  const procs = [spawnGreenlist([setup.shape === 'split' ? 'api' : 'start'], procEnv)];
  try {
    await waitReady(procs[0]!, base);
    if (setup.shape === 'split') {
      procs.push(spawnGreenlist(['worker'], { ...procEnv, GREENLIST_LOG_LEVEL: 'info' }));
      await procs[1]!.waitForOutput(/Greenlist worker ready/, 60_000);
    }
    const key = await createApiKey({ ...env });
    await seed(base, key, sim.url);
    const load = otherTraffic(base);
    await new Promise((r) => setTimeout(r, 3_000));
    const warm = await paced(WARMUP, PER_S, (i) => sendKeyword(base, 'warm', i, 'INFO'));
    await awaitSends(sim, warm.map((s) => s.waId), 1);
    // 1. Keywords (and, between them, sends straight to the simulator: the floor of the last hop).
    const [menu, directMs] = await Promise.all([
      paced(KEYWORDS, PER_S, (i) => sendKeyword(base, 'menu', i, ['INFO', 'info', ' Info. '][i % 3]!)),
      paced(KEYWORDS, PER_S, async (i) => (await new Promise((r) => setTimeout(r, 500 / PER_S)), directSend(sim.url, i))),
    ]);
    // 2. ORDER: the bot asks with reply buttons; once every question is in, each person taps one.
    const order = await paced(TAPS, PER_S, (i) => sendKeyword(base, 'order', i, 'ORDER'));
    const asked = await awaitSends(sim, order.map((s) => s.waId), 1);
    const taps = await paced(TAPS, PER_S, async (i): Promise<Sample> => {
      const waId = waIdOf('order', i);
      const question = asked.get(waId)?.[0];
      const wamid = `wamid.bot-tap-${i}`;
      const choice = i % 2 === 0 ? { id: 'track', title: 'Track it' } : { id: 'agent', title: 'Talk to us' };
      const b = inboundBody(waId, wamid, { type: 'interactive', ...(question ? { context: { from: '15550100000', id: question.wamid } } : {}), interactive: { type: 'button_reply', button_reply: choice } });
      const postedAt = Date.now();
      return { waId, wamid, postedAt, ackMs: await postWebhook(base, b) };
    });
    await awaitSends(sim, [...menu.map((s) => s.waId)], 1);
    await awaitSends(sim, [...order.map((s) => s.waId)], 2);
    load.stop();
    const loadResult = await load.result;
    // A second answer would come within a few passes: wait before counting.
    await new Promise((r) => setTimeout(r, 3_000));
    const sends = await simSends(sim);
    for (const s of menu) s.answeredAt = sends.get(s.waId)?.find((x) => x.at >= s.postedAt)?.at;
    for (const s of order) s.answeredAt = sends.get(s.waId)?.find((x) => x.at >= s.postedAt)?.at;
    for (const s of taps) s.answeredAt = sends.get(s.waId)?.find((x) => x.at >= s.postedAt)?.at;
    printLoad(`${setup.label}, at the end of the measurement (includes the bench's own load)`);
    for (const p of [...procs].reverse()) await stopCleanly(p);
    // Warnings and errors, less the embedded database's first-start notice about its new master key.
    const problems = procs.flatMap((p) => p.output().split('\n').filter((l) => /"level":(40|50|60)/.test(l) && !l.includes('generated a master key')));
    const at = (d: Date | string | null) => (d === null ? NaN : new Date(d).getTime());
    const stages = new Map((await query()).map((r) => [r.wamid, { processed: at(r.processed), enrolled: r.enrolled === null ? undefined : at(r.enrolled), queued: at(r.queued), picked: at(r.picked) }]));
    return {
      setup,
      menu,
      order,
      taps,
      directMs,
      menuCounts: menu.map((s) => sends.get(s.waId)?.length ?? 0),
      orderCounts: order.map((s) => sends.get(s.waId)?.length ?? 0),
      stages,
      load: loadResult,
      problems,
    };
  } finally {
    for (const p of procs) await p.stop('SIGKILL');
    await sim.close();
  }
}

const pct = (sorted: number[], p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);
const sorted = (xs: number[]) => xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
const fmt = (n: number) => (Number.isFinite(n) ? ms(n) : '-');

function latencyRow(engine: string, what: string, xs: number[], of: number): string[] {
  const s = sorted(xs);
  return [engine, what, `${s.length} / ${of}`, fmt(pct(s, 50)), fmt(pct(s, 95)), fmt(pct(s, 99)), fmt(s[s.length - 1] ?? NaN)];
}

const answerMs = (xs: Sample[]) => xs.map((s) => (s.answeredAt === undefined ? NaN : s.answeredAt - s.postedAt));

/** Runs the bot latency benchmark on each engine; returns its checks. */
export async function runBotLatencyBench(opts: { printMachine?: boolean } = {}): Promise<Check[]> {
  if (opts.printMachine !== false) printMachine();
  const mix = INBOUND_SHARE > 0 ? `${Math.round((1 - INBOUND_SHARE) * 100)} % status webhooks, ${Math.round(INBOUND_SHARE * 100)} % inbound texts from 5,000 other people` : 'status webhooks';
  console.log(`\nBot answer latency: ${KEYWORDS} INFO keywords, then ${TAPS} ORDER keywords and ${TAPS} button taps, ${PER_S}/s from distinct people, amid ${LOAD_PER_S}/s other webhooks (${mix})`);
  const pgUrl = await postgresUrl();
  const engines = benchEngines(pgUrl);
  const outcomes: Outcome[] = [];
  for (const setup of SETUPS.filter((x) => engines.includes(x.engine) && SHAPES.includes(x.shape))) {
    if (setup.engine === 'PGlite') {
      const data = await tempDataDir('bot');
      try {
        outcomes.push(
          await runOne(setup, { GREENLIST_DATA_DIR: data.dir }, async () => {
            const d = await PGlite.create(`${data.dir}/pgdata`, { extensions: (pgliteAdapter as Partial<typeof pgliteAdapter>).EXTENSIONS ?? {} });
            try {
              return (await d.query<StageRow>(STAGES_SQL)).rows;
            } finally {
              await d.close();
            }
          }),
        );
      } finally {
        await data.cleanup();
      }
    } else {
      const tmp = await tempPgDatabase(pgUrl!);
      try {
        outcomes.push(
          await runOne(setup, { DATABASE_URL: tmp.url, GREENLIST_MASTER_KEY: randomMasterKey() }, async () => {
            const c = new pg.Client({ connectionString: tmp.url });
            await c.connect();
            try {
              return (await c.query<StageRow>(STAGES_SQL)).rows;
            } finally {
              await c.end();
            }
          }),
        );
      } finally {
        await tmp.drop();
      }
    }
  }

  console.log('\nFrom the webhook POST to the answer accepted by the simulator (answered / sent), with the raw floors measured in the same run');
  printTable(
    ['setup', 'measured', 'answered', 'p50', 'p95', 'p99', 'max'],
    outcomes.flatMap((o) => [
      latencyRow(o.setup.label, 'keyword INFO → text answer', answerMs(o.menu), o.menu.length),
      latencyRow(o.setup.label, 'keyword ORDER → question with buttons', answerMs(o.order), o.order.length),
      latencyRow(o.setup.label, 'button tap → next answer', answerMs(o.taps), o.taps.length),
      latencyRow(o.setup.label, 'raw: keyword webhook POST → 200', [...o.menu, ...o.order, ...o.taps].map((s) => s.ackMs), o.menu.length + o.order.length + o.taps.length),
      latencyRow(o.setup.label, 'raw: send POSTed to the simulator → 200', o.directMs, o.directMs.length),
      ...(o.load ? [[o.setup.label, `other traffic: ${Math.round(o.load.requests.average)}/s, ${o.load['2xx']} × 2xx, ${o.load.non2xx + o.load.errors + o.load.timeouts} not`, '-', fmt(o.load.latency.p50), '-', fmt(o.load.latency.p99), fmt(o.load.latency.max)]] : []),
    ]),
  );

  console.log(
    "\nWhere the time goes (p50 / p99 of each stage, from the product's timestamps: processed = the start of the transaction that stored the inbound message, enrolled = the trigger scan's pass, queued = the engine's pass that put the answer in the outbox, picked = the outbox pass that sent it)",
  );
  printTable(
    ['setup', 'measured', 'POST → processed', 'processed → queued', 'of which → enrolled', 'queued → picked', 'picked → accepted'],
    outcomes.flatMap((o) =>
      (
        [
          ['keyword INFO', o.menu],
          ['keyword ORDER', o.order],
          ['button tap', o.taps],
        ] as const
      ).map(([what, xs]) => {
        const st = xs.map((s) => ({ s, t: o.stages.get(s.wamid) })).filter((x) => x.t && x.s.answeredAt !== undefined);
        const cell = (f: (x: { s: Sample; t: Stage }) => number) => {
          const v = sorted(st.map((x) => f(x as { s: Sample; t: Stage })));
          return `${fmt(pct(v, 50))} / ${fmt(pct(v, 99))}`;
        };
        return [o.setup.label, what, cell((x) => x.t.processed - x.s.postedAt), cell((x) => x.t.queued - x.t.processed), what === 'button tap' ? '-' : cell((x) => (x.t.enrolled ?? NaN) - x.t.processed), cell((x) => x.t.picked - x.t.queued), cell((x) => x.s.answeredAt! - x.t.picked)];
      }),
    ),
  );
  console.log(`\nHow often each loop came round for the ${KEYWORDS} INFO keywords (${PER_S}/s): distinct passes that handled them, and the median / max gap between consecutive ones (a pass shows as its timestamp)`);
  printTable(
    ['setup', 'webhook processing', 'trigger scan (keywords)', 'engine', 'outbox'],
    outcomes.map((o) => {
      const all = o.menu.flatMap((m) => o.stages.get(m.wamid) ?? []);
      const cadence = (xs: (number | undefined)[]) => {
        const d = [...new Set(xs.filter((x): x is number => x !== undefined && Number.isFinite(x)))].sort((a, b) => a - b);
        const gaps = d.slice(1).map((x, i) => x - d[i]!).sort((a, b) => a - b);
        return `${d.length} passes, ${fmt(pct(gaps, 50))} / ${fmt(gaps[gaps.length - 1] ?? NaN)}`;
      };
      return [o.setup.label, cadence(all.map((t) => t.processed)), cadence(all.map((t) => t.enrolled)), cadence(all.map((t) => t.queued)), cadence(all.map((t) => t.picked))];
    }),
  );
  for (const o of outcomes) if (o.problems.length > 0) console.log(`\n${o.setup.label}: ${o.problems.length} warnings/errors logged by Greenlist, first: ${o.problems[0]!.slice(0, 400)}`);

  const checks: Check[] = [];
  for (const o of outcomes) {
    const kw = pct(sorted(answerMs(o.menu)), 99);
    const tap = pct(sorted(answerMs(o.taps)), 99);
    const exactMenu = o.menuCounts.filter((n) => n === 1).length;
    const exactOrder = o.orderCounts.filter((n) => n === 2).length;
    checks.push({ name: `${o.setup.label}: keyword → answer accepted p99 (${LOAD_PER_S}/s other webhooks)`, value: fmt(kw), target: `≤ ${TARGET_P99_MS} ms`, met: kw <= TARGET_P99_MS });
    checks.push({ name: `${o.setup.label}: button tap → answer accepted p99 (${LOAD_PER_S}/s other webhooks)`, value: fmt(tap), target: `≤ ${TARGET_P99_MS} ms`, met: tap <= TARGET_P99_MS });
    checks.push({ name: `${o.setup.label}: keyword webhook POST → 200 p99 (raw floor)`, value: fmt(pct(sorted(o.menu.map((s) => s.ackMs)), 99)), better: 'lower' });
    checks.push({ name: `${o.setup.label}: every INFO answered exactly once`, value: `${exactMenu} / ${o.menu.length}`, target: 'all', met: exactMenu === o.menu.length });
    checks.push({ name: `${o.setup.label}: every ORDER asked once and every tap answered once`, value: `${exactOrder} / ${o.order.length}`, target: 'all', met: exactOrder === o.order.length });
  }
  printChecks('Bot answer latency', checks);
  return checks;
}

if (isMain(import.meta.url)) await runBotLatencyBench();
