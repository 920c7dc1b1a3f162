// The one way the server fetches a URL it did not write itself (the Cloud API, media, outbound
// webhooks): origin policy before connecting, the resolved address checked inside the connection's
// own DNS lookup (so DNS rebinding cannot swap in a private address after the check), no redirects,
// a response size cap, and one error for every network failure (no port-scanning oracle).
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isBlockedAddress } from './addresses.js';
import { isAllowedOrigin, isGraphOrigin, isIpLiteral, isTrustedHost, parseAllowedOrigins, type AllowedOrigin } from './origins.js';

/** Which origins a guard lets through. */
export interface OutboundPolicy {
  /** Origins the operator trusts; reachable even on loopback or private addresses. */
  allowed: AllowedOrigin[];
  /** `graph`: only Meta's Graph host and `allowed` (the Cloud API). `public`: any public https host too (media, webhooks). */
  reach: 'graph' | 'public';
  /** Largest response body read (default 8 MiB). */
  maxResponseBytes?: number;
}

/** What an outbound request sends. */
export interface OutboundRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | FormData;
  signal?: AbortSignal;
}

/**
 * Why an outbound request failed. `refused`: the URL breaks the policy (nothing was sent).
 * `unreachable`: any network failure, refused connection, timeout, private address found at
 * connect time, reset; `reached` says whether the request may have arrived.
 */
export class OutboundError extends Error {
  constructor(
    readonly reason: 'refused' | 'unreachable',
    readonly reached: boolean,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundError';
  }
}

/** A guarded fetch plus what the sandbox needs to add its own simulator. */
export interface OutboundFetch {
  (url: string, req?: OutboundRequest): Promise<Response>;
  /** Trusts one more origin (the sandbox simulator, started by configuration). */
  trust(origin: string): void;
  /** Why `url` would be refused, or undefined. */
  problem(url: string): string | undefined;
}

const NULL_BODY = new Set([101, 204, 205, 304]);
/** Connections kept open to one host at most (see the agents below). */
const MAX_SOCKETS_PER_HOST = 512;

/** Builds a guard with its own keep-alive connection pools. */
export function createOutboundFetch(policy: OutboundPolicy): OutboundFetch {
  // Node loads its fetch classes (Response, Headers) on first touch, which takes a while; touched
  // here, at start-up, so the first Cloud API call's timeout is not spent loading them.
  void [Response, Headers, Request];
  const allowed = [...policy.allowed];
  const maxBytes = policy.maxResponseBytes ?? 8 * 1_048_576;
  // Checked in the socket's own lookup: the address connected to is the address checked.
  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      if (!isTrustedHost(hostname, allowed) && addresses.some((a) => isBlockedAddress(a.address))) {
        return callback(Object.assign(new Error('address not allowed'), { code: 'EOUTBOUNDBLOCKED' }), '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
  // Free sockets close before a typical server's 5 s keep-alive timeout, so a reused socket is rarely a dead one.
  // Why a socket cap: unbounded, a latency spike made each worker open thousands of connections at
  // once; the server's accept queue (511) overflowed, dropped SYNs were retried after 1, 3 and 7 s,
  // and sends timed out as "uncertain" (bench/multi-number.ts: 4,300 sockets, 1,700 in SYN-SENT).
  // 512 per host holds rate × latency in flight: 1,000/s at 500 ms, 5,000/s at 100 ms; beyond it
  // requests wait for a free socket instead of opening more.
  const opts = { keepAlive: true, timeout: 4000, maxSockets: MAX_SOCKETS_PER_HOST, lookup };
  const agents = { 'http:': new http.Agent(opts), 'https:': new https.Agent(opts) };

  const problem = (url: string): string | undefined => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return 'not an absolute URL';
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'only http and https';
    if (u.username || u.password) return 'user info is not allowed';
    if (isAllowedOrigin(u, allowed)) return undefined;
    if (policy.reach === 'graph') return isGraphOrigin(u) ? undefined : 'not the Graph API host or an allowed origin';
    if (u.protocol !== 'https:') return 'only https';
    if (isIpLiteral(u.hostname) && isBlockedAddress(u.hostname)) return 'address not allowed';
    return undefined;
  };

  const guarded = (async (url: string, req: OutboundRequest = {}): Promise<Response> => {
    const why = problem(url);
    if (why) throw new OutboundError('refused', false, `outbound request refused: ${why}`);
    const u = new URL(url);
    // An IP literal skips DNS, so the lookup above never sees it: checked here instead.
    if (isIpLiteral(u.hostname) && !isTrustedHost(u.hostname, allowed) && isBlockedAddress(u.hostname)) throw new OutboundError('refused', false, 'outbound request refused: address not allowed');
    const headers: Record<string, string> = { ...req.headers };
    let body: Uint8Array | undefined;
    if (req.body instanceof FormData) {
      // Encoded by the platform (boundary and all), then sent as bytes.
      const encoded = new Request('http://form.invalid/', { method: 'POST', body: req.body });
      body = new Uint8Array(await encoded.arrayBuffer());
      headers['content-type'] = encoded.headers.get('content-type')!;
    } else if (typeof req.body === 'string') body = Buffer.from(req.body);
    else body = req.body;
    if (body) headers['content-length'] = String(body.byteLength);
    return send(u, req.method ?? 'GET', headers, body, req.signal);
  }) as OutboundFetch;

  function send(u: URL, method: string, headers: Record<string, string>, body: Uint8Array | undefined, signal: AbortSignal | undefined): Promise<Response> {
    return new Promise<Response>((resolve, reject) => {
      let reached = false;
      let settled = false;
      const fail = () => {
        if (settled) return;
        settled = true;
        // One message for every cause: which one it was must not reach the caller (port scanning).
        reject(new OutboundError('unreachable', reached, 'could not complete the request'));
      };
      const lib = u.protocol === 'https:' ? https : http;
      const cr = lib.request(u, { method, headers, agent: agents[u.protocol as 'http:' | 'https:'], ...(signal ? { signal } : {}) }, (res) => {
        reached = true;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) res.destroy();
          else chunks.push(c);
        });
        res.on('error', fail);
        res.on('close', () => {
          if (!res.complete || size > maxBytes) return fail();
          if (settled) return;
          settled = true;
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
          const status = res.statusCode ?? 502;
          // Redirects are never followed: a 3xx is handed back as it is (its Location is not used).
          resolve(new Response(NULL_BODY.has(status) ? null : Buffer.concat(chunks), { status: status < 200 ? 502 : status, headers: h }));
        });
      });
      cr.on('socket', (s) => {
        if (!s.connecting) reached = true;
        else s.once(u.protocol === 'https:' ? 'secureConnect' : 'connect', () => (reached = true));
      });
      cr.on('error', fail);
      cr.end(body);
    });
  }

  guarded.trust = (origin) => void allowed.push(...parseAllowedOrigins(origin));
  guarded.problem = problem;
  return guarded;
}
