// Runs the row pipeline in a worker thread. Phone parsing (libphonenumber, ~10 µs a row) and CSV
// parsing then use the second core while this thread writes to the database, which on PGlite
// runs on this very thread: the two overlap instead of adding up.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from '../../lib/errors.js';
import type { ContactChunk } from './chunker.js';
import type { CsvEncoding } from './encoding.js';
import type { ParseWorkerInput, ParseWorkerMessage } from './parse.worker.js';
import type { PipelineConfig, PipelineState } from './row-pipeline.js';

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
 * Starts the worker. Greenlist runs its TypeScript through tsx without a build step, and worker
 * threads do not inherit the loader, so a worker started from a .ts file first loads tsx itself.
 */
function startWorker(input: ParseWorkerInput): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './parse.worker.ts' : './parse.worker.js', import.meta.url);
  // The parent's flags (--import of a .ts hook, profilers) are not meant for the worker.
  // A small young generation keeps the worker's garbage (CSV strings, parsed numbers) from piling
  // up: about 80 MB less RSS (the worker is not the bottleneck; the database is). Old space only caps a runaway (the set of numbers
  // seen is ~40 bytes a row: 400 MB at the 512 MB file limit).
  const options = { workerData: input, execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 1024 } };
  if (!fromSource) return new Worker(entry, options);
  const api = tsxApiUrl();
  const boot = `import { register } from ${JSON.stringify(api)};\nregister();\nawait import(${JSON.stringify(entry.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), options);
}

function toError(e: { code?: string; message: string; details?: Record<string, unknown> }): Error {
  return e.code ? new AppError(e.code as ErrorCode, e.message, e.details) : new Error(`import parse worker failed: ${e.message}`);
}

/** Streams the file's write chunks, parsed in a worker thread, at most two chunks ahead of the caller. */
export async function* workerChunks(path: string, cfg: PipelineConfig, state: PipelineState): AsyncGenerator<ContactChunk> {
  const worker = startWorker({ path, cfg });
  const queue: (ParseWorkerMessage | { type: 'exit'; code: number })[] = [];
  let wake: (() => void) | undefined;
  const put = (m: (typeof queue)[number]) => {
    queue.push(m);
    wake?.();
  };
  worker.on('message', (m: ParseWorkerMessage) => put(m));
  worker.on('error', (err) => put({ type: 'error', error: { message: err.message } }));
  worker.on('exit', (code) => put({ type: 'exit', code }));
  try {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((r) => (wake = r));
      const m = queue.shift()!;
      if (m.type === 'error') throw toError(m.error);
      if (m.type === 'exit') throw new Error(`import parse worker stopped unexpectedly (exit code ${m.code})`);
      state.encoding = (m.encoding as CsvEncoding | undefined) ?? state.encoding;
      if (m.type === 'done') {
        state.bytesRead = m.bytesRead;
        return;
      }
      state.bytesRead = m.chunk.bytesRead;
      worker.postMessage('ack');
      yield m.chunk;
    }
  } finally {
    await worker.terminate();
  }
}
