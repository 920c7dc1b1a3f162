// CSV import benchmark (docs/performance.md T1, T6; issue 4 targets). Generates a 1,000,000-row
// CSV (phones in several formats and countries, names, a city attribute, tags, topic consent with
// a date on 20 % of rows, 1 % duplicates, 0.5 % invalid), then imports it end to end with the real
// CLI (`greenlist import`) into a fresh database:
//   - PGlite: a running `greenlist start` owns the data dir, so the CLI hands the file to it over
//     the control channel and the import runs in the server process (its peak RSS is reported);
//   - PostgreSQL (DATABASE_URL, or the local server if reachable): the CLI imports in-process
//     (its own peak RSS is the app memory), into a throwaway database.
// Each engine runs twice: alone, then (fresh database again) while signed webhooks are posted at
// 300/s, printing the webhook ack latency during the import. A raw baseline (plain unnest insert
// of already-normalised rows) and a raw COPY of the same rows are measured on the same machine, so
// the ratios can be compared across noisy machines.
// Run: node --import tsx bench/import.ts   (IMPORT_BENCH_ROWS=200000 for a quick run;
// BENCH_ENGINES=pglite|postgres picks the engines)
import { createWriteStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import autocannon, { type Options, type Result } from 'autocannon';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { freePort, isMain, ms, printChecks, printMachine, printTable, randomMasterKey, s, spawnGreenlist, createApiKey, stopCleanly, tempDataDir, tempPgDatabase, waitReady, type Check } from './lib.js';
import { param, sql } from 'drizzle-orm';
import { bodies, NUMBER, SECRET } from './webhooks.js';
import { openDatabase } from '../src/adapters/db/database.js';
import { runMigrations } from '../src/adapters/db/migrate.js';
import { silentLogger } from '../src/lib/logger.js';
import { ensureDefaultWorkspace, findWorkspaceBySlug } from '../src/modules/workspaces/index.js';

const ROWS = Number(process.env.IMPORT_BENCH_ROWS ?? 1_000_000);
const CHUNK = process.env.IMPORT_BENCH_CHUNK ?? '';
const TARGETS = { PGlite: 20_000, PostgreSQL: 50_000 };
const WEBHOOK_RATE = 300;
/** IMPORT_BENCH_UNDER_WEBHOOKS=0 skips the second run of each engine under webhook load (bench:compare's short form). */
const UNDER_WEBHOOKS = process.env.IMPORT_BENCH_UNDER_WEBHOOKS !== '0';

const CITIES = ['London', 'Leeds', 'Paris', 'Lyon', 'Berlin', 'München', 'São Paulo', 'New York', 'Zürich', 'Kraków', 'Lisbon', 'Madrid'];
const FIRST = ['Ann', 'Bob', 'José', 'Zoë', 'Łukasz', 'Priya', 'Chen', 'Fatima', 'Olivia', 'Noah', 'Aiyana', 'Søren'];

/** The phone of row i in one of several formats and countries (unique per i below 3 M). */
function phoneOf(i: number): string {
  const d = String(i).padStart(7, '0');
  switch (i % 4) {
    case 0:
      return `+44 7400 ${d.slice(1)}`;
    case 1:
      return `+1 (415) 2${d.slice(1, 3)}-${d.slice(3)}`;
    case 2:
      return `+49 151 ${d}1`;
    default:
      return `07401 ${d.slice(1)}`; // national format: needs default_country GB
  }
}

/** Writes the benchmark CSV; returns its size and what it contains. */
export async function generateCsv(path: string, rows: number): Promise<{ bytes: number; consentRows: number; invalid: number; duplicates: number }> {
  const out = createWriteStream(path);
  let buf = 'phone,name,city,tags,topics,opted_in\n';
  let bytes = 0;
  let consentRows = 0;
  let invalid = 0;
  let duplicates = 0;
  for (let i = 0; i < rows; i++) {
    let phone = phoneOf(i);
    if (i % 200 === 199) {
      phone = 'n/a';
      invalid++;
    } else if (i % 100 === 99) {
      phone = phoneOf(i - 50);
      duplicates++;
    }
    const consent = i % 5 === 0;
    if (consent && phone !== 'n/a') consentRows++;
    const tags = i % 10 === 0 ? 'vip;newsletter' : i % 3 === 0 ? 'newsletter' : '';
    const date = consent ? `2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}` : '';
    buf += `${phone},"${FIRST[i % FIRST.length]} ${i}",${CITIES[i % CITIES.length]},${tags},${consent ? 'offers' : ''},${date}\n`;
    if (buf.length > 1 << 16) {
      bytes += Buffer.byteLength(buf);
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  bytes += Buffer.byteLength(buf);
  out.end(buf);
  await once(out, 'finish');
  return { bytes, consentRows, invalid, duplicates };
}

/** Peak RSS (VmHWM) of a process, sampled from /proc until stopped. */
function peakRss(pid: number): { stop(): number } {
  let peak = 0;
  const read = async () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch {
      // process gone
    }
  };
  const timer = setInterval(() => void read(), 200);
  void read();
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

async function api(base: string, key: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}${path}`, { method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

interface Outcome {
  db: keyof typeof TARGETS;
  webhooks: Result | undefined;
  rows: number;
  created: number;
  errors: number;
  consent: number;
  importMs: number;
  wallMs: number;
  peakRss: number;
  rssOf: string;
}

export function cliArgs(file: string): string[] {
  return [
    'import', file, '--name-column', 'name', '--default-country', 'GB', '--attribute', 'city=city', '--tags-column', 'tags', '--topics-column', 'topics',
    '--consent-date-column', 'opted_in', '--attested-by', 'Bench Owner', '--collected-where', 'shop checkout form', '--collected-at', '2024-01-01',
    '--consent-text', 'Yes, send me offers on WhatsApp (about 2 a month). Reply STOP to stop.', ...(CHUNK ? ['--chunk-size', CHUNK] : []),
  ];
}

async function runOne(db: keyof typeof TARGETS, env: Record<string, string>, file: string, withWebhooks: boolean): Promise<Outcome> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawnGreenlist(['start'], { ...env, GREENLIST_PORT: String(port), GREENLIST_RATE_LIMIT_PER_KEY: '1000000000', GREENLIST_RATE_LIMIT_PER_IP: '1000000000' });
  let blaster: ReturnType<typeof autocannon> | undefined;
  try {
    await waitReady(server, base);
    const key = await createApiKey(env);
    await api(base, key, '/api/v1/topics', { key: 'offers', name: 'Offers', category: 'marketing' });
    await api(base, key, '/api/v1/attributes', { key: 'city', type: 'string' });
    let webhooks: Promise<Result> | undefined;
    if (withWebhooks) {
      await api(base, key, '/api/v1/phone-numbers', { ...NUMBER, display_number: '+1 555 010 0000', access_token: 'EAAG-bench', app_secret: SECRET, verify_token: 'bench-verify', api_base_url: 'http://127.0.0.1:9' });
      const pool = bodies(3_000);
      let i = 0;
      // A steady 300 webhooks/s (the 80 msg/s tier: 3 statuses per message plus inbound), not a flood.
      const load: Options & { overallRate: number } = {
        url: `${base}/webhooks/whatsapp`,
        connections: 20,
        overallRate: WEBHOOK_RATE,
        duration: 3_600,
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => {
              const b = pool[i++ % pool.length]!;
              return { ...req, body: b.body, headers: { ...req.headers, 'content-type': 'application/json', 'x-hub-signature-256': b.signature } };
            },
          },
        ],
      };
      blaster = autocannon(load);
      webhooks = Promise.resolve(blaster);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const t0 = performance.now();
    const cli = spawnGreenlist(cliArgs(file), env);
    // PGlite: the running server does the import; PostgreSQL: the CLI process itself.
    const sampled = db === 'PGlite' ? server.child.pid! : cli.child.pid!;
    const rss = peakRss(sampled);
    const code = await cli.exited;
    const wallMs = performance.now() - t0;
    const peak = rss.stop();
    blaster?.stop();
    const result = webhooks ? await webhooks : undefined;
    if (code !== 0) throw new Error(`greenlist import exited ${code}:\n${cli.output()}\nserver (last lines):\n${server.output().slice(-4000)}`);
    const list = (await api(base, key, '/api/v1/imports?limit=1')) as { data: { rows_total: number; created: number; error_count: number; consent_granted: number; started_at: string; finished_at: string }[] };
    const imp = list.data[0]!;
    await stopCleanly(server);
    return {
      db,
      webhooks: result,
      rows: imp.rows_total,
      created: imp.created,
      errors: imp.error_count,
      consent: imp.consent_granted,
      importMs: Date.parse(imp.finished_at) - Date.parse(imp.started_at),
      wallMs,
      peakRss: peak,
      rssOf: db === 'PGlite' ? 'server (imports in-process, PGlite embedded)' : 'CLI (imports in-process)',
    };
  } finally {
    blaster?.stop();
    await server.stop('SIGKILL');
  }
}

async function postgresUrl(): Promise<string | undefined> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const url = 'postgres://postgres@127.0.0.1:5432/postgres';
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  try {
    await c.connect();
    await c.end();
    return url;
  } catch {
    return undefined;
  }
}

/**
 * The raw ceiling on this machine, now: already-normalised rows inserted into contacts with one
 * plain unnest INSERT per 5,000 (no parsing, no upsert, no consent), on a fresh database.
 */
async function rawInsertBaseline(pgUrl: string | undefined, rows = 100_000): Promise<number> {
  const dir = pgUrl ? undefined : await tempDataDir('import-raw');
  const tmp = pgUrl ? await tempPgDatabase(pgUrl) : undefined;
  const database = tmp ? await openDatabase({ kind: 'postgres', url: tmp.url, poolSize: 2 }) : await openDatabase({ kind: 'pglite', dataDir: dir!.dir });
  try {
    await runMigrations(database, tmp?.url);
    await ensureDefaultWorkspace(database.db, { now: new Date(), log: silentLogger() });
    const ws = (await findWorkspaceBySlug(database.db, 'default'))!.id;
    const t0 = performance.now();
    for (let start = 0; start < rows; start += 5_000) {
      const idx = Array.from({ length: 5_000 }, (_, k) => start + k);
      await database.db.execute(sql`
        insert into contacts (workspace_id, phone, name, country, timezone, timezone_source, attributes, tags)
        select ${ws}::uuid, r.phone, r.name, 'GB', 'Europe/London', 'number', r.attributes, string_to_array(r.tags, ';')
        from unnest(${param(idx.map((i) => `+447400${String(i).padStart(6, '0')}`))}::text[], ${param(idx.map((i) => `Person ${i}`))}::text[],
                    ${param(idx.map((i) => JSON.stringify({ city: CITIES[i % CITIES.length] })))}::jsonb[], ${param(idx.map((i) => (i % 10 === 0 ? 'vip;newsletter' : '')))}::text[])
          as r(phone, name, attributes, tags)`);
    }
    return Math.round((rows / (performance.now() - t0)) * 1000);
  } finally {
    await database.close();
    await dir?.cleanup();
    await tmp?.drop();
  }
}

/** The baseline rows as COPY text lines (tab-separated; arrays and JSON in their text forms). */
function copyLines(ws: string, start: number, n: number): string {
  let out = '';
  for (let i = start; i < start + n; i++) {
    out += `${ws}\t+447400${String(i).padStart(6, '0')}\tPerson ${i}\tGB\tEurope/London\tnumber\t{"city": "${CITIES[i % CITIES.length]}"}\t${i % 10 === 0 ? '{vip,newsletter}' : '{}'}\n`;
  }
  return out;
}

const COPY_COLUMNS = 'contacts (workspace_id, phone, name, country, timezone, timezone_source, attributes, tags)';

/**
 * The raw COPY ceiling on this machine, now: already-normalised rows copied into contacts, 10,000
 * per COPY (the import's chunk), no parsing, no upsert, no consent, on a fresh database. PostgreSQL:
 * COPY FROM STDIN (pg-copy-streams); PGlite: COPY FROM '/dev/blob'.
 */
async function rawCopyBaseline(pgUrl: string | undefined, rows = 100_000): Promise<number> {
  const dir = pgUrl ? undefined : await tempDataDir('import-copy');
  const tmp = pgUrl ? await tempPgDatabase(pgUrl) : undefined;
  const database = tmp ? await openDatabase({ kind: 'postgres', url: tmp.url, poolSize: 2 }) : await openDatabase({ kind: 'pglite', dataDir: dir!.dir });
  const client = tmp ? new pg.Client({ connectionString: tmp.url }) : undefined;
  try {
    await runMigrations(database, tmp?.url);
    await ensureDefaultWorkspace(database.db, { now: new Date(), log: silentLogger() });
    const ws = (await findWorkspaceBySlug(database.db, 'default'))!.id;
    await client?.connect();
    const t0 = performance.now();
    for (let start = 0; start < rows; start += 10_000) {
      const text = copyLines(ws, start, Math.min(10_000, rows - start));
      if (client) {
        const stream = client.query(copyFrom(`COPY ${COPY_COLUMNS} FROM STDIN`));
        await pipeline(Readable.from([text]), stream);
      } else {
        const pglite = (database.db as unknown as { $client: { query(q: string, p: unknown[], o: { blob: Blob }): Promise<unknown> } }).$client;
        await pglite.query(`COPY ${COPY_COLUMNS} FROM '/dev/blob'`, [], { blob: new Blob([text]) });
      }
    }
    return Math.round((rows / (performance.now() - t0)) * 1000);
  } finally {
    await client?.end();
    await database.close();
    await dir?.cleanup();
    await tmp?.drop();
  }
}

const mb = (n: number) => `${Math.round(n / 1_048_576)} MB`;
const rate = (rows: number, t: number) => Math.round((rows / t) * 1000);

/** Runs the import benchmark; returns its checks. */
export async function runImportBench(opts: { printMachine?: boolean } = {}): Promise<Check[]> {
  if (opts.printMachine !== false) printMachine();
  const dir = await tempDataDir('import-csv');
  const file = join(dir.dir, 'contacts.csv');
  const outcomes: Outcome[] = [];
  const baselines: Record<string, number> = {};
  const copyBaselines: Record<string, number> = {};
  try {
    const t0 = performance.now();
    const gen = await generateCsv(file, ROWS);
    console.log(`\nCSV import: ${ROWS.toLocaleString('en')} rows, ${mb(gen.bytes)} (${gen.consentRows.toLocaleString('en')} with topic consent, ${gen.duplicates} duplicates, ${gen.invalid} invalid), generated in ${s(performance.now() - t0)}`);
    const pgUrl = await postgresUrl();
    const wanted = (process.env.BENCH_ENGINES ?? 'pglite,postgres').split(',');
    const engines: { db: keyof typeof TARGETS; env: () => Promise<{ env: Record<string, string>; done(): Promise<void> }> }[] = [
      ...(wanted.includes('pglite') ? [{ db: 'PGlite' as const, env: async () => { const d = await tempDataDir('import'); return { env: { GREENLIST_DATA_DIR: d.dir }, done: d.cleanup }; } }] : []),
      ...(pgUrl && wanted.includes('postgres') ? [{ db: 'PostgreSQL' as const, env: async () => { const t = await tempPgDatabase(pgUrl); return { env: { DATABASE_URL: t.url, GREENLIST_MASTER_KEY: randomMasterKey() }, done: t.drop }; } }] : []),
    ];
    for (const e of engines) {
      baselines[e.db] = await rawInsertBaseline(e.db === 'PGlite' ? undefined : pgUrl, Math.min(100_000, ROWS));
      copyBaselines[e.db] = await rawCopyBaseline(e.db === 'PGlite' ? undefined : pgUrl, Math.min(100_000, ROWS));
      for (const withWebhooks of UNDER_WEBHOOKS ? [false, true] : [false]) {
        const target = await e.env();
        try {
          outcomes.push(await runOne(e.db, target.env, file, withWebhooks));
        } finally {
          await target.done();
        }
      }
    }
  } finally {
    await rm(file, { force: true });
    await dir.cleanup();
  }
  printTable(
    ['database', 'webhooks', 'rows', 'created', 'errors', 'grants', 'import time', 'rows/s', 'wall (CLI)', 'raw insert rows/s', 'ratio', 'raw COPY rows/s', 'ratio to COPY', 'peak RSS', 'ack p50', 'ack p99', 'ack max', 'acks'],
    outcomes.map((o) => [
      o.db,
      o.webhooks ? `${WEBHOOK_RATE}/s` : '-',
      o.rows.toLocaleString('en'),
      o.created.toLocaleString('en'),
      String(o.errors),
      o.consent.toLocaleString('en'),
      s(o.importMs),
      rate(o.rows, o.importMs).toLocaleString('en'),
      s(o.wallMs),
      baselines[o.db]!.toLocaleString('en'),
      (rate(o.rows, o.importMs) / baselines[o.db]!).toFixed(2),
      copyBaselines[o.db]!.toLocaleString('en'),
      (rate(o.rows, o.importMs) / copyBaselines[o.db]!).toFixed(2),
      `${mb(o.peakRss)} (${o.rssOf})`,
      o.webhooks ? ms(o.webhooks.latency.p50) : '-',
      o.webhooks ? ms(o.webhooks.latency.p99) : '-',
      o.webhooks ? ms(o.webhooks.latency.max) : '-',
      o.webhooks ? `${o.webhooks['2xx']} ok / ${o.webhooks.non2xx + o.webhooks.errors} failed` : '-',
    ]),
  );
  const checks: Check[] = [];
  for (const [db, raw] of Object.entries(baselines)) checks.push({ name: `${db} raw unnest insert rows/s (baseline)`, value: raw.toLocaleString('en'), better: 'higher' });
  for (const [db, raw] of Object.entries(copyBaselines)) checks.push({ name: `${db} raw COPY rows/s (baseline)`, value: raw.toLocaleString('en'), better: 'higher' });
  for (const o of outcomes) {
    const label = `${o.db} import${o.webhooks ? ' under webhooks' : ''}`;
    checks.push({ name: `${label} rows/s`, value: rate(o.rows, o.importMs).toLocaleString('en'), target: `≥ ${TARGETS[o.db].toLocaleString('en')}`, met: rate(o.rows, o.importMs) >= TARGETS[o.db] });
    if (o.db === 'PostgreSQL') checks.push({ name: `${label} app peak RSS`, value: mb(o.peakRss), target: '≤ 512 MB', met: o.peakRss <= 512 * 1_048_576 });
    else checks.push({ name: `${label} server peak RSS`, value: mb(o.peakRss), target: '≤ 1.5 GiB (T6)', met: o.peakRss <= 1.5 * 1024 ** 3 });
    if (o.webhooks) checks.push({ name: `${label}: webhook ack p99`, value: ms(o.webhooks.latency.p99), target: '< 250 ms', met: o.webhooks.latency.p99 < 250 && o.webhooks.non2xx === 0 });
  }
  printChecks('CSV import', checks);
  return checks;
}

if (isMain(import.meta.url)) await runImportBench();
