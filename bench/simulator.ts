// Simulator throughput (issue 3 target: ≥ 2,000 accepted sends/s, so it never limits Greenlist's
// own benchmarks). The simulator runs as its own process (`greenlist simulator`) with the
// throughput and pair-rate limits lifted; autocannon POSTs template sends to distinct recipients.
// Statuses are generated (no webhook URL: they are logged, not POSTed).
// Run: node --import tsx bench/simulator.ts
import autocannon from 'autocannon';
import { freePort, isMain, ms, printChecks, printMachine, printTable, spawnGreenlist, type Check } from './lib.js';

const CONNECTIONS = 50;
const DURATION_S = 10;
const TARGET = 2_000;

/** Runs the simulator benchmark; returns its checks. */
export async function runSimulatorBench(opts: { printMachine?: boolean } = {}): Promise<Check[]> {
  if (opts.printMachine !== false) printMachine();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const proc = spawnGreenlist(['simulator', '--port', String(port)], { GREENLIST_LOG_LEVEL: 'warn' });
  try {
    await proc.waitForOutput(/listening on/);
    const cfg = await fetch(`${base}/_sim/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ numbers: { '106540352242922': { mps: 1_000_000, messaging_limit_tier: 'TIER_UNLIMITED' } }, pair_rate: { enforce: false }, throughput: { enforce: false } }),
    });
    if (!cfg.ok) throw new Error(`configure failed: ${cfg.status} ${await cfg.text()}`);
    let i = 0;
    const run = (duration: number) =>
      autocannon({
        url: `${base}/v23.0/106540352242922/messages`,
        connections: CONNECTIONS,
        duration,
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => ({
              ...req,
              headers: { 'content-type': 'application/json', authorization: 'Bearer sim-access-token' },
              body: JSON.stringify({ messaging_product: 'whatsapp', to: `+1415${String(5_000_000 + (i++ % 4_000_000)).padStart(7, '0')}`, type: 'template', biz_opaque_callback_data: `b${i}`, template: { name: 'hello_world', language: { code: 'en_US' } } }),
            }),
          },
        ],
      });
    await run(2);
    const r = await run(DURATION_S);
    console.log(`\nSimulator: ${CONNECTIONS} connections, ${DURATION_S} s of template sends to distinct recipients`);
    printTable(['sends/s', 'p50', 'p99', '2xx', 'non-2xx', 'errors'], [[Math.round(r.requests.average).toLocaleString('en'), ms(r.latency.p50), ms(r.latency.p99), String(r['2xx']), String(r.non2xx), String(r.errors)]]);
    const checks: Check[] = [{ name: 'simulator accepted sends/s', value: Math.round(r.requests.average).toLocaleString('en'), target: `≥ ${TARGET.toLocaleString('en')}`, met: r.requests.average >= TARGET && r.non2xx === 0 }];
    printChecks('Simulator', checks);
    return checks;
  } finally {
    await proc.stop('SIGINT');
  }
}

if (isMain(import.meta.url)) await runSimulatorBench();
