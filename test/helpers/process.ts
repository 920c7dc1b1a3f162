import { spawn, type ChildProcess } from 'node:child_process';

const BIN = new URL('../../bin/greenlist.js', import.meta.url).pathname;

/** A Greenlist child process with its output captured. */
export interface GreenlistProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the base URL once the process logs that it is ready. */
  ready(timeoutMs?: number): Promise<string>;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

/**
 * Environment for a child: only what the test sets, plus PATH/HOME (no inherited GREENLIST_*).
 * Numbers in tests point at simulators on loopback, which an operator allows with
 * GREENLIST_GRAPH_ALLOWED_ORIGINS (pass it as '' to test without).
 */
export function childEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', GREENLIST_LOG_LEVEL: 'info', GREENLIST_SIMULATOR_PORT: '0', GREENLIST_GRAPH_ALLOWED_ORIGINS: 'http://127.0.0.1:*', ...env };
}

/** Spawns `greenlist <args>`. */
export function spawnGreenlist(args: string[], env: Record<string, string>): GreenlistProcess {
  const child = spawn(process.execPath, [BIN, ...args], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    ready: (timeoutMs = 30_000) =>
      new Promise<string>((resolve, reject) => {
        const started = Date.now();
        const tick = () => {
          const m = /"msg":"Greenlist \w+ ready(?: on (http:\/\/[^"]+))?"/.exec(out);
          if (m) return resolve(m[1] ?? '');
          if (child.exitCode !== null) return reject(new Error(`exited ${child.exitCode} before ready:\n${out}`));
          if (Date.now() - started > timeoutMs) return reject(new Error(`not ready after ${timeoutMs} ms:\n${out}`));
          setTimeout(tick, 50);
        };
        tick();
      }),
    stop: async (signal = 'SIGINT') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs `greenlist <args>` to completion. */
export async function runGreenlist(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, stdout, stderr };
}

/** The last non-empty line of `text`. */
export function lastLine(text: string): string {
  return text.trim().split('\n').pop()!.trim();
}
