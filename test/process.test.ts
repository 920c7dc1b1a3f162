import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, onPostgres } from './helpers/db.js';
import { lastLine, runGreenlist, spawnGreenlist, type GreenlistProcess } from './helpers/process.js';

const MASTER_KEY = 'ab'.repeat(32);
const dirs: string[] = [];
const running: GreenlistProcess[] = [];

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'greenlist-proc-'));
  dirs.push(d);
  return d;
}

afterAll(async () => {
  for (const p of running) await p.stop('SIGKILL');
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function getWorkspace(url: string, key: string): Promise<number> {
  return (await fetch(`${url}/api/v1/workspace`, { headers: { authorization: `Bearer ${key}` } })).status;
}

describe('configuration errors', () => {
  it('lists every problem and exits non-zero', async () => {
    const res = await runGreenlist(['start'], { GREENLIST_PORT: 'x', GREENLIST_LOG_LEVEL: 'loud', GREENLIST_PROT: '1' });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/GREENLIST_PORT/);
    expect(res.stderr).toMatch(/GREENLIST_LOG_LEVEL/);
    expect(res.stderr).toMatch(/did you mean GREENLIST_PORT/);
  });
});

// Spawned processes (PGlite's first start runs initdb) are slow on a loaded 2-core machine.
describe.skipIf(onPostgres)('embedded mode (PGlite in a data directory)', { timeout: 120_000 }, () => {
  it('creates a key before the first start, then starts on that existing data dir', async () => {
    const dir = await tempDir();
    const created = await runGreenlist(['apikey', 'create', '--name', 'first'], { GREENLIST_DATA_DIR: dir });
    expect(created.code).toBe(0);
    const key = lastLine(created.stdout);
    expect(key).toMatch(/^glk_/);
    const server = spawnGreenlist(['start'], { GREENLIST_DATA_DIR: dir, GREENLIST_PORT: '0' });
    running.push(server);
    const url = await server.ready();
    expect(await getWorkspace(url, key)).toBe(200);
    expect(await server.stop()).toBe(0);
  });

  it('starts on an empty data dir, serves a key minted through the running server, refuses a second opener, and restarts cleanly', async () => {
    const dir = await tempDir();
    const env = { GREENLIST_DATA_DIR: dir, GREENLIST_PORT: '0' };
    const server = spawnGreenlist(['start'], env);
    running.push(server);
    const url = await server.ready();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    // The CLI must not open the PGlite directory a second time: it goes through the running server.
    const created = await runGreenlist(['apikey', 'create', '--name', 'while-running'], env);
    expect(created.code).toBe(0);
    const key = lastLine(created.stdout);
    expect(await getWorkspace(url, key)).toBe(200);

    const second = await runGreenlist(['start'], env);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/already running/);
    const migrate = await runGreenlist(['migrate'], env);
    expect(migrate.code).toBe(1);
    expect(migrate.stderr).toMatch(/owns/);

    expect(await server.stop('SIGINT')).toBe(0);
    await expect(stat(join(dir, 'greenlist.lock'))).rejects.toThrow();

    // Reopen: the data written before the shutdown is intact.
    const again = spawnGreenlist(['start'], env);
    running.push(again);
    const url2 = await again.ready();
    expect(await getWorkspace(url2, key)).toBe(200);
    expect(await again.stop('SIGTERM')).toBe(0);
  });

  it('takes over a lock left by a process that died', async () => {
    const dir = await tempDir();
    const env = { GREENLIST_DATA_DIR: dir, GREENLIST_PORT: '0' };
    const server = spawnGreenlist(['start'], env);
    running.push(server);
    await server.ready();
    await server.stop('SIGKILL');
    const again = spawnGreenlist(['start'], env);
    running.push(again);
    const url = await again.ready();
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(await again.stop()).toBe(0);
  });

  it('runs in sandbox mode out of the box: the simulator answers for a sandbox number and its webhooks reach Greenlist', async () => {
    const dir = await tempDir();
    const env = { GREENLIST_DATA_DIR: dir, GREENLIST_PORT: '0' };
    const server = spawnGreenlist(['start'], env);
    running.push(server);
    const url = await server.ready();
    const sim = /"sandbox":"(http:\/\/[^"]+)"/.exec(server.output())?.[1];
    expect(sim).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const key = lastLine((await runGreenlist(['apikey', 'create'], env)).stdout);
    const numbers = (await (await fetch(`${url}/api/v1/phone-numbers`, { headers: { authorization: `Bearer ${key}` } })).json()) as { data: Record<string, unknown>[] };
    expect(numbers.data).toHaveLength(1);
    expect(numbers.data[0]).toMatchObject({ is_sandbox: true, api_base_url: sim });
    expect(JSON.stringify(numbers.data)).not.toMatch(/sandbox-|access_token|app_secret|verify_token/);
    // The simulator's GET handshake and a signed inbound webhook both succeed against the app.
    const verify = (await (await fetch(`${sim}/_sim/webhooks/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { ok: boolean };
    expect(verify.ok).toBe(true);
    const inbound = await fetch(`${sim}/_sim/inbound`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: '+14155550123', text: 'Hi there' }) });
    expect(inbound.status).toBeLessThan(300);
    let delivered = false;
    for (let i = 0; i < 100 && !delivered; i++) {
      const log = (await (await fetch(`${sim}/_sim/webhooks?state=delivered&body=false`)).json()) as { data: { events: string[] }[] };
      delivered = log.data.some((d) => d.events.some((e) => e.startsWith('messages:inbound')));
      if (!delivered) await new Promise((r) => setTimeout(r, 100));
    }
    expect(delivered).toBe(true);
    expect(await server.stop()).toBe(0);

    // A restart keeps the same sandbox number (no duplicates).
    const again = spawnGreenlist(['start'], env);
    running.push(again);
    const url2 = await again.ready();
    const after = (await (await fetch(`${url2}/api/v1/phone-numbers`, { headers: { authorization: `Bearer ${key}` } })).json()) as { data: { id: string }[] };
    expect(after.data.map((n) => n.id)).toEqual(numbers.data.map((n) => n.id));
    expect(await again.stop()).toBe(0);
  });

  it('refuses the scale-out roles without PostgreSQL, with a clear message', async () => {
    const res = await runGreenlist(['api'], { GREENLIST_DATA_DIR: await tempDir() });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/DATABASE_URL/);
  });
});

describe.skipIf(!onPostgres)('scale-out on PostgreSQL', { timeout: 120_000 }, () => {
  it('runs two api processes and a worker against one database', async () => {
    const tdb = await createTestDatabase();
    try {
      const env = { DATABASE_URL: tdb.url!, GREENLIST_MASTER_KEY: MASTER_KEY, GREENLIST_PORT: '0' };
      const procs = [spawnGreenlist(['api'], env), spawnGreenlist(['api'], env), spawnGreenlist(['worker'], env)];
      running.push(...procs);
      const [url1, url2] = await Promise.all(procs.map((p) => p.ready()));
      const key = lastLine((await runGreenlist(['apikey', 'create'], env)).stdout);
      expect(await getWorkspace(url1!, key)).toBe(200);
      expect(await getWorkspace(url2!, key)).toBe(200);
      // Revoking through one process is effective in the other at once (no caches).
      const me = (await (await fetch(`${url1}/api/v1/auth/me`, { headers: { authorization: `Bearer ${key}` } })).json()) as { actor: { id: string } };
      const del = await fetch(`${url1}/api/v1/api-keys/${me.actor.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } });
      expect(del.status).toBe(200);
      expect(await getWorkspace(url2!, key)).toBe(401);
      for (const p of procs) expect(await p.stop('SIGTERM')).toBe(0);
    } finally {
      await tdb.close();
    }
  });

  it('runs `greenlist worker` in a thread whose heap is capped (GREENLIST_WORKER_HEAP_MB), uncapped on the main thread with 0', async () => {
    const tdb = await createTestDatabase();
    try {
      const env = { DATABASE_URL: tdb.url!, GREENLIST_MASTER_KEY: MASTER_KEY };
      const readyLine = (out: string) => JSON.parse(out.split('\n').find((l) => l.includes('"msg":"Greenlist worker ready"'))!) as { pid: number; thread: number; heap_limit_mb: number };
      const capped = spawnGreenlist(['worker'], { ...env, GREENLIST_WORKER_HEAP_MB: '96' });
      const uncapped = spawnGreenlist(['worker'], { ...env, GREENLIST_WORKER_HEAP_MB: '0' });
      running.push(capped, uncapped);
      await Promise.all([capped.ready(), uncapped.ready()]);
      const c = readyLine(capped.output());
      const u = readyLine(uncapped.output());
      // One process (the pid a supervisor signals), the work on a thread; the limit is old space plus the young generation.
      expect(c.pid).toBe(capped.child.pid);
      expect(c.thread).toBeGreaterThan(0);
      expect(c.heap_limit_mb).toBeGreaterThanOrEqual(96);
      expect(c.heap_limit_mb).toBeLessThan(96 + 64);
      expect(u.thread).toBe(0);
      expect(u.heap_limit_mb).toBeGreaterThan(500);
      // SIGTERM reaches the thread through the main thread: a clean stop, exit 0.
      expect(await capped.stop('SIGTERM')).toBe(0);
      expect(capped.output()).toMatch(/"msg":"stopped cleanly"/);
      expect(await uncapped.stop('SIGTERM')).toBe(0);
    } finally {
      await tdb.close();
    }
  });

  it('says why a worker cannot start, from its thread, and exits 1', async () => {
    const res = await runGreenlist(['worker'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', GREENLIST_MASTER_KEY: MASTER_KEY });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/cannot reach the database \(ECONNREFUSED\)/);
  });

  it('refuses to start with a clear message when PostgreSQL cannot be reached', async () => {
    const env = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', GREENLIST_MASTER_KEY: MASTER_KEY, GREENLIST_PORT: '0' };
    const res = await runGreenlist(['api'], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/cannot reach the database \(ECONNREFUSED\)/);
  });

  it('answers /readyz 503 while its database is gone, /healthz stays 200', async () => {
    const tdb = await createTestDatabase();
    const env = { DATABASE_URL: tdb.url!, GREENLIST_MASTER_KEY: MASTER_KEY, GREENLIST_PORT: '0' };
    const api = spawnGreenlist(['api'], env);
    running.push(api);
    const url = await api.ready();
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    await tdb.close(); // DROP DATABASE … WITH (FORCE) cuts the server's connections
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('DATABASE_UNAVAILABLE');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(await api.stop('SIGTERM')).toBe(0);
  });
});
