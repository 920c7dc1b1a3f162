// Live inbox benchmark (issue 16 targets): "inbound message visible in an open browser (webhook
// received → SSE event): p99 ≤ 500 ms at 300 webhooks/s" and "1,000 open SSE connections on one API
// process: ≤ 150 MB more memory, and events still delivered p99 ≤ 1 s".
// A running Greenlist (`greenlist start`, API and worker in one process as shipped; on PostgreSQL also
// `greenlist api` + `greenlist worker`, INBOX_BENCH_SHAPES=start,split) with a connected number. Other
// traffic: autocannon POSTs signed webhooks at INBOX_BENCH_LOAD/s (300) over 50 connections the whole
// time — status webhooks (as `blast` sends), a share INBOX_BENCH_LOAD_INBOUND (0.1) of them inbound texts
// from 5,000 other people (they open and bump conversations, so the live stream carries their events too).
// 1. One SSE client (Node fetch stream on GET /api/v1/conversations/events). 200 measured people, each
//    with a conversation already, send one text each, paced 10/s: per message, wall time from the POST
//    of its signed webhook to the first SSE event naming its conversation.
// 2. 1,000 SSE clients on the (API) process: its RSS before and after they connect (/proc), then 100
//    measured texts at 5/s, each timed at every one of the 1,000 clients.
// Raw floors in the same run: the measured webhooks' POST → 200, and a bare NOTIFY → LISTEN round trip
// (PostgreSQL: two connections to the same database, under the same load; PGlite: an in-memory PGlite
// in the bench process, as the running one's data directory is locked). The stage split uses the
// product's own timestamp: processed = the start of the transaction that stored the inbound message.
// Run: node --import tsx bench/inbox-live.ts   (BENCH_ENGINES=postgres|pglite; INBOX_BENCH_CLIENTS=1000)
import { readFileSync, writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import autocannon, { type Result } from 'autocannon';
import pg from 'pg';
// A namespace import: bench:compare runs this bench against older trees, whose pglite.ts has no EXTENSIONS.
import * as pgliteAdapter from '../src/adapters/db/pglite.js';
import { signSha256, toMetaJson as metaJson } from '../src/simulator/index.js';
import { createApiKey, freePort, isMain, ms, printChecks, printLoad, printMachine, printTable, randomMasterKey, spawnGreenlist, stopCleanly, tempDataDir, tempPgDatabase, waitReady, type Check, type GreenlistProcess } from './lib.js';
import { benchEngines, postgresUrl } from './seed-contacts.js';
import { bodies, connectNumber, NUMBER, SECRET } from './webhooks.js';

type Engine = 'PGlite' | 'PostgreSQL';
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
const SHAPES = (process.env.INBOX_BENCH_SHAPES ?? 'start,split').split(',');
const LOAD_PER_S = Number(process.env.INBOX_BENCH_LOAD ?? 300);
const INBOUND_SHARE = Number(process.env.INBOX_BENCH_LOAD_INBOUND ?? 0.1);
const MEASURED = Number(process.env.INBOX_BENCH_MESSAGES ?? 200);
const PER_S = 10;
const CLIENTS = Number(process.env.INBOX_BENCH_CLIENTS ?? 1_000);
const FANOUT_MESSAGES = 100;
const FANOUT_PER_S = 5;
const TARGET_P99_MS = 500;
const FANOUT_TARGET_P99_MS = 1_000;
const MEMORY_TARGET_MB = 150;
/** How long after the last measured message an event may still come before it counts as missing. */
const DEADLINE_MS = 20_000;

/** People by role: distinct Nigerian mobile ranges. */
const waIdOf = (group: 'measured' | 'other', i: number) => `234${group === 'measured' ? '809' : '808'}${String(i).padStart(7, '0')}`;

/** A signed Meta-shaped webhook carrying one text from `waId`. */
function inboundBody(waId: string, wamid: string, text: string): { body: string; signature: string } {
  const body = metaJson({
    object: 'whatsapp_business_account',
    entry: [{ id: NUMBER.waba_id, changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550100000', phone_number_id: NUMBER.phone_number_id }, contacts: [{ profile: { name: 'Bench' }, wa_id: waId }], messages: [{ from: waId, id: wamid, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }] } }] }],
  });
  return { body, signature: signSha256(body, SECRET) };
}

async function postWebhook(base: string, b: { body: string; signature: string }): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${base}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': b.signature }, body: b.body });
  await res.text();
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
  return performance.now() - t0;
}

/** Calls `fn(i)` for i < n at `perS` per second on a fixed schedule. */
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

/** Signed webhooks at LOAD_PER_S until stopped: status bodies, and a share of inbound texts from 5,000 other people. */
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
          const inbound = Math.floor((n + 1) * INBOUND_SHARE) > Math.floor(n * INBOUND_SHARE);
          const b = inbound ? inboundBody(waIdOf('other', o % 5_000), `wamid.live-other-${o++}`, ['hi', 'thanks!', 'ok', 'when do you open?'][o % 4]!) : statuses[n % statuses.length]!;
          return { ...req, body: b.body, headers: { ...req.headers, 'content-type': 'application/json', 'x-hub-signature-256': b.signature } };
        },
      },
    ],
  };
  const instance = autocannon(opts);
  return { stop: () => instance.stop(), result: instance };
}

