import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from './helpers/app.js';
import { phoneNumbers } from '../src/modules/numbers/numbers.tables.js';
import { createOutboundFetch, OutboundError, parseAllowedOrigins, isBlockedAddress } from '../src/lib/outbound/index.js';
import { loadConfig, ConfigError } from '../src/config/index.js';

// Issue 13 item 2: SSRF through api_base_url, which carried the stored access token to any host.
// Every probe of this matrix is counted; the summary line at the end prints the figures.

/** A loopback server that records every request it gets (a stand-in for an internal service). */
async function trap(handler?: (res: ServerResponse) => void): Promise<{ url: string; port: number; hits: { url: string; auth: string | undefined }[]; close(): Promise<void> }> {
  const hits: { url: string; auth: string | undefined }[] = [];
  const server: Server = createServer((req, res) => {
    hits.push({ url: req.url ?? '', auth: req.headers.authorization });
    if (handler) return handler(res);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ verified_name: 'PWNED', display_phone_number: '1' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, port, hits, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const probes = { tried: 0, passed: 0, fiveXx: 0 };
function count(ok: boolean, status?: number) {
  probes.tried++;
  if (ok) probes.passed++;
  if (status !== undefined && status >= 500) probes.fiveXx++;
}

const numberBody = (n: number, apiBaseUrl: string | undefined) => ({
  phone_number_id: `90654035${String(n).padStart(2, '0')}`,
  waba_id: `90229012${String(n).padStart(2, '0')}`,
  display_number: '+1 555 010 0000',
  access_token: 'EAAG-secret-token-ssrf',
  app_secret: 'app-secret-ssrf',
  verify_token: 'verify-token-ssrf',
  ...(apiBaseUrl === undefined ? {} : { api_base_url: apiBaseUrl }),
});

// Refused as a number's api_base_url when the operator allowed nothing beyond Meta's Graph host.
const REFUSED_BASE_URLS = [
  'http://127.0.0.1:9',
  'http://localhost:8080',
  'http://169.254.169.254/latest/meta-data',
  'http://[::1]:80',
  'http://[::ffff:127.0.0.1]:80',
  'http://[::ffff:7f00:1]',
  'http://0.0.0.0:8080',
  'http://[::]:8080',
  'http://10.0.0.1',
  'http://192.168.1.1',
  'http://2130706433',
  'http://0x7f.1',
  'https://evil.example',
  'https://graph.facebook.com.evil.example',
  'https://graph.facebook.com@evil.example',
  'https://user:pw@graph.facebook.com',
  'https://graph.facebook.com#',
  'https://graph.facebook.com/#x',
  'https://graph.facebook.com?x=',
  'https://graph.facebook.com/?',
  'http://graph.facebook.com',
  'https://graph.facebook.com:8443',
  'file:///etc/passwd',
  'gopher://127.0.0.1:25/',
];

describe('SSRF matrix: api_base_url with no operator allow-list', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await createTestApp({ graphAllowedOrigins: '' });
    key = (await t.tenant('ssrf-a')).key;
  });
  afterAll(() => t.close());

  it('refuses every non-Graph URL, user-info, query and fragment at connect, naming the field', async () => {
    let n = 0;
    for (const url of REFUSED_BASE_URLS) {
      const res = await t.call(key, { method: 'POST', url: '/api/v1/phone-numbers', payload: numberBody(n++, url) });
      const body = res.json<{ error: { code: string; details?: { fields?: { field: string }[] } } }>();
      const ok = res.statusCode === 422 && body.error.code === 'VALIDATION_FAILED' && body.error.details?.fields?.[0]?.field === 'api_base_url';
      count(ok, res.statusCode);
      expect(ok, `${url} → ${res.statusCode} ${res.body}`).toBe(true);
    }
  });

  it('accepts Meta\'s Graph host (and it is the default)', async () => {
    for (const [i, url] of [[40, 'https://graph.facebook.com'], [41, 'https://graph.facebook.com/'], [42, undefined]] as const) {
      const res = await t.call(key, { method: 'POST', url: '/api/v1/phone-numbers', payload: numberBody(i, url) });
      count(res.statusCode === 201, res.statusCode);
      expect(res.statusCode, res.body).toBe(201);
    }
  });

  it('never sends the token to a URL stored before the rule (an old row): refused before any connection', async () => {
    const hole = await trap();
    try {
      const created = await t.call(key, { method: 'POST', url: '/api/v1/phone-numbers', payload: numberBody(50, 'https://graph.facebook.com') });
      const id = created.json<{ id: string }>().id;
      for (const url of [hole.url, `${hole.url}/x?`, `${hole.url}#`]) {
        await t.db.update(phoneNumbers).set({ apiBaseUrl: url }).where(eq(phoneNumbers.id, id));
        const res = await t.call(key, { method: 'POST', url: `/api/v1/phone-numbers/${id}/refresh` });
        const ok = res.statusCode === 422 && res.json<{ error: { code: string } }>().error.code === 'OUTBOUND_URL_REFUSED';
        count(ok, res.statusCode);
        expect(ok, res.body).toBe(true);
      }
      expect(hole.hits).toEqual([]);
      const after = await t.call(key, { method: 'GET', url: `/api/v1/phone-numbers/${id}` });
      expect(after.json<{ verified_name: string | null }>().verified_name).toBeNull();
    } finally {
      await hole.close();
    }
  });
});

