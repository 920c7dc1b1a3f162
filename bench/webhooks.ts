// Webhook ingestion benchmark (docs/performance.md T4): signed Meta-shaped status webhooks are
// POSTed to a running Greenlist (`greenlist start`, so the worker processes them concurrently, as
// in production) by 200 concurrent senders on loopback. Each 200 means the body was stored
// durably (group commit) before the answer; afterwards the stored rows are counted to prove it.
// PGlite always; PostgreSQL too when DATABASE_URL is set.
// Run: node --import tsx bench/webhooks.ts
import { signSha256, toMetaJson as metaJson } from '../src/simulator/index.js';
import autocannon, { type Result } from 'autocannon';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
// A namespace import: bench:compare runs this bench against older trees, whose pglite.ts has no EXTENSIONS.
import * as pgliteAdapter from '../src/adapters/db/pglite.js';
import {
  createApiKey,
  freePort,
  isMain,
  ms,
  s,
  printChecks,
  printMachine,
  printTable,
  randomMasterKey,
  spawnGreenlist,
  stopCleanly,
  tempDataDir,
  tempPgDatabase,
  waitReady,
  type Check,
} from './lib.js';

const CONNECTIONS = 200;
/** WEBHOOK_BENCH_SECONDS shortens the measured blast (bench:compare's short form). */
const DURATION_S = Number(process.env.WEBHOOK_BENCH_SECONDS ?? 15);
/** The app secret bench webhooks are signed with. */
export const SECRET = 'bench-app-secret';
/** The business number bench webhooks are addressed to. */
export const NUMBER = { phone_number_id: '1065403522', waba_id: '1022901293' };
const TARGETS = { PGlite: 3_000, PostgreSQL: 5_000 };

