// `greenlist worker` runs its work in a worker thread whose heap is capped (GREENLIST_WORKER_HEAP_MB).
// Why: V8 sizes a heap to its allocation rate, not to what is live: a worker sending 1,000 msg/s
// holds 60–70 MB live but grew to ~300 MB RSS uncapped. A heap limit can only be set when an
// isolate is created (not from inside a running process), and re-executing node with a flag
// would put the work in a child that outlives a SIGKILL of the pid an operator (or a test)
// knows. A thread keeps one process: one pid, one signal, one exit code.
import { isMainThread } from 'node:worker_threads';
import { siblingModule, startModuleWorker } from '../lib/module-worker.js';
import { configOrExit, processSignals, requireRoleConfig, serve } from './serve.js';

/** The launch already chose a heap size (NODE_OPTIONS or node's own flags): respect it. */
function heapChosenAtLaunch(): boolean {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return flags.some((f) => f.startsWith('--max-old-space-size') || f.startsWith('--max-semi-space-size'));
}

/** Runs the worker role: in a heap-capped thread, or on this thread when the cap is off (0) or chosen at launch. */
export async function runWorker(): Promise<void> {
  const config = configOrExit();
  requireRoleConfig(config, 'worker');
  if (!isMainThread || config.workerHeapMb === 0 || heapChosenAtLaunch()) return serve('worker');
  const thread = startModuleWorker(siblingModule('worker-thread.entry', import.meta.url), {
    execArgv: [],
    // A small young generation: the dispatcher's garbage is short-lived, and a large nursery is RSS.
    resourceLimits: { maxOldGenerationSizeMb: config.workerHeapMb, maxYoungGenerationSizeMb: 16 },
  });
  let signals = 0;
  processSignals((signal) => {
    signals++;
    // A second signal exits without waiting, as on the main thread.
    if (signals > 1) process.exit(130);
    thread.postMessage({ type: 'signal', signal });
  });
  thread.on('error', (err: Error & { code?: string }) => {
    const hint = err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? ` (the worker's heap is capped at ${config.workerHeapMb} MB; raise GREENLIST_WORKER_HEAP_MB, or 0 for no cap)` : '';
    process.stderr.write(`greenlist worker: ${err.message}${hint}\n`);
    process.exit(1);
  });
  thread.on('exit', (code) => process.exit(code));
}