describe('SSRF matrix: URL changes, redirects and error collapse (operator allows the loopback simulator)', () => {
  let t: TestApp;
  let key: string;
  let id: string;
  let sim: Awaited<ReturnType<typeof trap>>;
  beforeAll(async () => {
    t = await createTestApp({ graphAllowedOrigins: 'http://127.0.0.1:*' });
    key = (await t.tenant('ssrf-b')).key;
    sim = await trap();
    const res = await t.call(key, { method: 'POST', url: '/api/v1/phone-numbers', payload: numberBody(60, sim.url) });
    expect(res.statusCode, res.body).toBe(201);
    id = res.json<{ id: string }>().id;
  });
  afterAll(async () => {
    await sim.close();
    await t.close();
  });

  it('requires the access token again when api_base_url changes, and audits the old and new URL', async () => {
    const other = await trap();
    try {
      const without = await t.call(key, { method: 'PATCH', url: `/api/v1/phone-numbers/${id}`, payload: { api_base_url: other.url } });
      const refused = without.statusCode === 422 && without.json<{ error: { details: { fields: { field: string }[] } } }>().error.details.fields[0]!.field === 'access_token';
      count(refused, without.statusCode);
      expect(refused, without.body).toBe(true);
      // The same URL again is not a change: no token needed.
      const same = await t.call(key, { method: 'PATCH', url: `/api/v1/phone-numbers/${id}`, payload: { api_base_url: sim.url, display_number: '+1 555 010 0001' } });
      expect(same.statusCode, same.body).toBe(200);
      const withToken = await t.call(key, { method: 'PATCH', url: `/api/v1/phone-numbers/${id}`, payload: { api_base_url: other.url, access_token: 'EAAG-secret-token-new' } });
      count(withToken.statusCode === 200, withToken.statusCode);
      expect(withToken.statusCode, withToken.body).toBe(200);
      const audit = await t.call(key, { method: 'GET', url: '/api/v1/audit-log?action=phone_number.updated&limit=5' });
      const entry = audit.json<{ data: { action: string; details: Record<string, unknown> }[] }>().data.find((e) => e.action === 'phone_number.updated' && e.details.api_base_url);
      expect(entry?.details.api_base_url).toEqual({ from: sim.url, to: other.url });
      expect(JSON.stringify(entry)).not.toContain('EAAG-secret-token-new');
      // A disallowed target stays refused even with the token.
      const outside = await t.call(key, { method: 'PATCH', url: `/api/v1/phone-numbers/${id}`, payload: { api_base_url: 'http://169.254.169.254', access_token: 'EAAG-secret-token-new' } });
      count(outside.statusCode === 422, outside.statusCode);
      expect(outside.statusCode).toBe(422);
      await t.call(key, { method: 'PATCH', url: `/api/v1/phone-numbers/${id}`, payload: { api_base_url: sim.url, access_token: 'EAAG-secret-token-ssrf' } });
    } finally {
      await other.close();
    }
  });

  it('never follows a redirect (the token does not reach the Location)', async () => {
    const target = await trap();
    const redirecting = await trap((res) => {
      res.writeHead(302, { location: `${target.url}/steal` });
      res.end();
    });
    try {
      await t.call(key, { method: 'PATCH', url: `/api/v1/phone-numbers/${id}`, payload: { api_base_url: redirecting.url, access_token: 'EAAG-secret-token-ssrf' } });
      const res = await t.call(key, { method: 'POST', url: `/api/v1/phone-numbers/${id}/refresh` });
      count(target.hits.length === 0, res.statusCode);
      expect(redirecting.hits).toHaveLength(1);
      expect(target.hits).toEqual([]);
      expect(res.statusCode).not.toBe(200);
    } finally {
      await redirecting.close();
      await target.close();
      await t.call(key, { method: 'PATCH', url: `/api/v1/phone-numbers/${id}`, payload: { api_base_url: sim.url, access_token: 'EAAG-secret-token-ssrf' } });
    }
  });

  it('answers a closed port, a reset and a non-HTTP service alike (no port-scanning oracle)', async () => {
    const closed = await trap();
    await closed.close();
    const reset = createServer((req) => req.socket.destroy());
    await new Promise<void>((r) => reset.listen(0, '127.0.0.1', r));
    const banner = createServer();
    banner.on('connection', (s) => s.end('SSH-2.0-OpenSSH_9.6\r\n'));
    await new Promise<void>((r) => banner.listen(0, '127.0.0.1', r));
    const ports = [closed.port, (reset.address() as AddressInfo).port, (banner.address() as AddressInfo).port];
    const answers: string[] = [];
    try {
      for (const port of ports) {
        await t.call(key, { method: 'PATCH', url: `/api/v1/phone-numbers/${id}`, payload: { api_base_url: `http://127.0.0.1:${port}`, access_token: 'EAAG-secret-token-ssrf' } });
        const res = await t.call(key, { method: 'POST', url: `/api/v1/phone-numbers/${id}/refresh` });
        const e = res.json<{ error: { code: string; message: string; details?: unknown } }>().error;
        answers.push(JSON.stringify([res.statusCode, e.code, e.message, e.details ?? null]));
      }
    } finally {
      reset.close();
      banner.close();
      await t.call(key, { method: 'PATCH', url: `/api/v1/phone-numbers/${id}`, payload: { api_base_url: sim.url, access_token: 'EAAG-secret-token-ssrf' } });
    }
    const same = new Set(answers).size === 1;
    count(same, undefined);
    expect(answers[0]).toContain('WHATSAPP_CONNECTION_FAILED');
    expect(new Set(answers).size, answers.join('\n')).toBe(1);
    expect(answers[0]).not.toMatch(/ECONN|socket|refused|reset|parse/i);
  });

  it('allows the operator-listed simulator: the refresh reaches it with the token', async () => {
    const before = sim.hits.length;
    const res = await t.call(key, { method: 'POST', url: `/api/v1/phone-numbers/${id}/refresh` });
    expect(res.statusCode, res.body).toBe(200);
    expect(sim.hits.length).toBe(before + 1);
    expect(sim.hits.at(-1)!.auth).toBe('Bearer EAAG-secret-token-ssrf');
  });
});

