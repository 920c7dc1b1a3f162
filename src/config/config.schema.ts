import { isIP } from 'node:net';
import { z } from 'zod';
import { parseAllowedOrigins, type AllowedOrigin } from '../lib/outbound/index.js';

const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** True for one proxy address or CIDR range, or one of proxy-addr's named ranges. */
function isProxyRange(entry: string): boolean {
  const [ip, bits, extra] = entry.split('/');
  if (extra !== undefined || !ip) return false;
  if (bits === undefined) return PROXY_RANGE_NAMES.includes(ip) || isIP(ip) !== 0;
  const max = isIP(ip) === 4 ? 32 : isIP(ip) === 6 ? 128 : 0;
  return max > 0 && /^\d{1,3}$/.test(bits) && Number(bits) <= max;
}

/** GREENLIST_TRUST_PROXY: false, true (one hop), a hop count, or a comma-separated list of proxy ranges. */
function isTrustProxy(v: string): boolean {
  if (v === 'true' || v === 'false' || /^(?:[1-9]|10)$/.test(v)) return true;
  return v.split(',').every((e) => isProxyRange(e.trim()));
}

/** The Fastify `trustProxy` value for a GREENLIST_TRUST_PROXY setting that passed validation. */
export function trustProxyOf(v: string): false | number | string[] {
  if (v === 'false') return false;
  // `true` used to trust every X-Forwarded-For entry, which a client can write itself; it now means one proxy.
  if (v === 'true') return 1;
  if (/^\d+$/.test(v)) return Number(v);
  return v.split(',').map((e) => e.trim());
}

const port = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(fallback);

const positiveInt = (fallback: number) =>
  z.coerce.number({ error: 'must be a number' }).int('must be a whole number').positive('must be greater than 0').default(fallback);

/** Every environment variable Greenlist reads, with defaults. Keys are the variable names. */

/** A comma-separated list of origins an operator allows (refused with the parser's reason). */
function originList() {
  return z
    .string()
    .default('')
    .transform((text, c) => {
      try {
        return parseAllowedOrigins(text);
      } catch (err) {
        c.addIssue({ code: 'custom', message: `${(err as Error).message} (a comma-separated list of origins)` });
        return z.NEVER;
      }
    });
}
export const configSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  GREENLIST_DATA_DIR: z.string().min(1).default('./data'),
  GREENLIST_PORT: port(8080),
  GREENLIST_HOST: z.string().min(1).default('127.0.0.1'),
  GREENLIST_MASTER_KEY: z
    .string()
    .regex(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/, 'must be 32 bytes as 64 hex characters or base64 (generate one with: openssl rand -hex 32)')
    .optional(),
  GREENLIST_PUBLIC_URL: z.url('must be an absolute URL such as https://lists.example.com').optional(),
  GREENLIST_SIMULATOR_PORT: port(8081),
  GREENLIST_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GREENLIST_BODY_LIMIT_BYTES: positiveInt(1_048_576),
  GREENLIST_DB_POOL_SIZE: positiveInt(10),
  GREENLIST_RATE_LIMIT_PER_KEY: positiveInt(6000),
  GREENLIST_RATE_LIMIT_PER_IP: positiveInt(600),
  GREENLIST_TRUST_PROXY: z
    .string()
    .refine(isTrustProxy, 'use false, a hop count (1 = one reverse proxy in front), or proxy addresses/ranges such as "10.0.0.0/8,loopback"')
    .default('false'),
  GREENLIST_WORKER_HEAP_MB: z.coerce.number({ error: 'must be a number of MB' }).int('must be a whole number').min(0, 'must be 0 (no cap) or a size in MB').default(160),
  // Turns on GET /metrics (Prometheus), which then needs `Authorization: Bearer <this>`.
  GREENLIST_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters (generate one with: openssl rand -hex 32)').optional(),
  // Where `greenlist worker` (which serves no API) answers GET /metrics when the token is set.
  GREENLIST_METRICS_PORT: port(9464),
  GREENLIST_SANDBOX: z.enum(['auto', 'on', 'off'], { error: 'must be auto, on or off' }).default('auto'),
  // Cloud API origins besides https://graph.facebook.com a number may use (a proxy, a simulator).
  GREENLIST_GRAPH_ALLOWED_ORIGINS: originList(),
  // Outbound webhook origins the operator trusts: plain http and private or loopback addresses allowed (an internal CRM).
  GREENLIST_WEBHOOK_ALLOWED_ORIGINS: originList(),
});

/** Validated configuration, in the shape the rest of the code uses. */
export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  host: string;
  masterKey: Buffer | undefined;
  publicUrl: string;
  simulatorPort: number;
  logLevel: string;
  bodyLimitBytes: number;
  dbPoolSize: number;
  rateLimitPerKeyPerMinute: number;
  rateLimitPerIpPerMinute: number;
  /** Which X-Forwarded-For entries to believe: none, the last N hops, or those added by these proxy ranges. */
  trustProxy: false | number | string[];
  /** Heap cap (MB, old generation) of the thread `greenlist worker` runs in; 0 runs it uncapped on the main thread. */
  workerHeapMb: number;
  /** auto: run the bundled Cloud API simulator when no real number is connected. */
  sandbox: 'auto' | 'on' | 'off';
  /** Bearer token of GET /metrics; unset: no /metrics (404). */
  metricsToken: string | undefined;
  /** Port of the worker's own /metrics listener (on GREENLIST_HOST). */
  metricsPort: number;
  /** Origins besides Meta's Graph host that numbers may call, trusted even on private addresses (operator's choice). */
  graphAllowedOrigins: AllowedOrigin[];
  /** Origins outbound webhooks may reach over plain http or on private addresses (operator's choice). */
  webhookAllowedOrigins: AllowedOrigin[];
}
