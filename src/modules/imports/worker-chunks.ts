// Runs the row pipeline in a worker thread. Phone parsing (libphonenumber, ~10 µs a row) and CSV
// parsing then use the second core while this thread writes to the database, which on PGlite
// runs on this very thread: the two overlap instead of adding up.
import type { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from '../../lib/errors.js';
import { siblingModule, startModuleWorker } from '../../lib/module-worker.js';
import type { ContactChunk } from './chunker.js';
import type { CsvEncoding } from './encoding.js';
import type { ParseWorkerInput, ParseWorkerMessage } from './parse.worker.js';
import type { PipelineConfig, PipelineState } from './row-pipeline.js';

/** Starts the parse worker thread. */
function startWorker(input: ParseWorkerInput): Worker {
  // The parent's flags (--import of a .ts hook, profilers) are not meant for the worker.
  // A small young generation keeps the worker's garbage (CSV strings, parsed numbers) from piling
  // up: about 80 MB less RSS (the worker is not the bottleneck; the database is). Old space only caps a runaway (the set of numbers
  // seen is ~40 bytes a row: 400 MB at the 512 MB file limit).
  const options = { workerData: input, execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 1024 } };
  return startModuleWorker(siblingModule('parse.worker', import.meta.url), options);
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
