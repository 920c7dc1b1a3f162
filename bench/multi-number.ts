// Scale beyond one number (issue 20, item 4): MULTI_BENCH_NUMBERS sandbox numbers (5) at the 1,000
// msg/s tier each send a broadcast at once from MULTI_BENCH_WORKERS `greenlist worker` processes (2)
// on PostgreSQL; the app (webhook intake) runs in this process, the simulator in its own. Reports the
// aggregate accepted rate against the sum of the configured rates (tier × pacing ratio 0.9 per
// number), each number's own rate and busiest second, 130429 rejections and duplicates (both must
// be 0 whatever the rate), and where the CPU went (which process was the bottleneck).
// Run: node --import tsx bench/multi-number.ts
//   MULTI_BENCH_RECIPIENTS=9000 (per number)  MULTI_BENCH_WEBHOOKS=off (no status webhooks back)  MULTI_BENCH_TIER=1000
import { writeFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { SYSTEM_ACTOR, type Ctx } from '../src/modules/context.js';
import { queryRowsOf } from '../src/modules/sql.js';
import { syncTemplates } from '../src/modules/templates/index.js';
import { createApiKey, createWorkspace } from '../src/modules/workspaces/index.js';
import { QUIET_KNOBS } from '../src/simulator/index.js';
import { silentLogger } from '../src/lib/logger.js';
import { BENCH_NUMBER, BENCH_TEMPLATE, BENCH_TEMPLATE_REF, daytimeZone, paceOf, pct, rate, startBenchApp, waitUntil } from './broadcast-lib.js';
import { openFresh, problemsOf, seedAudience } from './broadcast-dispatch.js';
import { childSimulator } from './broadcast-sim.js';
import { formatCpuReport, startCpuAccounting } from './cpu-share.js';
import { isMain, printChecks, printMachine, printTable, randomMasterKey, s, spawnGreenlist, stopCleanly, type Check, type GreenlistProcess } from './lib.js';
import { postgresUrl } from './seed-contacts.js';

const NUMBERS = Number(process.env.MULTI_BENCH_NUMBERS ?? 5);
const WORKERS = Number(process.env.MULTI_BENCH_WORKERS ?? 2);
const PER_NUMBER = Number(process.env.MULTI_BENCH_RECIPIENTS ?? 9_000);
const WEBHOOKS = process.env.MULTI_BENCH_WEBHOOKS !== 'off';
const TIER = Number(process.env.MULTI_BENCH_TIER ?? 1000);
const CONFIGURED = TIER * 0.9;

/** The k-th bench number (ids distinct from the one-number bench's). */
const numberOf = (k: number) => ({ phoneNumberId: `70654099${String(k).padStart(2, '0')}`, wabaId: `70229099${String(k).padStart(2, '0')}`, accessToken: `${BENCH_NUMBER.accessToken}-${k}` });

/** Sends in each whole second from the first send to the last (shows stalls a mean hides). */
function perSecond(at: number[]): number[] {
  if (at.length === 0) return [];
  const first = Math.min(...at);
  const out = new Array<number>(Math.floor((Math.max(...at) - first) / 1000) + 1).fill(0);
  for (const t of at) out[Math.floor((t - first) / 1000)]!++;
  return out;
}

/** Runs the multi-number bench; returns its checks. */
export async function runMultiNumberBench(opts: { printMachine?: boolean } = {}): Promise<Check[]> {
  if (opts.printMachine !== false) printMachine();
  const pgUrl = await postgresUrl();
  if (!pgUrl) throw new Error('the multi-number bench needs PostgreSQL (DATABASE_URL or a local server)');
  console.log(`\nMulti-number dispatch: ${NUMBERS} numbers × ${TIER}/s tier (${CONFIGURED}/s configured each, ${(NUMBERS * CONFIGURED).toLocaleString('en')}/s in all), ${PER_NUMBER.toLocaleString('en')} recipients each, ${WORKERS} worker processes, PostgreSQL, ${WEBHOOKS ? 'statuses POSTed back' : 'no status webhooks'}`);
  const fresh = await openFresh('PostgreSQL', pgUrl);
  const masterHex = randomMasterKey();
  const a = await startBenchApp(fresh.database, Buffer.from(masterHex, 'hex'));
  const numbers = Array.from({ length: NUMBERS }, (_, i) => numberOf(i + 1));
  const sim = await childSimulator({
    seed: 'multi-number',
    phoneNumbers: numbers.map((n) => ({ ...n, mps: TIER, messagingLimitTier: 'TIER_UNLIMITED' as const })),
    appSecret: BENCH_NUMBER.appSecret,
    verifyToken: BENCH_NUMBER.verifyToken,
    ...(WEBHOOKS ? { webhookUrl: `${a.url}/webhooks/whatsapp` } : {}),
    timeScale: 0.01,
    knobs: QUIET_KNOBS,
    templates: [BENCH_TEMPLATE],
    sentLogLimit: NUMBERS * PER_NUMBER + 10_000,
  });
  const workers: GreenlistProcess[] = [];
  try {
    const log = silentLogger();
    const ws = await createWorkspace(fresh.database.db, { slug: 'bench-multi', name: 'Bench' }, { now: new Date(), log });
    const ctx: Ctx = { db: fresh.database.db, workspaceId: ws.id, actor: SYSTEM_ACTOR, now: new Date(), log };
    const key = (await createApiKey(ctx, { name: 'bench', role: 'owner' })).key;
    await a.call(key, 'POST', '/api/v1/topics', { key: 'offers', name: 'Offers', category: 'marketing' });
    const broadcasts: { id: string; phoneNumberId: string }[] = [];
    const zone = daytimeZone();
    for (const [i, n] of numbers.entries()) {
      const num = await a.call<{ id: string }>(key, 'POST', '/api/v1/phone-numbers', {
        phone_number_id: n.phoneNumberId,
        waba_id: n.wabaId,
        display_number: `+1 555 078 99${String(i + 1).padStart(2, '0')}`,
        access_token: n.accessToken,
        app_secret: BENCH_NUMBER.appSecret,
        verify_token: `${BENCH_NUMBER.verifyToken}-${i + 1}`,
        api_base_url: sim.url,
        throughput_mps: TIER,
        messaging_limit_tier: 'TIER_UNLIMITED',
      });
      await syncTemplates(ctx, { box: a.wiring.box, gateway: a.wiring.gateway }, num.id);
      await seedAudience(ctx, PER_NUMBER, zone, `n${i + 1}`, `2348${i + 1}3`);
      const b = await a.call<{ id: string }>(key, 'POST', '/api/v1/broadcasts', { name: `Number ${i + 1}`, number_id: num.id, audience: { rules: { field: 'tags', op: 'contains', value: `n${i + 1}` }, topic: 'offers' }, template: BENCH_TEMPLATE_REF });
      broadcasts.push({ id: b.id, phoneNumberId: n.phoneNumberId });
    }
    const env = { DATABASE_URL: fresh.url!, GREENLIST_MASTER_KEY: masterHex, GREENLIST_PUBLIC_URL: a.url, GREENLIST_LOG_LEVEL: 'info' };
    for (let i = 0; i < WORKERS; i++) workers.push(spawnGreenlist(['worker'], env));
    for (const w of workers) await w.waitForOutput(/Greenlist worker ready/, 60_000);
    const cpu = await startCpuAccounting([
      { label: 'app (intake)', pid: 'self' },
      { label: 'simulator', pid: sim.pid },
      ...workers.map((w, i) => ({ label: `worker ${i + 1}`, pid: w.child.pid! })),
      { label: 'PostgreSQL', comm: 'postgres' as const },
    ]);
    for (const b of broadcasts) await a.call(key, 'POST', `/api/v1/broadcasts/${b.id}/start`, undefined, 200);
    const expectedS = PER_NUMBER / CONFIGURED;
    const done = async () => (await queryRowsOf<{ n: number }>(fresh.database.db, sql`select count(*)::int as n from broadcasts where workspace_id = ${ws.id} and status = 'completed'`))[0]!.n === broadcasts.length;
    const completed = await waitUntil(done, (expectedS * NUMBERS + 60) * 1000, 'every broadcast to complete', 500).then(
      () => true,
      () => false,
    );
    const report = await cpu.stop();
    const states = await queryRowsOf<{ state: string; reason: string | null; n: number }>(fresh.database.db, sql`select state, left(reason, 80) as reason, count(*)::int as n from broadcast_recipients where workspace_id = ${ws.id} group by 1, 2 order by 3 desc`);
    const per = await Promise.all(broadcasts.map(async (b) => ({ b, sent: await sim.sends(b.phoneNumberId, BENCH_TEMPLATE.name) })));
    const all = per.flatMap((p) => p.sent.map((m) => m.at));
    const total = paceOf(all);
    const rejected = await sim.rejected();
    const duplicates = per.reduce((d, p) => d + p.sent.length - new Set(p.sent.map((m) => m.to)).size, 0);
    for (const w of workers) await stopCleanly(w).catch(() => undefined);
    for (const [i, w] of workers.entries()) {
      if (process.env.MULTI_BENCH_WORKER_LOGS) writeFileSync(`${process.env.MULTI_BENCH_WORKER_LOGS}-${i + 1}.log`, w.output());
      const line = w.output().split('\n').find((l) => l.includes('broadcast dispatcher stopped'));
      const f = line ? (JSON.parse(line) as Record<string, number>) : {};
      console.log(`  worker ${i + 1}: sent ${f.sent ?? '?'}, rebooked ${f.rebooked ?? '?'}, returned ${f.returned ?? '?'}, peak 1 s posted ${f.peak_1s_posted ?? '?'}`);
    }
    const problems = problemsOf(workers.flatMap((w) => w.output().split('\n')));
    printTable(
      ['number', 'sends', 'mean rate', 'of configured', 'max 1 s', 'min 1 s', 'span'],
      per.map((p, i) => {
        const f = paceOf(p.sent.map((m) => m.at));
        return [`${i + 1}`, f.sends.toLocaleString('en'), rate(f.meanRate), pct(f.meanRate / CONFIGURED), String(f.max1s), String(f.min1s), s(f.spanMs)];
      }),
    );
    console.log(`  all numbers: ${total.sends.toLocaleString('en')} sends over ${s(total.spanMs)}, ${rate(total.meanRate)} (${pct(total.meanRate / (CONFIGURED * NUMBERS))} of ${(CONFIGURED * NUMBERS).toLocaleString('en')}/s)${completed ? '' : ', UNFINISHED'}`);
    console.log(`  sends per second, all numbers: ${perSecond(all).join(' ')}`);
    console.log(`  recipients: ${states.map((r) => `${r.state}${r.reason ? ` (${r.reason})` : ''} ${r.n}`).join(' · ')}`);
    console.log(`  rejections: ${JSON.stringify(rejected)}; duplicates ${duplicates}; worker warnings ${JSON.stringify(problems)}`);
    console.log(`  CPU: ${formatCpuReport(report)}\n  bottleneck: ${report.bottleneck}`);
    const checks: Check[] = [
      { name: `${NUMBERS} numbers, ${WORKERS} workers: aggregate rate`, value: `${rate(total.meanRate)} (${pct(total.meanRate / (CONFIGURED * NUMBERS))} of ${(CONFIGURED * NUMBERS).toLocaleString('en')})`, target: 'reported (2 cores: see bottleneck)', met: completed, better: 'higher' },
      { name: `${NUMBERS} numbers: 130429 rejections`, value: String(rejected['130429'] ?? 0), target: '0', met: (rejected['130429'] ?? 0) === 0 },
      { name: `${NUMBERS} numbers: duplicates`, value: String(duplicates), target: '0', met: duplicates === 0 },
      { name: `${NUMBERS} numbers: busiest 1 s of any one number`, value: String(Math.max(...per.map((p) => paceOf(p.sent.map((m) => m.at)).max1s))), target: `≤ ${CONFIGURED + 1}`, met: per.every((p) => paceOf(p.sent.map((m) => m.at)).max1s <= CONFIGURED + 1) },
    ];
    printChecks('Multi-number dispatch', checks);
    return checks;
  } finally {
    for (const w of workers) if (w.child.exitCode === null) await stopCleanly(w).catch(() => undefined);
    await sim.close();
    await a.close();
    await fresh.cleanup();
  }
}

if (isMain(import.meta.url)) await runMultiNumberBench();
