// Startup benchmark: time from spawning `node bin/greenlist.js start` to the first 200 from /readyz.
//   cold: empty data dir (migrations + default workspace), warm: the same data dir again (median of 3).
// With DATABASE_URL set, the same is measured on PostgreSQL in a throwaway database on that server.
// Run: node --import tsx bench/startup.ts
import {
  freePort,
  isMain,
  median,
  ms,
  printChecks,
  printLoad,
  printMachine,
  randomMasterKey,
  redactUrl,
  runGreenlist,
  s,
  spawnGreenlist,
  stopCleanly,
  tempDataDir,
  tempPgDatabase,
  waitReady,
  type Check,
} from './lib.js';

const WARM_RUNS = 3;
const WARM_TARGET_MS = 3_000;
const COLD_TARGET_MS = 10_000;

interface StartRun {
  readyMs: number;
  stopMs: number;
}

/** Spawns `greenlist start`, waits for /readyz 200, stops it with SIGINT (exit code 0 required). */
async function startOnce(env: Record<string, string>): Promise<StartRun> {
  const port = await freePort();
  // Log level info only so the "Greenlist start ready" line can be awaited (see below).
  const proc = spawnGreenlist(['start'], { ...env, GREENLIST_PORT: String(port), GREENLIST_LOG_LEVEL: 'info' });
  try {
    const readyMs = await waitReady(proc, `http://127.0.0.1:${port}`);
    // /readyz answers as soon as Fastify listens, but the CLI installs its SIGINT handler only after
    // startServer() resolves (worker, control channel and lock update come after listen). A SIGINT
    // in that window kills the process by signal with the lock file left behind, so wait for the
    // "ready" log line, which is written just before the handlers are installed.
    await proc.waitForOutput(/"msg":"Greenlist start ready/);
    await new Promise((r) => setTimeout(r, 20));
    const stopMs = await stopCleanly(proc);
    return { readyMs, stopMs };
  } finally {
    await proc.stop('SIGKILL');
  }
}

async function measure(label: string, env: Record<string, string>): Promise<Check[]> {
  const cold = await startOnce(env);
  console.log(`  ${label} cold start: ready in ${ms(cold.readyMs)}, SIGINT -> exit 0 in ${ms(cold.stopMs)}`);
  const warm: StartRun[] = [];
  for (let i = 0; i < WARM_RUNS; i++) {
    const run = await startOnce(env);
    warm.push(run);
    console.log(`  ${label} warm start ${i + 1}/${WARM_RUNS}: ready in ${ms(run.readyMs)}, SIGINT -> exit 0 in ${ms(run.stopMs)}`);
  }
  const warmMedian = median(warm.map((r) => r.readyMs));
  return [
    { name: `${label}: cold start to /readyz 200`, value: s(cold.readyMs), target: `< ${s(COLD_TARGET_MS)}`, met: cold.readyMs < COLD_TARGET_MS },
    {
      name: `${label}: warm start to /readyz 200 (median of ${WARM_RUNS})`,
      value: `${s(warmMedian)} [${warm.map((r) => s(r.readyMs)).join(', ')}]`,
      target: `< ${s(WARM_TARGET_MS)}`,
      met: warmMedian < WARM_TARGET_MS,
    },
    { name: `${label}: SIGINT to exit 0 (median)`, value: ms(median([cold, ...warm].map((r) => r.stopMs))) },
  ];
}

/** Runs the startup benchmark and returns its figures (printing progress and a table). */
export async function runStartupBench(opts: { printMachine?: boolean } = {}): Promise<Check[]> {
  if (opts.printMachine ?? true) printMachine();
  console.log('\n== Startup: spawn `node bin/greenlist.js start` -> first 200 from GET /readyz ==');
  const checks: Check[] = [];

  // Baseline: what loading the CLI costs before any database work (tsx + every import).
  const help = await runGreenlist(['--help'], {});
  if (help.code !== 0) throw new Error(`greenlist --help exited ${help.code}:\n${help.stderr}`);
  console.log(`  baseline: \`greenlist --help\` (node + tsx + CLI imports, no database) took ${ms(help.ms)}`);
  checks.push({ name: 'baseline: `greenlist --help` run time', value: ms(help.ms) });

  const data = await tempDataDir('startup');
  try {
    console.log(`  PGlite data dir: ${data.dir}`);
    checks.push(...(await measure('PGlite', { GREENLIST_DATA_DIR: data.dir })));
  } finally {
    await data.cleanup();
  }

  const baseUrl = process.env.DATABASE_URL;
  if (baseUrl) {
    const tmp = await tempPgDatabase(baseUrl);
    try {
      console.log(`  PostgreSQL: throwaway database ${redactUrl(tmp.url)}`);
      const data2 = await tempDataDir('startup-pg');
      try {
        checks.push(...(await measure('PostgreSQL', { DATABASE_URL: tmp.url, GREENLIST_MASTER_KEY: randomMasterKey(), GREENLIST_DATA_DIR: data2.dir })));
      } finally {
        await data2.cleanup();
      }
    } finally {
      await tmp.drop();
    }
  } else {
    console.log('  (DATABASE_URL not set: PostgreSQL startup skipped)');
  }

  printChecks('Startup results', checks);
  printLoad('at end');
  return checks;
}

if (isMain(import.meta.url)) {
  runStartupBench().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
