// The Cloud API simulator in a process of its own, for the broadcast benchmarks: its event loop
// then only accepts sends and delivers webhooks, so the acceptance times it records are not
// delayed by the app or the dispatcher sharing its thread (a stall there would show as a burst).
// Started by broadcast-dispatch.ts: node --import tsx bench/broadcast-sim.ts '<SimulatorOptions JSON>'
// Prints "simulator listening on <url>"; stops on SIGINT/SIGTERM. Read it through /_sim/sent and /_sim/stats.
import { spawn } from 'node:child_process';
import { createSimulator, type SentMessage, type SimulatorOptions } from '../src/simulator/index.js';
import { isMain, ROOT } from './lib.js';

/** The simulator as the benchmark sees it, wherever it runs. */
export interface BenchSimulator {
  url: string;
  /** The process id (this process when in-process). */
  pid: number;
  /** Acceptance time (ms) and recipient of every template send from `phoneNumberId`. */
  sends(phoneNumberId: string, template: string): Promise<{ at: number; to: string }[]>;
  /** Synchronous rejections by Graph error code. */
  rejected(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/** Wraps an in-process simulator. */
export async function inProcessSimulator(options: SimulatorOptions): Promise<BenchSimulator> {
  const sim = createSimulator(options);
  const url = await sim.listen(0);
  return {
    url,
    pid: process.pid,
    sends: async (phoneNumberId, template) => sim.sent().filter((m: SentMessage) => m.phoneNumberId === phoneNumberId && m.template?.name === template).map((m) => ({ at: m.acceptedAt, to: m.to })),
    rejected: async () => ((await sim.app.inject({ method: 'GET', url: '/_sim/stats' })).json() as { rejected_by_code: Record<string, number> }).rejected_by_code,
    close: () => sim.close(),
  };
}

/** Starts the simulator in a child process (this file as its entry). */
export async function childSimulator(options: SimulatorOptions): Promise<BenchSimulator> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, JSON.stringify(options)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const m = /simulator listening on (http:\/\/\S+)/.exec(out);
      if (m) return resolve(m[1]!);
      if (child.exitCode !== null) return reject(new Error(`simulator exited ${child.exitCode}:\n${out}`));
      if (Date.now() - started > 30_000) return reject(new Error(`simulator not listening after 30 s:\n${out}`));
      setTimeout(tick, 20);
    };
    tick();
  });
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}${path}`);
    if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
    return (await res.json()) as T;
  };
  return {
    url,
    pid: child.pid!,
    async sends(phoneNumberId, template) {
      const { data } = await get<{ data: { accepted_at: string; to: string; template?: { name: string } }[] }>(`/_sim/sent?phone_number_id=${phoneNumberId}`);
      return data.filter((m) => m.template?.name === template).map((m) => ({ at: Date.parse(m.accepted_at), to: m.to }));
    },
    rejected: async () => (await get<{ rejected_by_code: Record<string, number> }>('/_sim/stats')).rejected_by_code,
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

if (isMain(import.meta.url)) {
  const sim = createSimulator(JSON.parse(process.argv[2] ?? '{}') as SimulatorOptions);
  const url = await sim.listen(0);
  console.log(`simulator listening on ${url}`);
  const stop = () => void sim.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
