// Regression guard: `npm run bench:compare -- <ref>` measures the short form of the main benches
// for <ref> and for the working tree (HEAD plus uncommitted changes), interleaved in one run on one
// machine, and prints head/base ratios (above 1 = head is better, whichever way the figure points).
//
// How: <ref> is checked out into a temporary git worktree; this tree's bench/ is copied over the
// worktree's, so both sides are measured by the same harness and only the product differs. Each
// bench runs as its own child process (cwd = that tree), alternating base and head in ABBA order
// (base, head, head, base, … with --rounds) so drift in machine load hits both sides alike. The
// children report their checks through BENCH_JSON (see printChecks in lib.ts).
//
// Timing is never a CI gate here (shared machines are too noisy): CI runs `--smoke` against HEAD
// itself only to keep this script working. Options:
//   --rounds N        measurements per side per bench (default 1; ABBA needs 2 for the symmetry)
//   --benches a,b     any of: webhooks, stop, dispatch, import, segments (default all)
//   --smoke           tiny sizes (seconds, not minutes): checks the plumbing, not the speed
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMain, printMachine, printTable, ROOT } from './lib.js';
import { postgresUrl } from './seed-contacts.js';

/** One bench in its short form: the script and the environment that shortens it. */
interface BenchSpec {
  file: string;
  short: Record<string, string>;
  smoke: Record<string, string>;
}

/** The short forms issue 20 names: intake, STOP latency, dispatch at the 80 tier, a 100k import, segment counts at 100k. */
export const BENCHES: Record<string, BenchSpec> = {
  webhooks: { file: 'webhooks.ts', short: { WEBHOOK_BENCH_SECONDS: '8' }, smoke: { WEBHOOK_BENCH_SECONDS: '1' } },
  stop: { file: 'stop-latency.ts', short: { STOP_BENCH_SUBSCRIBERS: '100', STOP_BENCH_SECONDS: '6' }, smoke: { STOP_BENCH_SUBSCRIBERS: '5', STOP_BENCH_SECONDS: '1' } },
  dispatch: {
    file: 'broadcast-dispatch.ts',
    short: { DISPATCH_BENCH_TIERS: '80', DISPATCH_BENCH_SETUPS: 'pg-inproc,pglite', DISPATCH_BENCH_SCALE: '0.3' },
    smoke: { DISPATCH_BENCH_TIERS: '80', DISPATCH_BENCH_SETUPS: 'pg-inproc,pglite', DISPATCH_BENCH_SCALE: '0.01' },
  },
  import: { file: 'import.ts', short: { IMPORT_BENCH_ROWS: '100000', IMPORT_BENCH_UNDER_WEBHOOKS: '0' }, smoke: { IMPORT_BENCH_ROWS: '2000', IMPORT_BENCH_UNDER_WEBHOOKS: '0' } },
  segments: {
    file: 'segments.ts',
    short: { SEGMENT_BENCH_CONTACTS: '100000', SEGMENT_BENCH_RUNS: '5', SEGMENT_BENCH_COMPLEX_RUNS: '3', SEGMENT_BENCH_EXPLAIN: '0' },
    smoke: { SEGMENT_BENCH_CONTACTS: '2000', SEGMENT_BENCH_RUNS: '1', SEGMENT_BENCH_COMPLEX_RUNS: '1', SEGMENT_BENCH_EXPLAIN: '0' },
  },
};

/** A check as a child bench wrote it (lib.ts printChecks). */
interface RawCheck {
  title: string;
  name: string;
  value: string;
  target?: string;
  better?: 'higher' | 'lower';
}

/** A figure reduced to a number and a direction; undefined when the check holds no single number. */
export interface Figure {
  key: string;
  value: number;
  better: 'higher' | 'lower';
}

/** Reads the leading number of a check's value ("2,534", "69 ms", "1.20 s", "97.1 %", "183 MB"), in ms for times. */
export function parseFigure(c: RawCheck): Figure | undefined {
  const m = /^\s*(-?[\d,]*\.?\d+)\s*(ms|s|%|MB|GiB)?/.exec(c.value);
  if (!m) return undefined;
  let value = Number(m[1]!.replace(/,/g, ''));
  if (!Number.isFinite(value)) return undefined;
  if (m[2] === 's') value *= 1000;
  const better = c.better ?? (/^\s*[≥>]/.test(c.target ?? '') ? 'higher' : /^\s*[≤<]/.test(c.target ?? '') ? 'lower' : undefined);
  if (!better) return undefined;
  return { key: `${c.title}: ${c.name}`, value, better };
}

/** head relative to base, oriented so that above 1 is better for head. */
export function ratio(base: number, head: number, better: 'higher' | 'lower'): number {
  if (base === 0 && head === 0) return 1;
  if (better === 'higher') return base === 0 ? Infinity : head / base;
  return head === 0 ? Infinity : base / head;
}

const git = (args: string[], cwd = ROOT) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

/** Checks <ref> out into a temporary worktree with this tree's bench/ and a node_modules to run it. */
function prepareBase(ref: string): { dir: string; sha: string; cleanup(): void } {
  const sha = git(['rev-parse', '--verify', `${ref}^{commit}`]);
  const dir = mkdtempSync(join(tmpdir(), 'greenlist-compare-'));
  git(['worktree', 'add', '--detach', '--force', dir, sha]);
  const cleanup = () => {
    try {
      git(['worktree', 'remove', '--force', dir]);
    } catch {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    rmSync(join(dir, 'bench'), { recursive: true, force: true });
    cpSync(join(ROOT, 'bench'), join(dir, 'bench'), { recursive: true });
    const sameLock = existsSync(join(dir, 'package-lock.json')) && readFileSync(join(dir, 'package-lock.json'), 'utf8') === readFileSync(join(ROOT, 'package-lock.json'), 'utf8');
    if (sameLock) symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    else {
      console.log(`${sha.slice(0, 8)} has other dependencies: npm ci in ${dir} …`);
      execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: dir, stdio: 'inherit' });
    }
  } catch (err) {
    cleanup();
    throw err;
  }
  return { dir, sha, cleanup };
}

