// Outbound webhook delivery benchmark (issue 18 target: ≥ 1,000 deliveries/s to a local receiver on
// PostgreSQL, delivery lag p99 ≤ 2 s at that rate). Events are emitted at RATE/s for SECONDS through
// `emitEvents` (each batch in its own transaction, as a change would), while LOOPS delivery loops
// (as the worker's poller runs them) claim, sign and POST them to a receiver on 127.0.0.1. Lag: from
// the event's commit to the receiver reading the body. Baseline in the same run: the same number of
// POSTs straight through the outbound guard, no database (the HTTP ceiling of this machine).
// Run: node --import tsx bench/outbound-webhooks.ts   (BENCH_ENGINES=postgres|pglite; HOOK_BENCH_RATE, HOOK_BENCH_SECONDS, HOOK_BENCH_LOOPS)
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '../src/lib/logger.js';
import { createOutboundFetch, parseAllowedOrigins } from '../src/lib/outbound/index.js';
import { createSecretBox } from '../src/lib/secrets.js';
import { SYSTEM_ACTOR, type Ctx } from '../src/modules/context.js';
import { createEndpoint, deliverDueWebhooks, emitEvents, webhookUrlProblem } from '../src/modules/hooks/index.js';
import { createWorkspace } from '../src/modules/workspaces/index.js';
import { openFreshDatabase } from './broadcast-lib.js';
import { isMain, printChecks, printLoad, printMachine, printTable, randomMasterKey, type Check } from './lib.js';
import { benchEngines, postgresUrl } from './seed-contacts.js';

type Engine = 'PGlite' | 'PostgreSQL';
const RATE = Number(process.env.HOOK_BENCH_RATE ?? 1200);
const SECONDS = Number(process.env.HOOK_BENCH_SECONDS ?? 15);
const LOOPS = Number(process.env.HOOK_BENCH_LOOPS ?? 2);
const BATCH = 200;
const TICK_MS = 100;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

interface Outcome {
  engine: Engine;
  emitted: number;
  delivered: number;
  perSecond: number;
  lagP50: number;
  lagP99: number;
  baselinePerSecond: number;
}

async function runOne(engine: Engine, pgUrl: string | undefined): Promise<Outcome> {
  const log = silentLogger();
  const lags: number[] = [];
  const seen = new Set<string>();
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = String(req.headers['webhook-id'] ?? '');
      if (id && !seen.has(id)) {
        seen.add(id);
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { emitted_at: number } };
        lags.push(Date.now() - body.data.emitted_at);
      }
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen({ port: 0, host: '127.0.0.1', backlog: 2048 }, r));
  const origin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const allowed = parseAllowedOrigins(origin);
  const send = createOutboundFetch({ allowed, reach: 'public', maxResponseBytes: 65536 });
  const fresh = await openFreshDatabase(engine, pgUrl, 'hooks');
  try {
    const db = fresh.database.db;
    const box = createSecretBox(Buffer.from(randomMasterKey(), 'hex'));
    const ws = await createWorkspace(db, { slug: 'bench-hooks', name: 'Bench' }, { now: new Date(), log });
    const ctx: Ctx = { db, workspaceId: ws.id, actor: SYSTEM_ACTOR, now: new Date(), log };
    await createEndpoint(ctx, { box, checkUrl: (u) => webhookUrlProblem(u, allowed) }, { url: `${origin}/hooks`, events: ['*'] });
    // Baseline: the same POST count through the guard, no database.
    const total = RATE * SECONDS;
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 200 }, async () => {
        while (next++ < total) await (await send(`${origin}/raw`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"data":{}}' })).text();
      }),
    );
    const baselinePerSecond = total / ((performance.now() - t0) / 1000);
    // Emit at RATE/s (one transaction per tick), deliver with LOOPS loops until everything arrived.
    let emitted = 0;
    let producing = true;
    const started = performance.now();
    const producer = (async () => {
      for (let tick = 0; tick < (SECONDS * 1000) / TICK_MS; tick++) {
        const due = started + tick * TICK_MS;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const n = Math.round((RATE * TICK_MS) / 1000);
        await db.transaction((tx) => emitEvents(tx, ws.id, Array.from({ length: n }, (_, i) => ({ type: 'contact.updated' as const, data: { contact_id: `bench-${emitted + i}`, emitted_at: Date.now() } })), new Date()));
        emitted += n;
      }
      producing = false;
    })();
    const loops = Array.from({ length: LOOPS }, async () => {
      while (producing || seen.size < emitted) {
        const n = await deliverDueWebhooks({ db, box, send, log, now: new Date(), batch: BATCH });
        if (n === 0) await new Promise((r) => setTimeout(r, 20));
        if (performance.now() - started > (SECONDS + 120) * 1000) break;
      }
    });
    await producer;
    await Promise.all(loops);
    const elapsed = (performance.now() - started) / 1000;
    return { engine, emitted, delivered: seen.size, perSecond: seen.size / elapsed, lagP50: pct(lags, 50), lagP99: pct(lags, 99), baselinePerSecond };
  } finally {
    await fresh.cleanup();
    receiver.closeAllConnections();
    await new Promise<void>((r) => receiver.close(() => r()));
  }
}

/** Runs the benchmark on each engine and returns its checks. */
export async function runOutboundWebhookBench(): Promise<Check[]> {
  const pgUrl = await postgresUrl();
  const outcomes: Outcome[] = [];
  for (const engine of benchEngines(pgUrl)) {
    outcomes.push(await runOne(engine, pgUrl));
    printLoad(`after ${engine}`);
  }
  printTable(
    ['engine', 'emitted', 'delivered', 'deliveries/s', 'lag p50', 'lag p99', 'raw POST/s (baseline)'],
    outcomes.map((o) => [o.engine, String(o.emitted), String(o.delivered), o.perSecond.toFixed(0), `${Math.round(o.lagP50)} ms`, `${Math.round(o.lagP99)} ms`, o.baselinePerSecond.toFixed(0)]),
  );
  return outcomes.flatMap((o) => [
    { name: `${o.engine}: deliveries/s at ${RATE}/s offered`, value: o.perSecond.toFixed(0), ...(o.engine === 'PostgreSQL' ? { target: '≥ 1000', met: o.perSecond >= 1000 && o.delivered === o.emitted } : {}), better: 'higher' as const },
    { name: `${o.engine}: delivery lag p99`, value: `${Math.round(o.lagP99)} ms`, ...(o.engine === 'PostgreSQL' ? { target: '≤ 2000 ms', met: o.lagP99 <= 2000 } : {}), better: 'lower' as const },
    { name: `${o.engine}: raw POSTs/s through the guard (baseline)`, value: o.baselinePerSecond.toFixed(0), better: 'higher' as const },
  ]);
}

if (isMain(import.meta.url)) {
  printMachine();
  printChecks('Outbound webhooks', await runOutboundWebhookBench());
}
