// HTTP throughput benchmark: Greenlist runs as a child process (`greenlist start`), autocannon drives it
// on loopback from this process. GET /healthz (no database) and an authenticated GET /api/v1/workspace
// (API-key lookup + workspace read), each 10 s after a 2 s warmup with 50 connections.
// PGlite always; PostgreSQL too when DATABASE_URL is set (in a throwaway database on that server).
// Run: node --import tsx bench/http.ts
import autocannon, { type Result } from 'autocannon';
import {
  createApiKey,
  freePort,
  httpStatus,
  isMain,
  printChecks,
  printLoad,
  printMachine,
  printTable,
  randomMasterKey,
  redactUrl,
  spawnGreenlist,
  stopCleanly,
  tempDataDir,
  tempPgDatabase,
  waitReady,
  type Check,
} from './lib.js';

const CONNECTIONS = 50;
const WARMUP_S = 2;
const DURATION_S = 10;
/** High enough that the per-key and per-IP buckets never answer 429 during a run. */
const NO_RATE_LIMIT = '1000000000';

const TARGETS: Record<string, Record<string, number>> = {
  PGlite: { healthz: 10_000, workspace: 3_000 },
};

interface Endpoint {
  id: 'healthz' | 'workspace';
  label: string;
  path: string;
  auth: boolean;
}

const ENDPOINTS: Endpoint[] = [
  { id: 'healthz', label: 'GET /healthz', path: '/healthz', auth: false },
  { id: 'workspace', label: 'GET /api/v1/workspace (API key)', path: '/api/v1/workspace', auth: true },
];

interface Row {
  db: string;
  endpoint: Endpoint;
  result: Result;
}

async function cannon(url: string, headers: Record<string, string>, duration: number): Promise<Result> {
  return autocannon({ url, connections: CONNECTIONS, duration, headers });
}

/** Starts Greenlist with `env`, creates a key, and runs every endpoint. */
async function benchDatabase(db: string, env: Record<string, string>): Promise<Row[]> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const fullEnv = {
    ...env,
    GREENLIST_PORT: String(port),
    GREENLIST_LOG_LEVEL: 'warn',
    GREENLIST_RATE_LIMIT_PER_KEY: NO_RATE_LIMIT,
    GREENLIST_RATE_LIMIT_PER_IP: NO_RATE_LIMIT,
  };
  const proc = spawnGreenlist(['start'], fullEnv);
  const rows: Row[] = [];
  try {
    const readyMs = await waitReady(proc, base);
    const key = await createApiKey(fullEnv);
    const auth = { authorization: `Bearer ${key}` };
    const check = await httpStatus(`${base}/api/v1/workspace`, auth);
    if (check !== 200) throw new Error(`GET /api/v1/workspace with the new key answered ${check}, expected 200`);
    console.log(`\n  [${db}] ready in ${readyMs.toFixed(0)} ms on ${base}; key created`);

    for (const ep of ENDPOINTS) {
      const headers = ep.auth ? auth : {};
      const url = `${base}${ep.path}`;
      await cannon(url, headers, WARMUP_S);
      const result = await cannon(url, headers, DURATION_S);
      console.log(
        `  [${db}] ${ep.label}: ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ` +
          `non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}, total ${result.requests.total}`,
      );
      rows.push({ db, endpoint: ep, result });
    }
    await stopCleanly(proc);
  } finally {
    await proc.stop('SIGKILL');
  }
  return rows;
}

/** Runs the HTTP benchmark and returns its figures (printing progress and tables). */
export async function runHttpBench(opts: { printMachine?: boolean } = {}): Promise<Check[]> {
  if (opts.printMachine ?? true) printMachine();
  console.log(
    `\n== HTTP: autocannon on loopback, ${CONNECTIONS} connections, ${WARMUP_S} s warmup + ${DURATION_S} s measured per endpoint; ` +
      'server = `node bin/greenlist.js start` (log level warn, rate limits raised) ==',
  );
  console.log('   note: client and server share this machine\'s cores');
  const rows: Row[] = [];

  const data = await tempDataDir('http');
  try {
    rows.push(...(await benchDatabase('PGlite', { GREENLIST_DATA_DIR: data.dir })));
  } finally {
    await data.cleanup();
  }

  const baseUrl = process.env.DATABASE_URL;
  if (baseUrl) {
    const tmp = await tempPgDatabase(baseUrl);
    const data2 = await tempDataDir('http-pg');
    try {
      console.log(`\n  PostgreSQL: throwaway database ${redactUrl(tmp.url)}`);
      rows.push(...(await benchDatabase('PostgreSQL', { DATABASE_URL: tmp.url, GREENLIST_MASTER_KEY: randomMasterKey(), GREENLIST_DATA_DIR: data2.dir })));
    } finally {
      await data2.cleanup();
      await tmp.drop();
    }
  } else {
    console.log('\n  (DATABASE_URL not set: PostgreSQL run skipped)');
  }

  console.log('\nHTTP figures');
  printTable(
    ['database', 'endpoint', 'req/s (avg)', 'p50', 'p99', 'non-2xx', 'errors', 'requests'],
    rows.map((r) => [
      r.db,
      r.endpoint.label,
      String(Math.round(r.result.requests.average)),
      `${r.result.latency.p50} ms`,
      `${r.result.latency.p99} ms`,
      String(r.result.non2xx),
      String(r.result.errors + r.result.timeouts),
      String(r.result.requests.total),
    ]),
  );

  const checks: Check[] = [];
  for (const r of rows) {
    const target = TARGETS[r.db]?.[r.endpoint.id];
    const rps = r.result.requests.average;
    checks.push({
      name: `${r.db}: ${r.endpoint.label} req/s`,
      value: String(Math.round(rps)),
      ...(target !== undefined ? { target: `>= ${target.toLocaleString('en-US')}`, met: rps >= target } : {}),
    });
    checks.push({
      name: `${r.db}: ${r.endpoint.label} non-2xx + errors`,
      value: String(r.result.non2xx + r.result.errors + r.result.timeouts),
      target: '0',
      met: r.result.non2xx + r.result.errors + r.result.timeouts === 0,
    });
  }
  printChecks('HTTP results', checks);
  printLoad('at end');
  return checks;
}

if (isMain(import.meta.url)) {
  runHttpBench().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
