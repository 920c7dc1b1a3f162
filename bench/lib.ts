// Shared helpers for the benchmarks: spawning Greenlist, waiting for readiness, machine info, tables.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** Repository root (bench/..). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The CLI launcher the benchmarks spawn, exactly as a user would run it. */
export const BIN = fileURLToPath(new URL('../bin/greenlist.js', import.meta.url));

// bench:compare runs this harness against older commits too, whose config refuses settings it does not know.
const KNOWS_GRAPH_ORIGINS = readFileSync(join(ROOT, 'src/config/config.schema.ts'), 'utf8').includes('GREENLIST_GRAPH_ALLOWED_ORIGINS');

/** A random 32-byte master key as 64 hex characters (needed with DATABASE_URL). */
export function randomMasterKey(): string {
  return randomBytes(32).toString('hex');
}

// ---------------------------------------------------------------------------------------------
// Machine

/** The machine the figures were measured on. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  os: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() || 'unknown',
    cores: list.length,
    ramGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${process.platform} ${release()} ${process.arch}`,
  };
}

export function printMachine(loadWhen = 'at start'): void {
  const m = machineInfo();
  console.log(`Machine: ${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM, Node ${m.node}, ${m.os}`);
  printLoad(loadWhen);
}

/**
 * Prints the load average. Client, server (and PostgreSQL) already share the cores, so any other
 * work on the machine skews every figure; a warning makes that visible next to the numbers.
 */
export function printLoad(when: string): void {
  const l = loadavg();
  // Only meaningful before the bench adds its own load (the end figure includes the bench itself).
  const busy = when === 'at start' && l[0]! > cpus().length * 0.5;
  console.log(`Load average ${when} (1/5/15 min): ${l.map((x) => x.toFixed(2)).join(' / ')}${busy ? '  <- machine busy: figures are likely low' : ''}`);
}

// ---------------------------------------------------------------------------------------------
// Processes

/**
 * Environment for a Greenlist child: PATH/HOME only, plus what the bench sets. Nothing else is
 * inherited, so a stray GREENLIST_* or DATABASE_URL in the caller's shell cannot change the run.
 */
export function childEnv(env: Record<string, string>): Record<string, string> {
  // Bench numbers point at simulators on loopback, allowed as an operator would allow them.
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', GREENLIST_LOG_LEVEL: 'warn', GREENLIST_SIMULATOR_PORT: '0', ...(KNOWS_GRAPH_ORIGINS ? { GREENLIST_GRAPH_ALLOWED_ORIGINS: 'http://127.0.0.1:*' } : {}), ...env };
}

