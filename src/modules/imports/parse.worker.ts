// The parse worker: reads a CSV file and posts write chunks to the importing thread, at most
// MAX_AHEAD chunks ahead of it (the importer acknowledges each chunk it takes).
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../lib/errors.js';
import type { ContactChunk } from './chunker.js';
import { contactChunks, type PipelineConfig, type PipelineState } from './row-pipeline.js';

/** What the worker is started with. */
export interface ParseWorkerInput {
  path: string;
  cfg: PipelineConfig;
}

/** Messages the worker posts. */
export type ParseWorkerMessage =
  | { type: 'chunk'; chunk: ContactChunk; encoding: string | undefined }
  | { type: 'done'; bytesRead: number; encoding: string | undefined }
  | { type: 'error'; error: { code?: string; message: string; details?: Record<string, unknown> } };

/** Chunks the worker may prepare before the importer takes the first of them. */
export const MAX_AHEAD = 2;

async function run(port: NonNullable<typeof parentPort>, input: ParseWorkerInput): Promise<void> {
  let credits = MAX_AHEAD;
  let wake: (() => void) | undefined;
  port.on('message', (m) => {
    if (m === 'ack') {
      credits++;
      wake?.();
    }
  });
  const state: PipelineState = { bytesRead: 0 };
  try {
    for await (const chunk of contactChunks(createReadStream(input.path, { highWaterMark: 256 * 1024 }), input.cfg, state)) {
      while (credits === 0) await new Promise<void>((r) => (wake = r));
      credits--;
      port.postMessage({ type: 'chunk', chunk, encoding: state.encoding } satisfies ParseWorkerMessage);
    }
    port.postMessage({ type: 'done', bytesRead: state.bytesRead, encoding: state.encoding } satisfies ParseWorkerMessage);
  } catch (err) {
    const error = err instanceof AppError ? { code: err.code, message: err.message, details: err.details } : { message: err instanceof Error ? err.message : String(err) };
    port.postMessage({ type: 'error', error } satisfies ParseWorkerMessage);
  }
  port.close();
}

if (parentPort) await run(parentPort, workerData as ParseWorkerInput);