/** Pre-built signed bodies: sent/delivered/read for many messages (about 600 bytes each, like Meta's). */
export function bodies(n: number): { body: string; signature: string }[] {
  const statuses = ['sent', 'delivered', 'read'];
  return Array.from({ length: n }, (_, i) => {
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
                statuses: [
                  {
                    id: `wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJCOTY3NDc0NDFDRUI3NTA0Q0${Math.floor(i / 3)}`,
                    status: statuses[i % 3],
                    timestamp: String(1750857384 + i),
                    recipient_id: '16505551234',
                    biz_opaque_callback_data: `send-${Math.floor(i / 3)}`,
                    pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    return { body, signature: signSha256(body, SECRET) };
  });
}

/** Connects the bench number to the default workspace of a running Greenlist; returns its id. */
export async function connectNumber(base: string, key: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/phone-numbers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...NUMBER, display_number: '+1 555 010 0000', access_token: 'EAAG-bench-token', app_secret: SECRET, verify_token: 'bench-verify', api_base_url: 'http://127.0.0.1:9' }),
  });
  if (res.status !== 201) throw new Error(`connect number failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/**
 * Seconds from the end of the burst until processing has caught up (no pending body for the number),
 * polled every 250 ms through the API; undefined when the product has no backlog endpoint (older refs
 * under bench:compare) or it does not catch up within `limitS`.
 */
async function catchUpSeconds(base: string, key: string, numberId: string, limitS = 180): Promise<number | undefined> {
  const started = performance.now();
  while (performance.now() - started < limitS * 1000) {
    const res = await fetch(`${base}/api/v1/phone-numbers/${numberId}/webhook-backlog`, { headers: { authorization: `Bearer ${key}` } });
    if (res.status === 404) return undefined;
    const { pending } = (await res.json()) as { pending: number };
    if (pending === 0) return (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 250));
  }
  return undefined;
}

/** Posts signed status webhooks from many concurrent senders for `duration` seconds. */
export async function blast(base: string, duration = DURATION_S, connections = CONNECTIONS): Promise<Result> {
  const pool = bodies(30_000);
  let i = 0;
  return autocannon({
    url: `${base}/webhooks/whatsapp`,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const b = pool[i++ % pool.length]!;
          return { ...req, body: b.body, headers: { ...req.headers, 'content-type': 'application/json', 'x-hub-signature-256': b.signature } };
        },
      },
    ],
  });
}

interface Outcome {
  db: keyof typeof TARGETS;
  result: Result;
  stored: number;
  processed: number;
  /** Seconds after the burst until every stored body was processed. */
  catchUpS: number | undefined;
}

async function runOne(db: keyof typeof TARGETS, env: Record<string, string>, count: () => Promise<{ stored: number; processed: number }>): Promise<Outcome> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const proc = spawnGreenlist(['start'], { ...env, GREENLIST_PORT: String(port), GREENLIST_RATE_LIMIT_PER_KEY: '1000000000', GREENLIST_RATE_LIMIT_PER_IP: '1000000000' });
  try {
    await waitReady(proc, base);
    const key = await createApiKey({ ...env });
    const numberId = await connectNumber(base, key);
    await blast(base, 2); // warm-up (JIT, caches), not measured
    await catchUpSeconds(base, key, numberId); // the warm-up's backlog must not count against the burst
    const result = await blast(base);
    const catchUpS = await catchUpSeconds(base, key, numberId);
    await stopCleanly(proc);
    return { db, result, catchUpS, ...(await count()) };
  } finally {
    await proc.stop('SIGKILL');
  }
}

/** Runs the webhook benchmark; returns its checks. */
export async function runWebhookBench(opts: { printMachine?: boolean } = {}): Promise<Check[]> {
  if (opts.printMachine !== false) printMachine();
  console.log(`\nWebhook ingestion: ${CONNECTIONS} concurrent senders, ${DURATION_S} s, signed status bodies, durable before 200 (group commit ≤ 10 ms / 500)`);
  const outcomes: Outcome[] = [];
  const data = await tempDataDir('webhooks');
  try {
    outcomes.push(
      await runOne('PGlite', { GREENLIST_DATA_DIR: data.dir }, async () => {
        const db = await PGlite.create(`${data.dir}/pgdata`, { extensions: (pgliteAdapter as Partial<typeof pgliteAdapter>).EXTENSIONS ?? {} });
        const r = await db.query<{ stored: number; processed: number }>(`select count(*)::int as stored, count(*) filter (where status = 'processed')::int as processed from webhook_events`);
        await db.close();
        return r.rows[0]!;
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
          const r = await c.query<{ stored: number; processed: number }>(`select count(*)::int as stored, count(*) filter (where status = 'processed')::int as processed from webhook_events`);
          await c.end();
          return r.rows[0]!;
        }),
      );
    } finally {
      await tmp.drop();
    }
  }
  printTable(
    ['database', 'webhooks/s', 'p50', 'p99', 'max', '2xx', 'non-2xx', 'errors', 'stored', 'processed', 'caught up after'],
    outcomes.map((o) => [
      o.db,
      Math.round(o.result.requests.average).toLocaleString('en'),
      ms(o.result.latency.p50),
      ms(o.result.latency.p99),
      ms(o.result.latency.max),
      String(o.result['2xx']),
      String(o.result.non2xx),
      String(o.result.errors + o.result.timeouts),
      String(o.stored),
      String(o.processed),
      o.catchUpS === undefined ? '-' : s(o.catchUpS * 1000),
    ]),
  );
  const checks: Check[] = [];
  for (const o of outcomes) {
    const rate = o.result.requests.average;
    checks.push({ name: `${o.db} webhooks/s (${CONNECTIONS} senders)`, value: Math.round(rate).toLocaleString('en'), target: `≥ ${TARGETS[o.db].toLocaleString('en')}`, met: rate >= TARGETS[o.db] });
    checks.push({ name: `${o.db} webhook ack p50`, value: ms(o.result.latency.p50), target: '≤ 50 ms', met: o.result.latency.p50 <= 50 });
    checks.push({ name: `${o.db} webhook ack p99`, value: ms(o.result.latency.p99), target: '≤ 250 ms', met: o.result.latency.p99 <= 250 });
    checks.push({ name: `${o.db} webhook ack max`, value: ms(o.result.latency.max), target: '≤ 1 s', met: o.result.latency.max <= 1000 });
    if (o.catchUpS !== undefined) checks.push({ name: `${o.db} processing caught up after the burst`, value: s(o.catchUpS * 1000), target: '≤ 60 s', met: o.catchUpS <= 60 });
    checks.push({ name: `${o.db} every 200 stored`, value: `${o.stored} stored / ${o.result['2xx']} acked`, target: 'stored ≥ acked', met: o.stored >= o.result['2xx'] && o.result.non2xx === 0 });
  }
  printChecks('Webhook ingestion', checks);
  return checks;
}

if (isMain(import.meta.url)) await runWebhookBench();
