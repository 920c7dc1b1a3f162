// Where uploads (CSV imports) are spooled: inside the data directory, owner-only, one folder per
// process. Why not the system temp directory: a process killed mid-import left the CSV (full of
// phone numbers) there forever, readable by whoever could read /tmp.
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isAlive } from './data-dir-lock.js';

/**
 * Creates `<dataDir>/uploads/<pid>` (0700) for this process and removes what dead processes left
 * behind (their folders, named by pid). A live process's folder is kept: on PostgreSQL several
 * processes may share one data directory. Returns this process's folder and how many were removed.
 */
export async function prepareUploadDir(dataDir: string): Promise<{ dir: string; removed: number }> {
  const root = join(dataDir, 'uploads');
  await mkdir(root, { recursive: true, mode: 0o700 });
  let removed = 0;
  for (const name of await readdir(root)) {
    const pid = /^\d+$/.test(name) ? Number(name) : undefined;
    // Our own pid's folder can only be a dead process's (the pid was recycled).
    if (pid !== undefined && pid !== process.pid && isAlive(pid)) continue;
    await rm(join(root, name), { recursive: true, force: true });
    removed++;
  }
  const dir = join(root, String(process.pid));
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return { dir, removed };
}