describe('SSRF matrix: the outbound guard at connect time', () => {
  it('refuses loopback, private, link-local and IPv6 equivalents by address, including IPv4 inside IPv6', () => {
    const blocked = ['127.0.0.1', '127.8.9.10', '0.0.0.0', '10.1.2.3', '172.16.0.1', '192.168.0.1', '169.254.169.254', '100.64.0.1', '::', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '64:ff9b::7f00:1', '2002:7f00:1::1', 'fe80::1', 'fe80::1%eth0', 'fc00::1', 'fd12:3456::1', 'ff02::1', '224.0.0.1', '255.255.255.255'];
    const open = ['157.240.1.35', '31.13.64.1', '2a03:2880:f10c:83:face:b00c:0:25de', '::ffff:157.240.1.35', '8.8.8.8'];
    for (const a of blocked) {
      count(isBlockedAddress(a));
      expect(isBlockedAddress(a), a).toBe(true);
    }
    for (const a of open) {
      count(!isBlockedAddress(a));
      expect(isBlockedAddress(a), a).toBe(false);
    }
  });

  it('checks the address the connection resolves (a name that resolves to loopback is refused, nothing connects)', async () => {
    const hole = await trap();
    try {
      const guard = createOutboundFetch({ allowed: [], reach: 'public' });
      // `localhost` is not an IP literal: only the connection's own DNS lookup can see it is loopback.
      const err = await guard(`https://localhost:${hole.port}/`).then(
        () => undefined,
        (e: unknown) => e,
      );
      const ok = err instanceof OutboundError && err.reason === 'unreachable' && !err.reached;
      count(ok);
      expect(ok, String(err)).toBe(true);
      for (const url of [`https://127.0.0.1:${hole.port}/`, `https://[::1]:${hole.port}/`, `https://[::ffff:127.0.0.1]:${hole.port}/`, `https://0.0.0.0:${hole.port}/`, 'https://169.254.169.254/', `http://example.com:${hole.port}/`, 'https://user:pw@example.com/']) {
        const e = await guard(url).then(
          () => undefined,
          (x: unknown) => x,
        );
        const refused = e instanceof OutboundError && e.reason === 'refused';
        count(refused);
        expect(refused, url).toBe(true);
      }
      expect(hole.hits).toEqual([]);
      // The operator's allow-list is the one way to reach loopback.
      const trusted = createOutboundFetch({ allowed: parseAllowedOrigins(`http://localhost:${hole.port}`), reach: 'graph' });
      expect((await trusted(`http://localhost:${hole.port}/v1/x`)).status).toBe(200);
      expect(hole.hits).toHaveLength(1);
      // The sandbox trusts its simulator's origin in-process (configuration), not through a request.
      const sandboxed = createOutboundFetch({ allowed: [], reach: 'graph' });
      expect(sandboxed.problem(`${hole.url}/v23.0/1`)).toBeDefined();
      sandboxed.trust(hole.url);
      expect((await sandboxed(`${hole.url}/v23.0/1`)).status).toBe(200);
      expect(hole.hits).toHaveLength(2);
      // A Graph-only guard refuses everything else, even a public host.
      const graph = createOutboundFetch({ allowed: [], reach: 'graph' });
      const e = await graph('https://example.com/').catch((x: unknown) => x);
      expect(e instanceof OutboundError && e.reason === 'refused').toBe(true);
    } finally {
      await hole.close();
    }
  });

  it('takes the allow-list from GREENLIST_GRAPH_ALLOWED_ORIGINS and refuses a malformed one at start', () => {
    expect(loadConfig({ GREENLIST_GRAPH_ALLOWED_ORIGINS: 'http://127.0.0.1:8081, https://graph-proxy.internal' }).graphAllowedOrigins).toEqual([
      { protocol: 'http:', hostname: '127.0.0.1', port: '8081' },
      { protocol: 'https:', hostname: 'graph-proxy.internal', port: '443' },
    ]);
    expect(loadConfig({}).graphAllowedOrigins).toEqual([]);
    for (const bad of ['127.0.0.1', 'http://x/path', 'http://a:b@x', 'ftp://x', 'http://x?y']) {
      expect(() => loadConfig({ GREENLIST_GRAPH_ALLOWED_ORIGINS: bad }), bad).toThrow(ConfigError);
    }
  });
});

afterAll(() => {
  // The figures for the security suite's report.
  console.log(`SSRF matrix: ${probes.tried} probes, ${probes.passed} passed, ${probes.fiveXx} answered 5xx`);
});
