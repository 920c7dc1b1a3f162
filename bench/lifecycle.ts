// Lifecycle run benchmark (issue 5 targets): a full lifecycle evaluation of a seeded workspace of
// 1,000,000 contacts (see seed-contacts.ts: ~2 M outbound messages over 90 days for the window
// recount, ~2 M events, consent on two topics, seeded stages that the rules mostly disagree with)
// run by a real `greenlist start` (POST /api/v1/lifecycle/runs, followed with GET until it ends),
// while signed status webhooks ("read" for seeded outbound messages, so each one updates a message
// and its contact's engagement) are posted at 300/s. Printed: the run time, its counts, and the
// webhook ack p50/p99/max during the run next to the same load with no run going.
// Two runs back to back: the first moves most contacts (the seeded stages are random), the second
// is the steady state (little changes). PostgreSQL (DATABASE_URL or the local server) and PGlite,
// each on its own copy of the cached seed.
// Run: node --import tsx bench/lifecycle.ts   (LIFECYCLE_BENCH_CONTACTS=100000 for a quick run)
import autocannon, { type Result } from 'autocannon';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../src/adapters/db/database.js';
import { signSha256, toMetaJson as metaJson } from '../src/simulator/index.js';
import { createApiKey, freePort, isMain, ms, printChecks, printMachine, printTable, randomMasterKey, s, spawnGreenlist, stopCleanly, waitReady, type Check } from './lib.js';
import { benchEngines, postgresUrl, seededCopy } from './seed-contacts.js';
import { connectNumber, NUMBER, SECRET } from './webhooks.js';

const N = Number(process.env.LIFECYCLE_BENCH_CONTACTS ?? 1_000_000);
const WEBHOOK_RATE = 300;
const IDLE_SECONDS = 10;
/** Runs per engine: the first (most stages change), then the steady state. */
const RUNS = Number(process.env.LIFECYCLE_BENCH_RUNS ?? 2);
/** A run still going after this long is reported as over it and abandoned (the server is killed). */
const TIMEOUT_S = Number(process.env.LIFECYCLE_BENCH_TIMEOUT_S ?? 1_200);
const TARGET_MS = { PostgreSQL: 60_000, PGlite: undefined as number | undefined };
const TARGET_ACK_P99_MS = 250;
type Engine = 'PGlite' | 'PostgreSQL';

interface Signed {
  body: string;
  signature: string;
}

/** Signed "read" statuses for outbound messages that exist in the seed (a new status for each). */
function statusBodies(messages: { wamid: string; wa_id: string }[]): Signed[] {
  const ts = Math.floor(Date.now() / 1000);
  return messages.map((m, i) => {
    const body = metaJson({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: NUMBER.waba_id,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550100000', phone_number_id: NUMBER.phone_number_id },
                statuses: [{ id: m.wamid, status: 'read', timestamp: String(ts + (i % 600)), recipient_id: m.wa_id, pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' } }],
              },
            },
          ],
        },
      ],
    });
    return { body, signature: signSha256(body, SECRET) };
  });
}

/** Posts the bodies at a steady `WEBHOOK_RATE` until stopped (each body once, then from the start again). */
function sender(base: string, pool: Signed[], offset: { i: number }): ReturnType<typeof autocannon> {
  return autocannon({
    url: `${base}/webhooks/whatsapp`,
    connections: 20,
    overallRate: WEBHOOK_RATE,
    duration: 3_600,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const b = pool[offset.i++ % pool.length]!;
          return { ...req, body: b.body, headers: { ...req.headers, 'content-type': 'application/json', 'x-hub-signature-256': b.signature } };
        },
      },
    ],
  } as Parameters<typeof autocannon>[0] & { overallRate: number });
}

