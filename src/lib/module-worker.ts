// Starts worker threads on modules of this code base, whether it runs from source or built.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * The ES module of tsx's register API. `tsx/esm` registers nothing off the main thread and the
 * CommonJS build of the API cannot load its ESM half from a data: URL, so the ESM build is found
 * through tsx's own package exports.
 */
function tsxApiUrl(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('tsx/package.json');
  const pkg = require('tsx/package.json') as { exports: Record<string, { import?: { default?: string } }> };
  const rel = pkg.exports['./esm/api']?.import?.default ?? './dist/esm/api/index.mjs';
  return pathToFileURL(join(dirname(pkgPath), rel)).href;
}

/**
 * Starts a worker thread on `entry`. Greenlist runs its TypeScript through tsx without a build
 * step, and worker threads do not inherit the loader, so a thread started on a .ts file first
 * loads tsx itself.
 */
export function startModuleWorker(entry: URL, options: WorkerOptions): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const boot = `import { register } from ${JSON.stringify(tsxApiUrl())};\nregister();\nawait import(${JSON.stringify(entry.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), options);
}

/** The sibling module `name` of `importMetaUrl` (`name.ts` when running from source, `name.js` when built). */
export function siblingModule(name: string, importMetaUrl: string): URL {
  return new URL(`./${name}${importMetaUrl.endsWith('.ts') ? '.ts' : '.js'}`, importMetaUrl);
}
