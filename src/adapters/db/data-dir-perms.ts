// Owner-only permissions for the data directory: the embedded database, its WAL, the master key
// and spooled uploads hold tokens, phone numbers and API keys, so no other local user may read them.
import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

/** Mode of every directory under the data directory. */
export const PRIVATE_DIR_MODE = 0o700;
/** Mode of every file under the data directory. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Makes the process create owner-only files from now on (umask 077). Why process-wide: PGlite
 * creates its files itself (mode 0666 minus umask), so the umask is the one place that covers them.
 * A worker thread cannot change it (Node forbids it); the main thread already did.
 */
export function useOwnerOnlyUmask(): void {
  if (isMainThread) process.umask(0o077);
}

/**
 * Creates the data directory 0700 and takes group/other permissions off everything already under
 * it (a data directory made by an older version is 0755 with 0666 files).
 */
export async function secureDataDir(dataDir: string): Promise<void> {
  useOwnerOnlyUmask();
  await mkdir(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await makeOwnerOnly(dataDir);
}

/**
 * Takes group/other permissions off `path` and everything under it (symlinks are left alone).
 * Why it also runs when PGlite closes: PGlite writes a few files (pg_internal.init) with an
 * explicit 0644 that the umask does not cover; the 0700 directory keeps others out meanwhile.
 */
export async function makeOwnerOnly(path: string): Promise<void> {
  await tighten(path);
}

async function tighten(path: string): Promise<void> {
  const st = await lstat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined; // removed while we walk: nothing to protect
    throw err;
  });
  if (!st) return;
  if (st.isSymbolicLink()) return;
  if (st.isDirectory()) {
    if ((st.mode & 0o077) !== 0) await chmod(path, st.mode & PRIVATE_DIR_MODE);
    for (const name of await readdir(path).catch(() => [])) await tighten(join(path, name));
  } else if ((st.mode & 0o077) !== 0) {
    await chmod(path, st.mode & PRIVATE_FILE_MODE);
  }
}
