// Issue 13 item 14: after kill -9 during an import, the uploaded CSV stayed in the system temp
// directory forever and the import showed `running` for two more minutes. Uploads now live in
// <data dir>/uploads/<pid> (0600 files); a restart removes dead processes' uploads and fails their
// imports at once (on PostgreSQL only those whose heartbeat lease expired: other processes may be alive).
import { afterAll, describe, expect, it } from 'vitest';
import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp } from './helpers/app.js';
import { onPostgres } from './helpers/db.js';
import { withDatabase } from './helpers/pg-admin.js';
import { lastLine, runGreenlist, spawnGreenlist, type GreenlistProcess } from './helpers/process.js';
import { PROC_MASTER_KEY, apiOf, expectStatus, freePort, waitUntil } from './helpers/broadcast-proc.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

/** Every file under `dir` with its mode. */
async function filesUnder(dir: string): Promise<{ path: string; mode: number }[]> {
  const out: { path: string; mode: number }[] = [];
  for (const name of await readdir(dir, { recursive: true })) {
    const st = await lstat(join(dir, name));
    if (st.isFile()) out.push({ path: name, mode: st.mode & 0o777 });
  }
  return out;
}

describe('housekeeping after kill -9 during an import', { timeout: 400_000 }, () => {
  it('keeps the upload in the data directory (0600), removes it on restart and marks the import failed at start-up', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'greenlist-impcrash-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    let env: Record<string, string> = { GREENLIST_DATA_DIR: dataDir, GREENLIST_PORT: String(port), GREENLIST_SANDBOX: 'off', GREENLIST_RATE_LIMIT_PER_KEY: '1000000', GREENLIST_RATE_LIMIT_PER_IP: '1000000' };
    let key: string;
    let t: TestApp | undefined;
    if (onPostgres) {
      t = await createTestApp();
      cleanups.push(() => t!.close());
      key = (await t.tenant('impcrash', 'owner')).key;
      env = { ...env, DATABASE_URL: t.testDb.url!, GREENLIST_MASTER_KEY: PROC_MASTER_KEY };
    } else {
      const created = await runGreenlist(['apikey', 'create', '--name', 'impcrash', '--role', 'owner'], env);
      expect(created.code, created.stderr).toBe(0);
      key = lastLine(created.stdout);
    }
    const first: GreenlistProcess = spawnGreenlist(['start'], env);
    cleanups.push(() => first.stop('SIGKILL'));
    const url = await first.ready(120_000);
    const api = apiOf(url, key);
    expectStatus(await api('POST', '/api/v1/topics', { key: 'offers', name: 'Offers', category: 'marketing' }), 201);
    const rows = 60_000;
    const csv = ['phone,name', ...Array.from({ length: rows }, (_, i) => `+234806${String(i).padStart(7, '0')},Person ${i}`)].join('\n');
    const q = new URLSearchParams({
      mapping: JSON.stringify({ phone: 'phone', name: 'name', topics: { keys: ['offers'] } }),
      attestation: JSON.stringify({ attested_by: 'Crash Test', collected_where: 'checkout form on shop.example', collected_at: '2025-03-01', text: 'Yes, send me offers on WhatsApp. Reply STOP to stop.' }),
    });
    const started = expectStatus(await api('POST', `/api/v1/imports?${q}`, csv, { contentType: 'text/csv' }), 202);
    const id = started.body.id as string;
    await waitUntil(async () => (await api('GET', `/api/v1/imports/${id}`)).body?.status === 'running', 60_000, 'the import to run');
    // The upload is spooled in this process's folder of the data directory, owner-only.
    const mine = join(dataDir, 'uploads', String(first.child.pid));
    const spooled = await filesUnder(mine);
    expect(spooled.map((f) => f.mode)).toEqual([0o600]);
    expect((await lstat(mine)).mode & 0o777).toBe(0o700);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(await filesUnder(mine)).toHaveLength(1); // left behind by the dead process

    let otherRunning: string | undefined;
    if (onPostgres) {
      // The killed import's heartbeat is fresh: as far as a new process can tell, its owner may be alive.
      // Its lease expires (as it would 90 s later), and another live process's import must survive the start-up.
      const r = await withDatabase(t!.testDb.url!, async (c) => {
        await c.query(`update imports set heartbeat_at = now() - interval '100 seconds' where id = $1`, [id]);
        return c.query<{ id: string }>(`insert into imports (workspace_id, status, mapping, heartbeat_at, started_at) select workspace_id, 'running', mapping, now(), now() from imports where id = $1 returning id`, [id]);
      });
      otherRunning = r.rows[0]!.id;
    }

    const second = spawnGreenlist(['start'], env);
    cleanups.push(() => second.stop('SIGKILL'));
    const url2 = await second.ready(120_000);
    const api2 = apiOf(url2, key);
    // At once after start-up, not after the two-minute sweep.
    const after = expectStatus(await api2('GET', `/api/v1/imports/${id}`), 200).body;
    expect(after.status, JSON.stringify(after)).toBe('failed');
    expect(String(after.failure)).toMatch(/run the same file again/);
    if (otherRunning) expect(expectStatus(await api2('GET', `/api/v1/imports/${otherRunning}`), 200).body.status).toBe('running');
    // The dead process's upload is gone; the new process has its own (empty) folder.
    expect(await readdir(join(dataDir, 'uploads'))).toEqual([String(second.child.pid)]);
    expect(await filesUnder(join(dataDir, 'uploads'))).toEqual([]);
    expect(await second.stop()).toBe(0);
  });
});
