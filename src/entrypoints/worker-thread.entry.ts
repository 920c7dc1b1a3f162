// The thread `greenlist worker` runs in (see worker-thread.ts): the worker role, stopped by the
// signals the main thread forwards.
import { parentPort } from 'node:worker_threads';
import { serve } from './serve.js';

const handlers: ((signal: string) => void)[] = [];
parentPort?.on('message', (m: { type?: string; signal?: string }) => {
  if (m?.type === 'signal' && m.signal) for (const h of handlers) h(m.signal);
});
await serve('worker', (h) => handlers.push(h));