/** Runs one bench in `cwd` as a child process; resolves with its checks (empty when it failed). */
async function runBench(cwd: string, spec: BenchSpec, env: Record<string, string>, label: string): Promise<{ checks: RawCheck[]; ok: boolean; tail: string }> {
  const out = join(mkdtempSync(join(tmpdir(), 'greenlist-compare-json-')), 'checks.jsonl');
  const child = spawn(process.execPath, ['--import', 'tsx', join('bench', spec.file)], { cwd, env: { ...process.env, ...env, BENCH_JSON: out, BENCH_KEEP_SEEDS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const code: number | null = await new Promise((resolve) => child.on('close', resolve));
  const checks = existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as RawCheck) : [];
  rmSync(join(out, '..'), { recursive: true, force: true });
  const tail = log.split('\n').slice(-15).join('\n');
  if (code !== 0) console.log(`    ${label}: exited ${code}\n${tail.replace(/^/gm, '      | ')}`);
  return { checks, ok: code === 0, tail };
}

/** Median of the samples (figures are noisy; one outlier should not decide). */
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** A row of the comparison: one figure's samples on each side. */
export interface Row {
  key: string;
  better: 'higher' | 'lower';
  base: number[];
  head: number[];
}

/** Runs the comparison and prints the table; resolves with the rows (for the smoke test). */
export async function compare(opts: { ref: string; rounds: number; benches: string[]; smoke: boolean }): Promise<{ rows: Row[]; failures: string[] }> {
  printMachine();
  const pgUrl = await postgresUrl();
  const env: Record<string, string> = pgUrl ? { DATABASE_URL: pgUrl } : {};
  const base = prepareBase(opts.ref);
  const headSha = git(['rev-parse', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--untracked-files=no']).length > 0;
  console.log(`\nbench:compare — base ${base.sha.slice(0, 10)} (${opts.ref}) vs head ${headSha.slice(0, 10)}${dirty ? ' + uncommitted changes' : ''}; ${opts.smoke ? 'SMOKE sizes (plumbing only)' : 'short forms'}; ${opts.rounds} round(s) per side, ABBA order; engines: PGlite${pgUrl ? ' + PostgreSQL' : ' (no PostgreSQL reachable)'}`);
  const rows = new Map<string, Row>();
  const failures: string[] = [];
  try {
    for (const name of opts.benches) {
      const spec = BENCHES[name];
      if (!spec) throw new Error(`unknown bench "${name}" (one of ${Object.keys(BENCHES).join(', ')})`);
      for (let round = 0; round < opts.rounds; round++) {
        // ABBA: even rounds run base first, odd rounds head first.
        const order: ('base' | 'head')[] = round % 2 === 0 ? ['base', 'head'] : ['head', 'base'];
        for (const side of order) {
          const t0 = performance.now();
          const r = await runBench(side === 'base' ? base.dir : ROOT, spec, { ...env, ...(opts.smoke ? spec.smoke : spec.short) }, `${name} ${side}`);
          console.log(`  ${name} round ${round + 1} ${side}: ${r.checks.length} figures in ${((performance.now() - t0) / 1000).toFixed(1)} s${r.ok ? '' : ' (FAILED)'}`);
          if (!r.ok) failures.push(`${name} ${side}`);
          for (const c of r.checks) {
            const f = parseFigure(c);
            if (!f) continue;
            const row = rows.get(f.key) ?? { key: f.key, better: f.better, base: [], head: [] };
            row[side].push(f.value);
            rows.set(f.key, row);
          }
        }
      }
    }
  } finally {
    base.cleanup();
  }
  const list = [...rows.values()];
  console.log('');
  printTable(
    ['figure', 'better', `base ${base.sha.slice(0, 8)}`, `head ${headSha.slice(0, 8)}`, 'ratio (>1 better)', ''],
    list.map((r) => {
      const b = r.base.length ? median(r.base) : NaN;
      const h = r.head.length ? median(r.head) : NaN;
      const q = Number.isNaN(b) || Number.isNaN(h) ? NaN : ratio(b, h, r.better);
      return [r.key, r.better, fmt(r.base), fmt(r.head), Number.isNaN(q) ? 'n/a' : q.toFixed(2), q < 0.9 ? '<- below 0.9' : ''];
    }),
  );
  if (failures.length) console.log(`\nbench runs that failed: ${failures.join(', ')}`);
  return { rows: list, failures };
}

const fmt = (xs: number[]): string => (xs.length ? xs.map((x) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en') : x.toFixed(1))).join(' / ') : '-');

function parseArgs(argv: string[]): { ref: string; rounds: number; benches: string[]; smoke: boolean } {
  let ref: string | undefined;
  let rounds = 1;
  let benches = Object.keys(BENCHES);
  let smoke = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--rounds') rounds = Math.max(1, Number(argv[++i]));
    else if (a === '--benches') benches = argv[++i]!.split(',').filter(Boolean);
    else if (a === '--smoke') smoke = true;
    else if (!a.startsWith('-') && !ref) ref = a;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!ref) throw new Error('usage: npm run bench:compare -- <ref> [--rounds N] [--benches webhooks,stop,dispatch,import,segments] [--smoke]');
  return { ref, rounds, benches, smoke };
}

if (isMain(import.meta.url)) {
  const { failures } = await compare(parseArgs(process.argv.slice(2)));
  if (failures.length) process.exitCode = 1;
}
