import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WEB = join(ROOT, 'web');
const BUILT_INDEX = join(WEB, 'dist', 'index.html');

function newestMtime(path: string): number {
  const s = statSync(path, { throwIfNoEntry: false });
  if (!s) return 0;
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** True when web/dist is missing or older than any source of the admin UI (the shipped typed client in client/ is bundled into it). */
export function isWebBuildStale(): boolean {
  const built = statSync(BUILT_INDEX, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = [...['index.html', 'vite.config.ts', 'src', 'public'].map((p) => join(WEB, p)), join(ROOT, 'client')].map(newestMtime);
  return built === 0 || Math.max(...sources) > built;
}

/** Builds the admin UI (`npm run build:web`) unless web/dist is already up to date; returns the build time in ms, or 0. */
export async function ensureWebBuilt(): Promise<number> {
  if (!isWebBuildStale()) return 0;
  const started = performance.now();
  await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT });
  return performance.now() - started;
}