async function api<T>(base: string, key: string, method: 'GET' | 'POST', path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${key}`, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) }, ...(method === 'POST' ? { body: '{}' } : {}) });
  return { status: res.status, body: (await res.json()) as T };
}

interface RunOut {
  id: string;
  status: string;
  counts: Record<string, number>;
  started_at: string;
  finished_at: string | null;
}

/**
 * Starts a lifecycle run over HTTP and polls it to the end (printing progress every 30 s); returns
 * the finished run, or the last state seen when it is still going after LIFECYCLE_BENCH_TIMEOUT_S.
 */
async function runOverHttp(base: string, key: string): Promise<{ run: RunOut; wallMs: number; timedOut: boolean }> {
  const t0 = performance.now();
  const started = await api<RunOut>(base, key, 'POST', '/api/v1/lifecycle/runs');
  if (started.status !== 202) throw new Error(`POST /api/v1/lifecycle/runs answered ${started.status}: ${JSON.stringify(started.body)}`);
  let lastReport = t0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const got = await api<RunOut>(base, key, 'GET', `/api/v1/lifecycle/runs/${started.body.id}`);
    const now = performance.now();
    if (got.body.finished_at) {
      if (got.body.status !== 'succeeded') throw new Error(`lifecycle run ended ${got.body.status}: ${JSON.stringify(got.body)}`);
      return { run: got.body, wallMs: now - t0, timedOut: false };
    }
    if (now - t0 > TIMEOUT_S * 1000) return { run: got.body, wallMs: now - t0, timedOut: true };
    if (now - lastReport > 30_000) {
      lastReport = now;
      console.log(`    … ${s(now - t0)}: ${(got.body.counts.evaluated ?? 0).toLocaleString('en')} evaluated, ${(got.body.counts.changed ?? 0).toLocaleString('en')} changed`);
    }
  }
}

/** "n ok", plus what went wrong: non-2xx answers by status, connection errors, timeouts (autocannon waits 10 s). */
function failures(r: Result): string {
  const codes = Object.entries(r.statusCodeStats ?? {}).filter(([code]) => !code.startsWith('2')).map(([code, v]) => `${v.count}× ${code}`);
  const errors = r.errors - r.timeouts;
  return [`${r['2xx']} ok`, ...codes, ...(errors > 0 ? [`${errors} errors`] : []), ...(r.timeouts > 0 ? [`${r.timeouts} timeouts (> 10 s)`] : [])].join(', ');
}

interface Outcome {
  engine: Engine;
  label: string;
  runMs: number;
  wallMs: number;
  counts: Record<string, number>;
  acks: Result;
}

const rowsOf = async <T>(database: Database, text: string): Promise<T[]> => ((await database.db.execute(sql.raw(text))) as unknown as { rows: T[] }).rows;

async function openCopy(copy: { url?: string; dataDir?: string }): Promise<Database> {
  return copy.url ? openDatabase({ kind: 'postgres', url: copy.url, poolSize: 1 }) : openDatabase({ kind: 'pglite', dataDir: copy.dataDir! });
}

async function benchEngine(engine: Engine, pgUrl: string | undefined): Promise<{ outcomes: Outcome[]; idle: Result; transitions: number; windows: number }> {
  const copy = await seededCopy(engine, N, { pgUrl });
  try {
    // Outbound messages not read yet: each webhook is a new status that moves the message and the engagement row.
    let database = await openCopy(copy);
    const targets = await rowsOf<{ wamid: string; wa_id: string }>(database, `select wamid, wa_id from messages where direction = 'out' and status_rank < 4 order by sent_at desc limit 60000`);
    await database.close();
    const pool = statusBodies(targets);
    const offset = { i: 0 };

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env: Record<string, string> = copy.url ? { DATABASE_URL: copy.url, GREENLIST_MASTER_KEY: randomMasterKey() } : { GREENLIST_DATA_DIR: copy.dataDir! };
    const server = spawnGreenlist(['start'], { ...env, GREENLIST_SANDBOX: 'off', GREENLIST_PORT: String(port), GREENLIST_RATE_LIMIT_PER_KEY: '1000000000', GREENLIST_RATE_LIMIT_PER_IP: '1000000000' });
    const outcomes: Outcome[] = [];
    let idle: Result;
    try {
      await waitReady(server, base, 180_000);
      const key = await createApiKey(env);
      await connectNumber(base, key);
      const warm = sender(base, pool, offset);
      await new Promise((r) => setTimeout(r, 2_000));
      warm.stop();
      await warm;
      const idleRun = sender(base, pool, offset);
      await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
      idleRun.stop();
      idle = await idleRun;
      console.log(`  ${engine}: webhooks alone (${IDLE_SECONDS} s at ${WEBHOOK_RATE}/s): ack p50 ${ms(idle.latency.p50)}, p99 ${ms(idle.latency.p99)}, max ${ms(idle.latency.max)}`);
      let timedOut = false;
      for (const label of ['first run (most stages change)', 'second run (steady state)'].slice(0, RUNS)) {
        const blast = sender(base, pool, offset);
        let result: Awaited<ReturnType<typeof runOverHttp>>;
        try {
          await new Promise((r) => setTimeout(r, 1_000));
          result = await runOverHttp(base, key);
        } finally {
          blast.stop();
        }
        const acks = await blast;
        timedOut = result.timedOut;
        const runMs = timedOut ? Infinity : Date.parse(result.run.finished_at!) - Date.parse(result.run.started_at);
        outcomes.push({ engine, label, runMs, wallMs: result.wallMs, counts: result.run.counts, acks });
        console.log(`  ${engine} ${label}: ${timedOut ? `still running after ${TIMEOUT_S} s (stopped)` : s(runMs)}, ${JSON.stringify(result.run.counts)}; webhook acks p50 ${ms(acks.latency.p50)}, p99 ${ms(acks.latency.p99)}, max ${ms(acks.latency.max)} (${failures(acks)})`);
        if (timedOut) break;
      }
      if (!timedOut) await stopCleanly(server);
    } finally {
      await server.stop('SIGKILL');
    }
    database = await openCopy(copy);
    const [after] = await rowsOf<{ transitions: number; windows: number }>(
      database,
      `select (select count(*) from lifecycle_transitions)::int as transitions, (select count(*) from contact_engagement where windows_at > now() - interval '1 hour')::int as windows`,
    );
    await database.close();
    return { outcomes, idle: idle!, transitions: after!.transitions, windows: after!.windows };
  } finally {
    await copy.done();
  }
}

/** Runs the lifecycle benchmark; returns its checks. */
export async function runLifecycleBench(opts: { printMachine?: boolean } = {}): Promise<Check[]> {
  if (opts.printMachine !== false) printMachine();
  console.log(`\nLifecycle run: ${N.toLocaleString('en')} contacts, POST /api/v1/lifecycle/runs on a running server, signed status webhooks at ${WEBHOOK_RATE}/s meanwhile`);
  const pgUrl = await postgresUrl();
  const rows: Outcome[] = [];
  const idle: Record<string, Result> = {};
  for (const engine of benchEngines(pgUrl).reverse()) {
    const r = await benchEngine(engine, pgUrl);
    rows.push(...r.outcomes);
    idle[engine] = r.idle;
    console.log(`  ${engine}: ${r.transitions.toLocaleString('en')} transitions recorded, ${r.windows.toLocaleString('en')} engagement rows recounted`);
  }
  console.log('');
  printTable(
    ['database', 'run', 'run time', 'evaluated', 'changed', 'windows recounted', 'ack p50', 'ack p99', 'ack max', 'acks', 'ack p99 without run'],
    rows.map((o) => [
      o.engine,
      o.label,
      o.runMs === Infinity ? `> ${TIMEOUT_S} s` : s(o.runMs),
      (o.counts.evaluated ?? 0).toLocaleString('en'),
      (o.counts.changed ?? 0).toLocaleString('en'),
      (o.counts.windows_recounted ?? 0).toLocaleString('en'),
      ms(o.acks.latency.p50),
      ms(o.acks.latency.p99),
      ms(o.acks.latency.max),
      failures(o.acks),
      ms(idle[o.engine]!.latency.p99),
    ]),
  );
  const checks: Check[] = [];
  for (const o of rows) {
    const target = TARGET_MS[o.engine];
    const label = `${o.engine} lifecycle ${o.label}`;
    checks.push({ name: `${label}: ${N.toLocaleString('en')} contacts`, value: o.runMs === Infinity ? `> ${TIMEOUT_S} s (${(o.counts.evaluated ?? 0).toLocaleString('en')} evaluated)` : s(o.runMs), ...(target ? { target: `≤ ${target / 1000} s`, met: o.runMs <= target } : {}) });
    const ok = o.acks.non2xx === 0 && o.acks.errors === 0;
    checks.push({ name: `${label}: webhook ack p99 at ${WEBHOOK_RATE}/s`, value: `${ms(o.acks.latency.p99)}${ok ? '' : ` (${failures(o.acks)})`}`, target: `≤ ${TARGET_ACK_P99_MS} ms, none failed`, met: o.acks.latency.p99 <= TARGET_ACK_P99_MS && ok });
  }
  printChecks(`Lifecycle (${N.toLocaleString('en')} contacts)`, checks);
  return checks;
}

if (isMain(import.meta.url)) await runLifecycleBench();