/** An SSE client: calls `onEvent` with each `conversations` event's ids (null: reload) and its arrival time. */
async function openStream(base: string, key: string, signal: AbortSignal, onEvent: (ids: string[] | null, at: number) => void): Promise<void> {
  const res = await fetch(`${base}/api/v1/conversations/events`, { headers: { authorization: `Bearer ${key}` }, signal });
  if (res.status !== 200 || !res.body) throw new Error(`events answered ${res.status}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  let ready = () => undefined as void;
  const subscribed = new Promise<void>((r) => (ready = r));
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      const at = Date.now();
      buf += decoder.decode(value, { stream: true });
      for (let cut = buf.indexOf('\n\n'); cut >= 0; cut = buf.indexOf('\n\n')) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        if (block.startsWith('retry:')) ready();
        const data = /^data: (.*)$/m.exec(block);
        if (data && /^event: conversations$/m.test(block)) onEvent((JSON.parse(data[1]!) as { ids: string[] | null }).ids, at);
      }
    }
  })().catch(() => undefined);
  await subscribed;
}

/** Resident memory of a process (MB), from /proc. */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Conversation id per measured person's phone, through the API (each already wrote once). */
async function conversationsOf(base: string, key: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor: string | undefined;
  do {
    const res = await fetch(`${base}/api/v1/conversations?limit=200&q=%2B234809${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${key}` } });
    const page = (await res.json()) as { data: { id: string; contact: { phone: string | null } }[]; next_cursor: string | null };
    for (const c of page.data) if (c.contact.phone) out.set(c.contact.phone.slice(1), c.id);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return out;
}

interface Sample {
  wamid: string;
  conversationId: string;
  postedAt: number;
  ackMs: number;
}

/**
 * Latency of each sample at each client: the first event naming its conversation after its POST, or a
 * "reload" event (ids: null, sent when a sync pass changed over 100 conversations) after the message
 * was stored (`processed`: the start of its transaction, so a reload counts a little early if anything).
 */
function deliveries(samples: Sample[], events: { ids: string[] | null; at: number }[][], processed: Map<string, number>): number[] {
  const out: number[] = [];
  for (const client of events) {
    for (const s of samples) {
      const stored = processed.get(s.wamid) ?? Infinity;
      const e = client.find((x) => x.at >= s.postedAt && (x.ids ? x.ids.includes(s.conversationId) : x.at >= stored));
      out.push(e ? e.at - s.postedAt : NaN);
    }
  }
  return out;
}

/** Waits until every sample has an event at `client` (by conversation id; reloads cannot be told apart here) or the deadline. */
async function awaitEvents(samples: Sample[], client: { ids: string[] | null; at: number }[]): Promise<void> {
  for (const until = Date.now() + DEADLINE_MS; Date.now() < until; await new Promise((r) => setTimeout(r, 250))) {
    if (samples.every((s) => client.some((x) => x.at >= s.postedAt && (x.ids === null || x.ids.includes(s.conversationId))))) return;
  }
}

interface Outcome {
  setup: Setup;
  one: number[];
  fanout: number[];
  samples: Sample[];
  oneSamples: Sample[];
  processed: Map<string, number>;
  notifyMs: number[];
  rssBefore: number;
  rssAfter: number;
  reloads: number;
  load: Result | undefined;
  problems: string[];
}

/** NOTIFY → LISTEN round trips (ms): `n` of them, one at a time, on the given pair of channels' clients. */
async function notifyRoundTrips(listen: (onPayload: (p: string) => void) => Promise<void>, notify: (payload: string) => Promise<void>, n = 100): Promise<number[]> {
  const waiting = new Map<string, () => void>();
  await listen((p) => waiting.get(p)?.());
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const payload = `rt-${i}`;
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      waiting.set(payload, resolve);
      void notify(payload);
    });
    out.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 20));
  }
  return out;
}

/**
 * The raw NOTIFY round trips, set up first: creating a PGlite is seconds of synchronous WASM work that
 * would block this process's event loop, and with it the measured POSTs and streams (it did: a 4–16 s
 * stall in the first version of this bench).
 */
async function prepareRawNotify(setup: Setup, pgUrl: string | undefined): Promise<() => Promise<number[]>> {
  if (setup.engine === 'PGlite') {
    const d = await PGlite.create();
    return async () => {
      try {
        return await notifyRoundTrips(
          async (on) => void (await d.listen('bench_rt', on)),
          async (p) => void (await d.query(`select pg_notify('bench_rt', $1)`, [p])),
        );
      } finally {
        await d.close();
      }
    };
  }
  return () => rawNotifyPg(pgUrl);
}

async function rawNotifyPg(pgUrl: string | undefined): Promise<number[]> {
  const a = new pg.Client({ connectionString: pgUrl });
  const b = new pg.Client({ connectionString: pgUrl });
  await a.connect();
  await b.connect();
  try {
    return await notifyRoundTrips(
      async (on) => {
        a.on('notification', (m) => on(m.payload ?? ''));
        await a.query('listen bench_rt');
      },
      async (p) => void (await b.query(`select pg_notify('bench_rt', $1)`, [p])),
    );
  } finally {
    await a.end();
    await b.end();
  }
}

async function runOne(setup: Setup, env: Record<string, string>, pgUrl: string | undefined, processedAt: () => Promise<{ wamid: string; created_at: Date | string }[]>): Promise<Outcome> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const procEnv = { ...env, GREENLIST_SANDBOX: 'off', GREENLIST_PORT: String(port), GREENLIST_RATE_LIMIT_PER_KEY: '1000000000', GREENLIST_RATE_LIMIT_PER_IP: '1000000000' };
  const procs: GreenlistProcess[] = [spawnGreenlist([setup.shape === 'split' ? 'api' : 'start'], procEnv)];
  const ac = new AbortController();
  try {
    await waitReady(procs[0]!, base);
    if (setup.shape === 'split') {
      procs.push(spawnGreenlist(['worker'], { ...procEnv, GREENLIST_LOG_LEVEL: 'info' }));
      await procs[1]!.waitForOutput(/Greenlist worker ready/, 60_000);
    }
    const key = await createApiKey({ ...env });
    await connectNumber(base, key);
    // Every measured person writes once first, so each has a conversation whose id the clients can look for.
    await paced(MEASURED, 50, (i) => postWebhook(base, inboundBody(waIdOf('measured', i), `wamid.live-first-${i}`, 'hello')));
    let convs = new Map<string, string>();
    for (const until = Date.now() + 60_000; convs.size < MEASURED && Date.now() < until; await new Promise((r) => setTimeout(r, 500))) convs = await conversationsOf(base, key);
    if (convs.size < MEASURED) throw new Error(`only ${convs.size} of ${MEASURED} conversations appeared`);
    const rawNotify = await prepareRawNotify(setup, pgUrl);
    const load = otherTraffic(base);
    await new Promise((r) => setTimeout(r, 3_000));
    const send = (tag: string) => async (i: number): Promise<Sample> => {
      const waId = waIdOf('measured', i % MEASURED);
      const wamid = `wamid.live-${tag}-${i}`;
      const b = inboundBody(waId, wamid, `question ${tag} ${i}`);
      const postedAt = Date.now();
      return { wamid, conversationId: convs.get(waId)!, postedAt, ackMs: await postWebhook(base, b) };
    };
    // 1. One open browser.
    const single: { ids: string[] | null; at: number }[] = [];
    await openStream(base, key, ac.signal, (ids, at) => single.push({ ids, at }));
    const [one, notifyMs] = await Promise.all([paced(MEASURED, PER_S, send('one')), rawNotify()]);
    await awaitEvents(one, single);
    // 2. 1,000 open browsers on the (API) process.
    const apiPid = procs[0]!.child.pid!;
    const rssBefore = rssMb(apiPid);
    const many: { ids: string[] | null; at: number }[][] = Array.from({ length: CLIENTS }, () => []);
    for (let c = 0; c < CLIENTS; c += 50) await Promise.all(many.slice(c, c + 50).map((evs) => openStream(base, key, ac.signal, (ids, at) => evs.push({ ids, at }))));
    await new Promise((r) => setTimeout(r, 3_000));
    const rssAfter = rssMb(apiPid);
    const fan = await paced(FANOUT_MESSAGES, FANOUT_PER_S, send('fan'));
    await awaitEvents(fan, many[many.length - 1]!);
    await new Promise((r) => setTimeout(r, 1_000));
    load.stop();
    const loadResult = await load.result;
    printLoad(`${setup.label}, at the end of the measurement (includes the bench's own load)`);
    ac.abort();
    for (const p of [...procs].reverse()) await stopCleanly(p);
    const problems = procs.flatMap((p) => p.output().split('\n').filter((l) => /"level":(40|50|60)/.test(l) && !l.includes('generated a master key')));
    // INBOX_BENCH_LOG=<file>: keep the processes' logs (with timestamps) to see what ran during a stall.
    if (process.env.INBOX_BENCH_LOG) writeFileSync(`${process.env.INBOX_BENCH_LOG}.${setup.engine}-${setup.shape}`, `phase 1 from ${new Date(one[0]!.postedAt).toISOString()}\n${procs.map((p) => p.output()).join('\n')}`);
    const processed = new Map((await processedAt()).map((r) => [r.wamid, new Date(r.created_at).getTime()]));
    return {
      setup,
      one: deliveries(one, [single], processed),
      fanout: deliveries(fan, many, processed),
      oneSamples: one,
      samples: [...one, ...fan],
      processed,
      notifyMs,
      rssBefore,
      rssAfter,
      reloads: single.filter((e) => e.ids === null).length,
      load: loadResult,
      problems,
    };
  } finally {
    ac.abort();
    for (const p of procs) await p.stop('SIGKILL');
  }
}

const pct = (sorted: number[], p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);
const sorted = (xs: number[]) => xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
const fmt = (n: number) => (Number.isFinite(n) ? ms(n) : '-');
function row(label: string, what: string, xs: number[]): string[] {
  const s = sorted(xs);
  return [label, what, `${s.length} / ${xs.length}`, fmt(pct(s, 50)), fmt(pct(s, 95)), fmt(pct(s, 99)), fmt(s[s.length - 1] ?? NaN)];
}

const PROCESSED_SQL = `select wamid, created_at from messages where wamid like 'wamid.live-one-%' or wamid like 'wamid.live-fan-%'`;

/** Runs the live inbox benchmark on each engine; returns its checks. */
export async function runInboxLiveBench(opts: { printMachine?: boolean } = {}): Promise<Check[]> {
  if (opts.printMachine !== false) printMachine();
  console.log(`\nLive inbox: webhook POST → SSE event, amid ${LOAD_PER_S}/s other signed webhooks (${Math.round(INBOUND_SHARE * 100)} % inbound texts from 5,000 people); ${MEASURED} measured texts at ${PER_S}/s to one client, then ${FANOUT_MESSAGES} at ${FANOUT_PER_S}/s to ${CLIENTS} clients`);
  const pgUrl = await postgresUrl();
  const engines = benchEngines(pgUrl);
  const outcomes: Outcome[] = [];
  for (const setup of SETUPS.filter((x) => engines.includes(x.engine) && SHAPES.includes(x.shape))) {
    if (setup.engine === 'PGlite') {
      const data = await tempDataDir('inbox-live');
      try {
        outcomes.push(
          await runOne(setup, { GREENLIST_DATA_DIR: data.dir }, undefined, async () => {
            const d = await PGlite.create(`${data.dir}/pgdata`, { extensions: (pgliteAdapter as Partial<typeof pgliteAdapter>).EXTENSIONS ?? {} });
            try {
              return (await d.query<{ wamid: string; created_at: string }>(PROCESSED_SQL)).rows;
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
          await runOne(setup, { DATABASE_URL: tmp.url, GREENLIST_MASTER_KEY: randomMasterKey() }, tmp.url, async () => {
            const c = new pg.Client({ connectionString: tmp.url });
            await c.connect();
            try {
              return (await c.query<{ wamid: string; created_at: Date }>(PROCESSED_SQL)).rows;
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
  console.log('\nFrom the webhook POST to the SSE event naming its conversation (delivered / expected), with the raw floors measured in the same run');
  printTable(
    ['setup', 'measured', 'delivered', 'p50', 'p95', 'p99', 'max'],
    outcomes.flatMap((o) => {
      const stage = (f: (s: Sample, p: number) => number) => o.samples.map((s) => (o.processed.has(s.wamid) ? f(s, o.processed.get(s.wamid)!) : NaN));
      return [
        row(o.setup.label, 'webhook → SSE event, 1 client', o.one),
        row(o.setup.label, `webhook → SSE event, ${CLIENTS} clients (every client)`, o.fanout),
        row(o.setup.label, 'stage: POST → processed (message stored)', stage((s, p) => p - s.postedAt)),
        row(o.setup.label, 'stage: processed → SSE event, 1 client (sync pass + NOTIFY + stream)', o.oneSamples.map((s, i) => o.one[i]! + s.postedAt - (o.processed.get(s.wamid) ?? NaN))),
        row(o.setup.label, 'raw: measured webhook POST → 200', o.samples.map((s) => s.ackMs)),
        row(o.setup.label, `raw: NOTIFY → LISTEN round trip${o.setup.engine === 'PGlite' ? ' (in-memory PGlite, bench process)' : ' (same database)'}`, o.notifyMs),
        ...(o.load ? [[o.setup.label, `other traffic: ${Math.round(o.load.requests.average)}/s, ${o.load['2xx']} × 2xx, ${o.load.non2xx + o.load.errors + o.load.timeouts} not`, '-', fmt(o.load.latency.p50), '-', fmt(o.load.latency.p99), fmt(o.load.latency.max)]] : []),
      ];
    }),
  );
  console.log(`\nMemory of the process serving the streams (RSS; "start" includes the worker), before and after ${CLIENTS} SSE clients connected`);
  printTable(
    ['setup', 'before', 'after', 'delta', 'reload events (ids: null) at the 1 client'],
    outcomes.map((o) => [o.setup.label, `${o.rssBefore.toFixed(0)} MB`, `${o.rssAfter.toFixed(0)} MB`, `${(o.rssAfter - o.rssBefore).toFixed(0)} MB`, String(o.reloads)]),
  );
  for (const o of outcomes) if (o.problems.length > 0) console.log(`\n${o.setup.label}: ${o.problems.length} warnings/errors logged by Greenlist, first: ${o.problems[0]!.slice(0, 400)}`);
  const checks: Check[] = outcomes.flatMap((o) => {
    const one = pct(sorted(o.one), 99);
    const fan = pct(sorted(o.fanout), 99);
    const lost = o.one.filter((x) => !Number.isFinite(x)).length + o.fanout.filter((x) => !Number.isFinite(x)).length;
    const delta = o.rssAfter - o.rssBefore;
    return [
      { name: `${o.setup.label}: webhook → SSE event p99 (${LOAD_PER_S}/s webhooks)`, value: fmt(one), target: `≤ ${TARGET_P99_MS} ms`, met: one <= TARGET_P99_MS },
      { name: `${o.setup.label}: ${CLIENTS} SSE clients, memory delta (RSS)`, value: `${delta.toFixed(0)} MB`, target: `≤ ${MEMORY_TARGET_MB} MB`, met: delta <= MEMORY_TARGET_MB },
      { name: `${o.setup.label}: ${CLIENTS} SSE clients, webhook → event p99 at every client`, value: fmt(fan), target: `≤ ${FANOUT_TARGET_P99_MS} ms`, met: fan <= FANOUT_TARGET_P99_MS },
      { name: `${o.setup.label}: every event delivered`, value: `${lost} missing`, target: '0', met: lost === 0 },
    ];
  });
  printChecks('Live inbox', checks);
  return checks;
}

if (isMain(import.meta.url)) await runInboxLiveBench();