/** A spawned Greenlist process with its output captured. */
export interface GreenlistProcess {
  child: ChildProcess;
  /** `performance.now()` just before spawn. */
  spawnedAt: number;
  output(): string;
  /** Resolves with `performance.now()` when the output first matches `pattern` (polled every 5 ms). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<number>;
  exited: Promise<number | null>;
  /** Sends SIGINT (by default) and resolves with the exit code; SIGKILLs after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

/** Spawns `node bin/greenlist.js <args>`. */
export function spawnGreenlist(args: string[], env: Record<string, string>): GreenlistProcess {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...(process.env.CHILD_NODE_ARGS?.split(' ') ?? []), BIN, ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    spawnedAt,
    output: () => out,
    waitForOutput: async (pattern, timeoutMs = 30_000) => {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        if (pattern.test(out)) return performance.now();
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited before printing ${pattern}:\n${out}`);
        if (performance.now() > deadline) throw new Error(`no ${pattern} after ${timeoutMs} ms:\n${out}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    exited,
    stop: async (signal = 'SIGINT', timeoutMs = 15_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Runs `node bin/greenlist.js <args>` to completion. */
export async function runGreenlist(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [...(process.env.CHILD_NODE_ARGS?.split(' ') ?? []), BIN, ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, stdout, stderr, ms: performance.now() - t0 };
}

/** Creates an API key with the CLI (through the running server on PGlite) and returns it. */
export async function createApiKey(env: Record<string, string>): Promise<string> {
  const res = await runGreenlist(['apikey', 'create', '--name', 'bench', '--role', 'admin'], env);
  const key = res.stdout.trim().split('\n').pop()?.trim() ?? '';
  if (res.code !== 0 || !key.startsWith('glk_')) throw new Error(`apikey create failed (exit ${res.code}):\n${res.stdout}${res.stderr}`);
  return key;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** One GET on a fresh connection; resolves with the status code (rejects on connection errors). */
export function httpStatus(url: string, headers: Record<string, string> = {}, timeoutMs = 2000): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', agent: false, headers, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Polls `GET <baseUrl>/readyz` every `intervalMs` until it answers 200 and returns
 * milliseconds since the process was spawned. Fails if the process exits first or on timeout.
 */
export async function waitReady(proc: GreenlistProcess, baseUrl: string, timeoutMs = 60_000, intervalMs = 10): Promise<number> {
  const deadline = proc.spawnedAt + timeoutMs;
  for (;;) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(`Greenlist exited (${proc.child.exitCode ?? proc.child.signalCode}) before it was ready:\n${proc.output()}`);
    }
    try {
      if ((await httpStatus(`${baseUrl}/readyz`)) === 200) return performance.now() - proc.spawnedAt;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`not ready after ${timeoutMs} ms:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Stops a process with SIGINT and throws unless it exits with code 0; returns the shutdown time in ms. */
export async function stopCleanly(proc: GreenlistProcess): Promise<number> {
  const t0 = performance.now();
  const code = await proc.stop('SIGINT');
  const ms = performance.now() - t0;
  if (code !== 0) {
    const how = code === null ? `was killed by ${proc.child.signalCode}` : `exited with ${code}`;
    throw new Error(`Greenlist ${how} after SIGINT (expected exit code 0):\n${proc.output()}`);
  }
  return ms;
}

// ---------------------------------------------------------------------------------------------
// Data locations

/** A fresh empty temp directory for a PGlite data dir; `cleanup` removes it. */
export async function tempDataDir(label: string): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `greenlist-bench-${label}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Creates an empty database next to the one `baseUrl` names (same server and credentials), so a
 * bench never writes into a developer's database. `url` points at it; `drop` removes it.
 */
export async function tempPgDatabase(baseUrl: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `greenlist_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** `postgres://user:***@host/db`: the URL without its password, for printing. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

// ---------------------------------------------------------------------------------------------
// Figures

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** One measured figure against its target (`target` undefined: informational). */
export interface Check {
  name: string;
  value: string;
  target?: string;
  met?: boolean;
  /** Which way is better, for figures whose target does not say (a raw baseline); bench:compare reads it. */
  better?: 'higher' | 'lower';
}

export function verdict(c: Check): string {
  return c.met === undefined ? '-' : c.met ? 'met' : 'MISSED';
}

/** Prints a plain-text table with left-aligned columns. */
export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

export function printChecks(title: string, checks: Check[]): void {
  // bench:compare runs each bench as a child and reads its checks from this file (one JSON line per check).
  if (process.env.BENCH_JSON) appendFileSync(process.env.BENCH_JSON, checks.map((c) => JSON.stringify({ title, ...c }) + '\n').join(''));
  console.log(`\n${title}`);
  printTable(
    ['figure', 'value', 'target', 'result'],
    checks.map((c) => [c.name, c.value, c.target ?? '-', verdict(c)]),
  );
}

export const ms = (n: number): string => `${Math.round(n)} ms`;
export const s = (n: number): string => `${(n / 1000).toFixed(2)} s`;

/** True when this module is the script node was started with (not imported by run-all). */
export function isMain(importMetaUrl: string): boolean {
  return process.argv[1] !== undefined && fileURLToPath(importMetaUrl) === process.argv[1];
}
