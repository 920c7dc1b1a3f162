// Runs one role of Greenlist (start, api, worker) until a signal stops it; shared by the CLI and
// the worker thread that `greenlist worker` runs in.
import { resolve } from 'node:path';
import { ConfigError, loadConfig, type Config } from '../config/index.js';
import { AppError } from '../lib/errors.js';
import { createLogger } from '../lib/logger.js';
import { safeErrorMessage } from '../lib/redact.js';
import { isDatabaseDown } from '../adapters/db/db-errors.js';
import type { Role, RunningServer } from './server.js';
import { startupBanner } from './startup-banner.js';

/** Where SIGINT/SIGTERM come from: the process itself, or the main thread when this runs in a worker thread. */
export type SignalSource = (handler: (signal: string) => void) => void;

/** Signals delivered to this process; under npm, also the end of the process npm started it through. */
export const processSignals: SignalSource = (handler) => {
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
  if (process.env.npm_lifecycle_event) onParentExit(() => handler('parent exited'));
};

/**
 * Calls `cb` once the parent process is gone. Why: `npm start` runs node under `sh -c`; a SIGTERM
 * sent to npm (by a process manager) reaches that shell, which dies without passing it on, and node
 * ran on as an orphan holding the port and the data directory. Polled: no portable parent-death signal.
 */
function onParentExit(cb: () => void): void {
  const parent = process.ppid;
  if (parent <= 1) return;
  const timer = setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') return; // EPERM: alive, someone else's
      clearInterval(timer);
      cb();
    }
  }, 500);
  timer.unref();
}

/** The validated configuration, or exit 2 with every problem named. */
export function configOrExit(): Config {
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

/** Prints what went wrong (a coded message, a database hint, or the stack) and exits 1. */
export function fail(err: unknown): never {
  const msg =
    err instanceof AppError
      ? `${err.message} (${err.code})`
      : isDatabaseDown(err)
        ? `cannot reach the database (${(err as { code?: string }).code ?? (err as Error).message}); check DATABASE_URL and that PostgreSQL is running`
        : ((err as Error).stack ?? String(err));
  process.stderr.write(`greenlist: ${msg}\n`);
  process.exit(1);
}

/** Checks the configuration for `role` and exits 1 with the fix when it cannot run. */
export function requireRoleConfig(config: Config, role: Role): void {
  if (role !== 'start' && !config.databaseUrl) {
    fail(new AppError('VALIDATION_FAILED', `"greenlist ${role}" runs one role against a shared PostgreSQL; set DATABASE_URL, or run "greenlist start" for the embedded database`));
  }
}

/** Starts `role` and runs it until a signal; a second signal exits without waiting. */
export async function serve(role: Role, signals: SignalSource = processSignals): Promise<void> {
  const config = configOrExit();
  requireRoleConfig(config, role);
  const log = createLogger({ level: config.logLevel });
  // Signals are handled from the first moment: one that arrives while starting (the app may
  // already answer /readyz) waits for start-up to finish and then shuts down cleanly, so PGlite
  // is always closed and the lock released.
  const running: { server?: RunningServer } = {};
  let pendingSignal: string | undefined;
  let count = 0;
  const shutdown = (signal: string) => {
    count++;
    if (count > 1) {
      log.warn('second signal: exiting without waiting');
      process.exit(130);
    }
    const server = running.server;
    if (!server) {
      pendingSignal = signal;
      log.info({ signal }, 'signal during start-up: stopping once started');
      return;
    }
    log.info({ signal }, 'shutting down: finishing in-flight requests');
    server.stop().then(
      () => {
        log.info('stopped cleanly');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err: { message: safeErrorMessage(err) } }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  signals(shutdown);
  // Imported here: the main thread of a `greenlist worker` (which only hosts its thread) never loads the server.
  const { startServer } = await import('./server.js');
  running.server = await startServer(config, log, role).catch(fail);
  const banner = startupBanner({ role, url: running.server.url, sandboxUrl: running.server.sandboxUrl, database: running.server.runtime.database.kind, dataDir: config.databaseUrl ? undefined : resolve(config.dataDir), setupUrl: running.server.setupUrl });
  if (banner.length > 0) process.stderr.write(`${banner.join('\n')}\n`);
  if (pendingSignal) {
    count = 0;
    shutdown(pendingSignal);
  }
}
