import { open, readFile, unlink, writeFile, mkdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../lib/errors.js';

/** What the lock file says about the process that owns the data directory. */
export interface LockInfo {
  pid: number;
  startedAt: string;
  /** Loopback port of the owner's control channel, once it listens. */
  controlPort?: number;
  /** Bearer token for the control channel (the file is mode 0600). */
  controlToken?: string;
}

/** A held lock on a PGlite data directory. */
export interface DataDirLock {
  path: string;
  update(info: Partial<LockInfo>): Promise<void>;
  release(): Promise<void>;
}

const LOCK_FILE = 'greenlist.lock';

/** True when `pid` is a live Node process (a recycled pid of another program does not count). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A recycled pid that is not a Node process cannot be ours.
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('node');
  } catch {
    return true;
  }
}

/** Reads the lock of a data directory if a live process holds it. */
export async function readLiveLock(dataDir: string): Promise<LockInfo | undefined> {
  try {
    const info = JSON.parse(await readFile(join(dataDir, LOCK_FILE), 'utf8')) as LockInfo;
    return isAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes exclusive ownership of a PGlite data directory. PGlite is one process's database: opening
 * the same directory twice corrupts it, so a second opener gets DATA_DIR_LOCKED. A lock left by a
 * dead process is taken over.
 */
export async function acquireDataDirLock(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, LOCK_FILE);
  let info: LockInfo = { pid: process.pid, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, 'wx', 0o600);
      await fh.writeFile(JSON.stringify(info));
      await fh.close();
      return {
        path,
        update: async (more) => {
          info = { ...info, ...more };
          await writeFile(path, JSON.stringify(info), { mode: 0o600 });
        },
        release: async () => {
          await unlink(path).catch(() => undefined);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const live = await readLiveLock(dataDir);
      if (live) {
        throw new AppError('DATA_DIR_LOCKED', `Greenlist (pid ${live.pid}) is already running on ${dataDir}; stop it first or use the running instance`, {
          pid: live.pid,
        });
      }
      await unlink(path).catch(() => undefined);
    }
  }
  throw new AppError('DATA_DIR_LOCKED', `could not lock ${dataDir}; remove ${path} if no Greenlist process is running`);
}
