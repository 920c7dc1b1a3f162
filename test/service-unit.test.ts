// examples/greenlist.service, the systemd unit the README ships for running Greenlist as a service:
// systemd itself checks it (systemd-analyze verify, with the checkout's real paths), and it runs
// node directly (a SIGTERM must reach the process that holds the port and the data directory, which
// `npm start` does not guarantee). The command it runs is started and stopped with SIGTERM here.
import { afterAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onPostgres } from './helpers/db.js';
import { childEnv, spawnGreenlist } from './helpers/process.js';

const ROOT = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const UNIT = join(ROOT, 'examples/greenlist.service');
const dirs: string[] = [];
const pids: number[] = [];
afterAll(async () => {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** The unit's key=value lines by section (repeated keys keep every value). */
function parseUnit(text: string): Record<string, Record<string, string[]>> {
  const sections: Record<string, Record<string, string[]>> = {};
  let current: Record<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(\w+)\]$/.exec(line);
    if (section) {
      current = sections[section[1]!] ??= {};
      continue;
    }
    const eq = line.indexOf('=');
    if (!current || eq <= 0) throw new Error(`not a unit line: ${line}`);
    (current[line.slice(0, eq)] ??= []).push(line.slice(eq + 1));
  }
  return sections;
}

function systemdAnalyze(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  return new Promise((resolve) =>
    execFile('systemd-analyze', args, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr })),
  );
}

describe('examples/greenlist.service', () => {
  it('runs node on bin/greenlist.js start (never through npm), stops with SIGTERM, keeps its data in the state directory', async () => {
    const unit = parseUnit(await readFile(UNIT, 'utf8'));
    expect(Object.keys(unit)).toEqual(['Unit', 'Service', 'Install']);
    const service = unit.Service!;
    expect(service.ExecStart).toEqual(['/usr/bin/node /opt/greenlist/bin/greenlist.js start']);
    expect(service.ExecStart!.join(' ')).not.toMatch(/\bnpm\b|\bnpx\b/);
    expect(service.KillSignal).toEqual(['SIGTERM']);
    expect(service.Environment).toContain('GREENLIST_DATA_DIR=/var/lib/greenlist');
    expect(service.StateDirectory).toEqual(['greenlist']);
    expect(service.WorkingDirectory).toEqual(['/opt/greenlist']);
    expect(unit.Install!.WantedBy).toEqual(['multi-user.target']);
  });

  it.skipIf(!existsSync('/usr/bin/systemd-analyze') && !existsSync('/bin/systemd-analyze'))('passes systemd-analyze verify with no warning, pointed at this checkout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'greenlist-unit-'));
    dirs.push(dir);
    const text = (await readFile(UNIT, 'utf8')).replaceAll('/usr/bin/node', process.execPath).replaceAll('/opt/greenlist', ROOT);
    await writeFile(join(dir, 'greenlist.service'), text);
    const res = await systemdAnalyze(['verify', join(dir, 'greenlist.service')]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    // The check has teeth: a typo in a key is reported.
    await writeFile(join(dir, 'greenlist.service'), text.replace('KillSignal=', 'KilSignal='));
    expect((await systemdAnalyze(['verify', join(dir, 'greenlist.service')])).stderr).toMatch(/Unknown key 'KilSignal'/);
  });

  // What the unit runs: SIGTERM (systemd's stop) ends it cleanly and frees the data directory.
  it.skipIf(onPostgres)('ExecStart stops cleanly on SIGTERM and releases the data directory', { timeout: 240_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'greenlist-unit-data-'));
    dirs.push(dir);
    const server = spawnGreenlist(['start'], { GREENLIST_DATA_DIR: dir, GREENLIST_PORT: '0', GREENLIST_SANDBOX: 'off' });
    const url = await server.ready(180_000);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(await server.stop('SIGTERM')).toBe(0);
    await expect(stat(join(dir, 'greenlist.lock'))).rejects.toThrow();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});

// `npm start` under a process manager: the manager signals npm, whose shell dies without passing the
// signal on. Greenlist notices its parent is gone and stops as if it got the SIGTERM itself.
describe.skipIf(onPostgres)('npm start', () => {
  it('stops cleanly and frees the data directory when npm gets SIGTERM (no orphaned node)', { timeout: 300_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'greenlist-npm-start-'));
    dirs.push(dir);
    const npm = spawn('npm', ['start'], { cwd: ROOT, env: childEnv({ GREENLIST_DATA_DIR: dir, GREENLIST_PORT: '0', GREENLIST_SANDBOX: 'off' }), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    npm.stdout.on('data', (d: Buffer) => (out += d.toString()));
    npm.stderr.on('data', (d: Buffer) => (out += d.toString()));
    await expect.poll(() => /"msg":"Greenlist start ready on (http:\/\/[^"]+)"/.test(out), { timeout: 240_000, interval: 200 }).toBe(true);
    const url = /"msg":"Greenlist start ready on (http:\/\/[^"]+)"/.exec(out)![1]!;
    const lock = JSON.parse(await readFile(join(dir, 'greenlist.lock'), 'utf8')) as { pid: number };
    pids.push(lock.pid);
    expect(lock.pid).not.toBe(npm.pid);
    npm.kill('SIGTERM');
    // The node process (not npm) held the lock: it goes once Greenlist has stopped.
    await expect.poll(() => existsSync(join(dir, 'greenlist.lock')), { timeout: 60_000, interval: 250 }).toBe(false);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    expect(out).toMatch(/"signal":"parent exited"[^\n]*"msg":"shutting down/);
  });
});
