import { isMainThread } from 'node:worker_threads';
import { pino, type Logger, type DestinationStream } from 'pino';
import { maskPhones, maskUrlSecrets, REDACT_PATHS } from './redact.js';

export type { Logger } from 'pino';

/** Options for the process logger. */
export interface LoggerOptions {
  level: string;
  destination?: DestinationStream;
}

/** Builds the structured logger: JSON lines, tokens and phone numbers redacted, URLs masked. */
export function createLogger(opts: LoggerOptions): Logger {
  return pino(
    {
      level: opts.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        req(req: { id?: string; method?: string; url?: string; ip?: string }) {
          return { id: req.id, method: req.method, url: req.url ? maskPhones(maskUrlSecrets(req.url)) : req.url, ip: req.ip };
        },
        err: pino.stdSerializers.err,
      },
      hooks: {
        // Messages are free text: mask anything that looks like a phone number before it is written.
        logMethod(args, method) {
          const masked = args.map((a) => (typeof a === 'string' ? maskPhones(a) : a)) as typeof args;
          method.apply(this, masked);
        },
      },
    },
    // Why synchronous off the main thread: a worker thread's process.exit ends it at once, and pino's
    // default (buffered) destination would drop the last lines, such as "stopped cleanly".
    opts.destination ?? (isMainThread ? undefined : pino.destination({ dest: 1, sync: true })),
  );
}

/** A logger that discards everything (tests, CLI commands that print their own output). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
