// Where the CPU went during a measured span, per process and for the machine: the dispatch benches
// use it to say which process was the bottleneck (issue 20: "if two cores cannot hold the simulator,
// the status webhooks, the app and the worker, show where the time goes").
import { readdir, readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { procCpuSeconds as pidSeconds } from './broadcast-lib.js';

/** A named process (or every PostgreSQL server process, by command name) to account for. */
export type CpuSubject = { label: string; pid: number | 'self' } | { label: string; comm: 'postgres' };

/** Per-pid CPU seconds of every process whose command is `comm` (PostgreSQL backends come and go: kept per pid). */
async function commSeconds(comm: string): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const d of await readdir('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const name = await readFile(`/proc/${d}/comm`, 'utf8').catch(() => '');
    if (name.trim() !== comm) continue;
    const secs = await pidSeconds(Number(d));
    if (secs !== undefined) out.set(Number(d), secs);
  }
  return out;
}

/** Busy and total jiffies of the whole machine (/proc/stat's first line). */
async function machineJiffies(): Promise<{ busy: number; total: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (line[3] ?? 0) + (line[4] ?? 0);
  const total = line.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** One process's (or group's) share of the span: CPU seconds and % of one core. */
export interface CpuShare {
  label: string;
  cpuS: number;
  /** Of one core over the span (100 % = one core flat out). */
  corePct: number;
}

/** The accounting of a span: per subject, the machine's busy share, and which subject was the bottleneck. */
export interface CpuReport {
  shares: CpuShare[];
  /** Busy share of all cores (100 % = every core flat out). */
  machinePct: number;
  cores: number;
  /** The subject that used most CPU, and whether the machine as a whole was saturated (≥ 90 % busy). */
  bottleneck: string;
}

/** Starts accounting; `stop()` returns the CPU each subject used since. */
export async function startCpuAccounting(subjects: CpuSubject[]): Promise<{ stop(): Promise<CpuReport> }> {
  const read = async (s: CpuSubject): Promise<number | Map<number, number>> => {
    if ('comm' in s) return commSeconds(s.comm);
    if (s.pid === 'self') {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1e6;
    }
    return (await pidSeconds(s.pid)) ?? 0;
  };
  const t0 = performance.now();
  const m0 = await machineJiffies();
  const before = await Promise.all(subjects.map(read));
  return {
    async stop() {
      const spanS = (performance.now() - t0) / 1000;
      const m1 = await machineJiffies();
      const after = await Promise.all(subjects.map(read));
      const shares = subjects.map((s, i) => {
        const a = after[i]!;
        const b = before[i]!;
        // Per pid, only what each process used within the span (a backend started meanwhile counts from 0).
        const cpuS = typeof a === 'number' ? a - (b as number) : [...a].reduce((sum, [pid, v]) => sum + v - ((b as Map<number, number>).get(pid) ?? 0), 0);
        return { label: s.label, cpuS, corePct: spanS > 0 ? (100 * cpuS) / spanS : 0 };
      });
      const machinePct = m1.total > m0.total ? (100 * (m1.busy - m0.busy)) / (m1.total - m0.total) : 0;
      const top = [...shares].sort((x, y) => y.cpuS - x.cpuS)[0];
      const bottleneck = `${machinePct >= 90 ? `machine saturated (${machinePct.toFixed(0)} % of ${cpus().length} cores); ` : ''}most CPU: ${top?.label ?? '-'} (${top?.corePct.toFixed(0) ?? 0} % of a core)`;
      return { shares, machinePct, cores: cpus().length, bottleneck };
    },
  };
}

/** One line: "label 63 % · label 40 % · machine 97 %". */
export function formatCpuReport(r: CpuReport): string {
  return `${r.shares.map((s) => `${s.label} ${s.corePct.toFixed(0)} %`).join(' · ')} · machine ${r.machinePct.toFixed(0)} % of ${r.cores} cores`;
}
