// Which origins the server may send a number's access token to: Meta's Graph host, plus origins
// the operator lists in configuration (GREENLIST_GRAPH_ALLOWED_ORIGINS). Never chosen by a request.
import { isIP } from 'node:net';

/** Meta's Graph API: the only Cloud API origin allowed without configuration. */
export const GRAPH_ORIGIN = 'https://graph.facebook.com';

/** An origin the operator trusts; `port: '*'` allows every port of that host. */
export interface AllowedOrigin {
  protocol: 'http:' | 'https:';
  hostname: string;
  port: string;
}

const DEFAULT_PORT = { 'http:': '80', 'https:': '443' } as const;

function portOf(u: URL): string {
  return u.port || DEFAULT_PORT[u.protocol as 'http:' | 'https:'];
}

/**
 * Parses a comma-separated list of origins (`http://127.0.0.1:8081`, `https://graph-proxy.internal`,
 * `http://127.0.0.1:*` for any port). Throws an Error naming the bad entry and the fix.
 */
export function parseAllowedOrigins(text: string): AllowedOrigin[] {
  const out: AllowedOrigin[] = [];
  for (const raw of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const anyPort = /:\*\/?$/.test(raw);
    let u: URL;
    try {
      u = new URL(anyPort ? raw.replace(/:\*\/?$/, '') : raw);
    } catch {
      throw new Error(`"${raw}" is not an origin; write it as scheme://host[:port], e.g. http://127.0.0.1:8081`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`"${raw}" must start with http:// or https://`);
    if (u.username || u.password || u.search || u.hash || raw.includes('?') || raw.includes('#') || (u.pathname !== '/' && u.pathname !== '')) {
      throw new Error(`"${raw}" must be an origin only (scheme://host[:port]), without user info, path, query or fragment`);
    }
    out.push({ protocol: u.protocol, hostname: u.hostname, port: anyPort ? '*' : portOf(u) });
  }
  return out;
}

/** True when `u` is Meta's Graph host (https, port 443). */
export function isGraphOrigin(u: URL): boolean {
  return u.protocol === 'https:' && u.hostname === 'graph.facebook.com' && portOf(u) === '443';
}

/** True when `u`'s origin is one of `allowed`. */
export function isAllowedOrigin(u: URL, allowed: readonly AllowedOrigin[]): boolean {
  return allowed.some((a) => a.protocol === u.protocol && a.hostname === u.hostname && (a.port === '*' || a.port === portOf(u)));
}

/** True when `hostname` (as URL.hostname writes it) belongs to an allowed origin: its addresses are not checked. */
export function isTrustedHost(hostname: string, allowed: readonly AllowedOrigin[]): boolean {
  return allowed.some((a) => a.hostname === hostname || a.hostname === `[${hostname}]`);
}

/**
 * Why a number's `api_base_url` is refused, or undefined when it may be stored: Graph or an
 * operator-allowed origin, no user info, no query or fragment (a trailing `?` or `#` would cut off
 * the path Greenlist appends and send the token to another endpoint).
 */
export function apiBaseUrlProblem(url: string, allowed: readonly AllowedOrigin[]): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'must be an absolute URL such as https://graph.facebook.com';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must start with https://';
  if (u.username || u.password || /^[a-z]+:\/\/[^/]*@/i.test(url)) return 'must not contain user info (user:password@)';
  if (url.includes('?') || url.includes('#')) return 'must not contain a query (?) or fragment (#); Greenlist appends the Graph API path itself';
  if (isGraphOrigin(u) || isAllowedOrigin(u, allowed)) return undefined;
  return `must be ${GRAPH_ORIGIN}; other Cloud API origins (a proxy, the simulator) must be listed by the operator in GREENLIST_GRAPH_ALLOWED_ORIGINS`;
}

/** True when `hostname` is an IP literal (IPv6 with or without brackets). */
export function isIpLiteral(hostname: string): boolean {
  return isIP(hostname.replace(/^\[|\]$/g, '')) !== 0;
}
