import { resolve } from 'node:path';
import { configSchema, trustProxyOf, type Config } from './config.schema.js';

/** Thrown when the environment is invalid; `problems` lists every one of them. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Greenlist cannot start; fix these settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const KNOWN = Object.keys(configSchema.shape);

function closest(name: string): string | undefined {
  let best: { key: string; d: number } | undefined;
  for (const key of KNOWN) {
    const d = editDistance(name, key);
    if (!best || d < best.d) best = { key, d };
  }
  return best && best.d <= 3 ? best.key : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

function decodeKey(text: string): Buffer {
  return /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
}

/**
 * Parses the environment once. Every problem is collected, including unknown GREENLIST_* names
 * (almost always typos that would otherwise silently fall back to a default).
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const input: Record<string, string> = {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    if (KNOWN.includes(name)) input[name] = value;
    else if (name.startsWith('GREENLIST_')) {
      const hint = closest(name);
      problems.push(`${name} is not a Greenlist setting${hint ? `; did you mean ${hint}?` : ''}`);
    }
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  if (parsed.success && parsed.data.DATABASE_URL && !parsed.data.GREENLIST_MASTER_KEY) {
    // Several processes share one PostgreSQL, so the key that encrypts tokens cannot be generated per process.
    problems.push('GREENLIST_MASTER_KEY: required when DATABASE_URL is set (generate one with: openssl rand -hex 32)');
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const c = parsed.data;
  const hostForUrl = c.GREENLIST_HOST.includes(':') ? `[${c.GREENLIST_HOST}]` : c.GREENLIST_HOST;
  return {
    databaseUrl: c.DATABASE_URL,
    dataDir: resolve(c.GREENLIST_DATA_DIR),
    port: c.GREENLIST_PORT,
    host: c.GREENLIST_HOST,
    masterKey: c.GREENLIST_MASTER_KEY ? decodeKey(c.GREENLIST_MASTER_KEY) : undefined,
    publicUrl: (c.GREENLIST_PUBLIC_URL ?? `http://${hostForUrl}:${c.GREENLIST_PORT}`).replace(/\/$/, ''),
    simulatorPort: c.GREENLIST_SIMULATOR_PORT,
    logLevel: c.GREENLIST_LOG_LEVEL,
    bodyLimitBytes: c.GREENLIST_BODY_LIMIT_BYTES,
    dbPoolSize: c.GREENLIST_DB_POOL_SIZE,
    rateLimitPerKeyPerMinute: c.GREENLIST_RATE_LIMIT_PER_KEY,
    rateLimitPerIpPerMinute: c.GREENLIST_RATE_LIMIT_PER_IP,
    trustProxy: trustProxyOf(c.GREENLIST_TRUST_PROXY),
    workerHeapMb: c.GREENLIST_WORKER_HEAP_MB,
    sandbox: c.GREENLIST_SANDBOX,
    metricsToken: c.GREENLIST_METRICS_TOKEN,
    metricsPort: c.GREENLIST_METRICS_PORT,
    graphAllowedOrigins: c.GREENLIST_GRAPH_ALLOWED_ORIGINS,
    webhookAllowedOrigins: c.GREENLIST_WEBHOOK_ALLOWED_ORIGINS,
  };
}
