import { afterAll, describe, expect, it } from 'vitest';
import { chmod, lstat, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onPostgres } from './helpers/db.js';
import { runGreenlist } from './helpers/process.js';

// Issue 13 item 4: the embedded database (its WAL held plaintext API keys) was 0755/0666.
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Every path under `root` (itself included) whose mode lets group or others in. */
async function openToOthers(root: string): Promise<string[]> {
  const found: string[] = [];
  let count = 0;
  const walk = async (p: string) => {
    const st = await lstat(p);
    count++;
    if (st.isSymbolicLink()) return;
    if ((st.mode & 0o077) !== 0) found.push(`${p} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) for (const name of await readdir(p)) await walk(join(p, name));
  };
  await walk(root);
  expect(count).toBeGreaterThan(50); // pgdata was really created and walked
  return found;
}

describe.skipIf(onPostgres)('data directory permissions (PGlite)', { timeout: 300_000 }, () => {
  it('creates the data directory 0700 and every file under it owner-only, even with a permissive umask', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'greenlist-perms-'));
    dirs.push(parent);
    const dir = join(parent, 'data');
    // The child inherits this runner's umask (typically 022, which made 0755 dirs and 0644 files).
    const res = await runGreenlist(['apikey', 'create', '--name', 'perm'], { GREENLIST_DATA_DIR: dir });
    expect(res.code, res.stderr).toBe(0);
    expect((await lstat(dir)).mode & 0o777).toBe(0o700);
    expect((await lstat(join(dir, 'pgdata'))).mode & 0o077).toBe(0);
    expect((await lstat(join(dir, 'master.key'))).mode & 0o777).toBe(0o600);
    expect(await openToOthers(dir)).toEqual([]);
  });

  it('takes group and other permissions off a data directory made by an older version', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'greenlist-perms-'));
    dirs.push(parent);
    const dir = join(parent, 'data');
    // As an older version left it: a world-readable directory and world-writable files.
    await mkdir(join(dir, 'stray'), { recursive: true });
    await chmod(dir, 0o755);
    await chmod(join(dir, 'stray'), 0o777);
    await writeFile(join(dir, 'stray', 'notes.txt'), 'x');
    await chmod(join(dir, 'stray', 'notes.txt'), 0o666);
    await writeFile(join(dir, 'master.key'), 'cd'.repeat(32));
    await chmod(join(dir, 'master.key'), 0o644);
    const again = await runGreenlist(['apikey', 'create', '--name', 'again'], { GREENLIST_DATA_DIR: dir });
    expect(again.code, again.stderr).toBe(0);
    expect((await lstat(dir)).mode & 0o777).toBe(0o700);
    expect((await lstat(join(dir, 'stray', 'notes.txt'))).mode & 0o777).toBe(0o600);
    expect(await openToOthers(dir)).toEqual([]);
  });
});
