// STOP-to-withdrawal latency (issue 4 target, docs/performance.md T5): while 100 concurrent
// senders post signed status webhooks to a running Greenlist, subscribers send STOP one after
// another. A STOP is committed (withdrawal, derived state, suppression) in the transaction that
// stores its webhook, so the time from POST to 200 is the time to a durable withdrawal; afterwards
// every STOP is checked in the database to prove it. PGlite always; PostgreSQL when DATABASE_URL is set.
// Run: node --import tsx bench/stop-latency.ts
import { PGlite } from '@electric-sql/pglite';
// A namespace import: bench:compare runs this bench against older trees, whose pglite.ts has no EXTENSIONS.
import * as pgliteAdapter from '../src/adapters/db/pglite.js';
import pg from 'pg';
import { signSha256, toMetaJson as metaJson } from '../src/simulator/index.js';
import { createApiKey, freePort, isMain, ms, printChecks, printMachine, printTable, randomMasterKey, spawnGreenlist, stopCleanly, tempDataDir, tempPgDatabase, waitReady, type Check } from './lib.js';
import { blast, connectNumber, NUMBER, SECRET } from './webhooks.js';

/** STOP_BENCH_SUBSCRIBERS / STOP_BENCH_SECONDS shorten the run (bench:compare's short form). */
const SUBSCRIBERS = Number(process.env.STOP_BENCH_SUBSCRIBERS ?? 300);
const LOAD_SECONDS = Number(process.env.STOP_BENCH_SECONDS ?? 12);
const TARGET_P99_MS = 1_000;

const phoneOf = (i: number) => `+1415555${String(1000 + i).padStart(4, '0')}`;

async function api(base: string, key: string, path: string, body: unknown): Promise<{ id: string }> {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
}

async function seedSubscribers(base: string, key: string): Promise<void> {
  await api(base, key, '/api/v1/topics', { key: 'offers', name: 'Offers', category: 'marketing' });
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const c = await api(base, key, '/api/v1/contacts', { phone: phoneOf(i) });
    await api(base, key, `/api/v1/contacts/${c.id}/consent`, { topic: 'offers', action: 'grant', source: 'api', evidence: { text: 'Offers from Acme, weekly. Reply STOP to end.', ip: '203.0.113.1' } });
  }
}

function stopBody(i: number): { body: string; signature: string } {
  const waId = phoneOf(i).slice(1);
  const body = metaJson({
    object: 'whatsapp_business_account',
    entry: [{ id: NUMBER.waba_id, changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550100000', phone_number_id: NUMBER.phone_number_id }, contacts: [{ profile: { name: 'Sub' }, wa_id: waId }], messages: [{ from: waId, id: `wamid.stop-bench-${i}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: i % 3 === 0 ? 'STOP' : i % 3 === 1 ? ' Stop. ' : 'ＳＴＯＰ' } }] } }] }],
  });
  return { body, signature: signSha256(body, SECRET) };
}

/** Sends the STOPs one by one (about 20 per second) while the load runs; returns each POST→200 time. */
async function sendStops(base: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const b = stopBody(i);
    const t0 = performance.now();
    const res = await fetch(`${base}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': b.signature }, body: b.body });
    await res.text();
    if (res.status !== 200) throw new Error(`STOP ${i} answered ${res.status}`);
    times.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, (LOAD_SECONDS * 1000 * 0.8) / SUBSCRIBERS));
  }
  return times;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

interface Outcome {
  db: string;
  times: number[];
  loadRate: number;
  loadP99: number;
  withdrawn: number;
}

async function runOne(db: string, env: Record<string, string>, countWithdrawn: () => Promise<number>): Promise<Outcome> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const proc = spawnGreenlist(['start'], { ...env, GREENLIST_SANDBOX: 'off', GREENLIST_PORT: String(port), GREENLIST_RATE_LIMIT_PER_KEY: '1000000000', GREENLIST_RATE_LIMIT_PER_IP: '1000000000' });
  try {
    await waitReady(proc, base);
    const key = await createApiKey({ ...env });
    await connectNumber(base, key);
    await seedSubscribers(base, key);
    const [load, times] = await Promise.all([blast(base, LOAD_SECONDS, 100), sendStops(base)]);
    await stopCleanly(proc);
    return { db, times, loadRate: load.requests.average, loadP99: load.latency.p99, withdrawn: await countWithdrawn() };
  } finally {
    await proc.stop('SIGKILL');
  }
}

const WITHDRAWN_SQL = `select count(*)::int as n from consent_state where status = 'withdrawn'`;

/** Runs the STOP latency benchmark; returns its checks. */
export async function runStopLatencyBench(opts: { printMachine?: boolean } = {}): Promise<Check[]> {
  if (opts.printMachine !== false) printMachine();
  console.log(`\nSTOP → withdrawal committed: ${SUBSCRIBERS} STOPs (STOP, " Stop. ", full-width) amid 100 concurrent status-webhook senders for ${LOAD_SECONDS} s`);
  const outcomes: Outcome[] = [];
  const data = await tempDataDir('stop');
  try {
    outcomes.push(
      await runOne('PGlite', { GREENLIST_DATA_DIR: data.dir }, async () => {
        const d = await PGlite.create(`${data.dir}/pgdata`, { extensions: (pgliteAdapter as Partial<typeof pgliteAdapter>).EXTENSIONS ?? {} });
        const r = await d.query<{ n: number }>(WITHDRAWN_SQL);
        await d.close();
        return r.rows[0]!.n;
      }),
    );
  } finally {
    await data.cleanup();
  }
  if (process.env.DATABASE_URL) {
    const tmp = await tempPgDatabase(process.env.DATABASE_URL);
    try {
      outcomes.push(
        await runOne('PostgreSQL', { DATABASE_URL: tmp.url, GREENLIST_MASTER_KEY: randomMasterKey() }, async () => {
          const c = new pg.Client({ connectionString: tmp.url });
          await c.connect();
          const r = await c.query<{ n: number }>(WITHDRAWN_SQL);
          await c.end();
          return r.rows[0]!.n;
        }),
      );
    } finally {
      await tmp.drop();
    }
  }
  printTable(
    ['database', 'STOPs', 'p50', 'p99', 'max', 'withdrawn after', 'load webhooks/s', 'load p99'],
    outcomes.map((o) => {
      const s = [...o.times].sort((a, b) => a - b);
      return [o.db, String(o.times.length), ms(pct(s, 50)), ms(pct(s, 99)), ms(s[s.length - 1]!), String(o.withdrawn), Math.round(o.loadRate).toLocaleString('en'), ms(o.loadP99)];
    }),
  );
  const checks: Check[] = [];
  for (const o of outcomes) {
    const p99 = pct([...o.times].sort((a, b) => a - b), 99);
    checks.push({ name: `${o.db} STOP → withdrawal committed p99`, value: ms(p99), target: `≤ ${TARGET_P99_MS} ms`, met: p99 <= TARGET_P99_MS });
    checks.push({ name: `${o.db} every STOP withdrawn`, value: `${o.withdrawn} / ${SUBSCRIBERS}`, target: 'all', met: o.withdrawn === SUBSCRIBERS });
  }
  printChecks('STOP latency', checks);
  return checks;
}

if (isMain(import.meta.url)) await runStopLatencyBench();
