// The human-readable "Greenlist is running" lines printed on stderr once a process is ready: where
// everything is and what to run next. Logs stay JSON on stdout (for log shippers); this is for people.
import type { Role } from './server.js';

/** What the banner describes. */
export interface BannerInput {
  role: Role;
  /** The URL the HTTP server listens on (undefined for a worker). */
  url: string | undefined;
  /** The sandbox simulator's URL, when sandbox mode is on. */
  sandboxUrl: string | undefined;
  database: 'pglite' | 'postgres';
  /** The embedded database's directory (PGlite only). */
  dataDir: string | undefined;
  /** The one-time first-run setup link (only while no user exists). */
  setupUrl?: string | undefined;
}

/** The banner's lines (no trailing newline); empty for a process that serves no HTTP. */
export function startupBanner(b: BannerInput): string[] {
  if (!b.url) return [];
  const where = b.database === 'pglite' ? `embedded database in ${b.dataDir ?? 'the data directory'}` : 'PostgreSQL';
  const mode = b.role === 'start' ? 'API and worker' : 'API only';
  const lines = [
    `Greenlist is running (${mode}, ${where}${b.sandboxUrl ? ', sandbox mode' : ''})`,
    `  API          ${b.url}/api/v1`,
    `  Admin UI     ${b.url}/`,
    `  API docs     ${b.url}/docs`,
  ];
  if (b.sandboxUrl) lines.push(`  Simulator    ${b.sandboxUrl}/_sim  (WhatsApp Cloud API sandbox; see src/simulator/README.md)`);
  if (b.setupUrl) {
    lines.push(
      'First run: no user yet. Open this one-time link (valid 24 hours) to create the owner and name your business:',
      `  ${b.setupUrl}`,
    );
  }
  lines.push(
    'Next, in another terminal:',
    '  npx greenlist apikey create                                      # an API key (shown once)',
    '  npx greenlist user create --email you@example.com --role owner   # a login for the admin UI',
    `Stop with Ctrl+C (SIGINT or SIGTERM). Logs are JSON lines on stdout.`,
  );
  return lines;
}
