import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createTestApp, type TestApp } from './helpers/app.js';
import { securityHeadersFor } from '../src/adapters/http/app.js';

// Issue 13 item 11, issue 12 items 9 and 14, issue 13 item 10: bad input is a 4xx in the envelope
// that names the field, never a 500; the CSP works over plain http.
let t: TestApp;
let key: string;
let contactId: string;
const errorLines: string[] = [];

beforeAll(async () => {
  t = await createTestApp({ log: pino({ level: 'error' }, { write: (l: string) => void errorLines.push(l) }) });
  key = (await t.tenant('hard')).key;
  contactId = (await t.call(key, { method: 'POST', url: '/api/v1/contacts', payload: { phone: '+447400123001', name: 'Ann' } })).json().id;
});
afterAll(() => t.close());

type Res = Awaited<ReturnType<TestApp['call']>>;
function fieldsOf(res: Res): { field: string; message: string; expected?: string }[] {
  return (res.json() as { error: { details: { fields?: { field: string; message: string }[] } } }).error.details.fields ?? [];
}
const raw = (method: 'POST' | 'PATCH', url: string, payload: string, headers: Record<string, string> = {}) =>
  t.call(key, { method, url, payload, headers: { 'content-type': 'application/json', ...headers } });
const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

describe('bodies, queries and paths that cannot be stored', () => {
  it('leaves raw uploads alone: a text/csv body over a real socket is a stream, not a value to check', async () => {
    // inject() hands routes a shallow stream; a real socket's request is a deep, circular object that
    // the depth check once walked into (every CSV import over HTTP answered 422).
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const q = new URLSearchParams({ mapping: JSON.stringify({ phone: 'phone', name: 'name' }) });
    const res = await fetch(`${url}/api/v1/imports?${q}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' }, body: 'phone,name\n+447400123099,Zed\n' });
    expect(res.status, await res.clone().text()).toBe(202);
  });

  it('treats an empty JSON body as {} (a copied curl line for an action endpoint works)', async () => {
    const res = await raw('POST', '/api/v1/lifecycle/runs', '');
    expect(res.statusCode, res.body).toBe(202);
    const required = await raw('POST', '/api/v1/topics', '');
    expect(required.statusCode).toBe(422);
    expect(fieldsOf(required).map((f) => f.field)).toContain('key');
  });

  it('refuses NUL characters and lone surrogates anywhere, naming the field', async () => {
    const nul = await t.call(key, { method: 'POST', url: '/api/v1/contacts', payload: { phone: '+447400123002', name: 'A\u0000B' } });
    expect(nul.statusCode).toBe(422);
    expect(fieldsOf(nul)[0]).toMatchObject({ field: 'name', message: expect.stringMatching(/NUL/) });
    const patch = await raw('PATCH', `/api/v1/contacts/${contactId}`, '{"name":"x\\u0000y"}');
    expect(patch.statusCode).toBe(422);
    const surrogate = await raw('POST', '/api/v1/events', `{"contact_id":"${contactId}","type":"note","properties":{"text":"\\ud800"}}`);
    expect(surrogate.statusCode).toBe(422);
    expect(fieldsOf(surrogate)[0]!.field).toBe('properties.text');
    const key0 = await raw('POST', '/api/v1/events', `{"contact_id":"${contactId}","type":"note","properties":{"a\\u0000":1}}`);
    expect(key0.statusCode).toBe(422);
    const query = await t.call(key, { method: 'GET', url: '/api/v1/contacts?q=a%00b' });
    expect(query.statusCode).toBe(422);
    expect(fieldsOf(query)[0]!.field).toBe('querystring.q');
    const audit = await t.call(key, { method: 'GET', url: '/api/v1/audit-log?action=a%00' });
    expect(audit.statusCode).toBe(422);
  });

  it('refuses 5,000-deep values, with and without an Idempotency-Key', async () => {
    for (const headers of [{}, { 'idempotency-key': 'deep-1' }] as Record<string, string>[]) {
      const res = await raw('POST', '/api/v1/events', `{"contact_id":"${contactId}","type":"note","properties":${deep(5000)}}`, headers);
      expect(res.statusCode, res.body).toBe(422);
      expect(fieldsOf(res)[0]!.message).toMatch(/levels deep/);
      const action = await raw('POST', '/api/v1/hygiene/runs', deep(5000), headers);
      expect(action.statusCode).toBe(422);
    }
  });

  it('answers 422 for tampered cursors on every list endpoint', async () => {
    const c = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const cursors = [c({ t: '2020-01-01T00:00:00Z', id: 'x' }), c({ t: '0000-01-01T00:00:00Z', id: '00000000-0000-4000-8000-000000000000' }), c({ id: 'x' }), c({ id: 1e300 }), c({ id: { a: 1 } }), c({ email: 5 }), c({ n: null, l: [], id: 'x' }), c({ t: 1, id: -2 }), c([1]), 'e30'];
    const lists = ['/api/v1/api-keys', '/api/v1/users', '/api/v1/audit-log', '/api/v1/contacts', '/api/v1/broadcasts', '/api/v1/imports', '/api/v1/opt-out/notes', '/api/v1/optin-sources', '/api/v1/phone-numbers', '/api/v1/templates', `/api/v1/contacts/${contactId}/messages`, `/api/v1/contacts/${contactId}/events`];
    let probes = 0;
    for (const url of lists) {
      for (const cursor of cursors) {
        const res = await t.call(key, { method: 'GET', url: `${url}?cursor=${cursor}` });
        // A cursor another endpoint could have made may be valid here (an id-only cursor on /phone-numbers);
        // the one from the issue is wrong for every endpoint.
        if (cursor === cursors[0]) expect(res.statusCode, url).toBe(422);
        expect([200, 422], `${url} ${Buffer.from(cursor, 'base64url').toString()}`).toContain(res.statusCode);
        if (res.statusCode === 422) expect(fieldsOf(res)[0]!.field).toBe('cursor');
        probes++;
      }
    }
    expect(probes).toBe(lists.length * cursors.length);
  });

  it('answers 409 for PATCH /segments/:id with a taken name, like POST', async () => {
    await t.call(key, { method: 'POST', url: '/api/v1/segments', payload: { name: 'Taken' } });
    const other = (await t.call(key, { method: 'POST', url: '/api/v1/segments', payload: { name: 'Other' } })).json().id;
    const res = await t.call(key, { method: 'PATCH', url: `/api/v1/segments/${other}`, payload: { name: 'Taken' } });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().error.code).toBe('SEGMENT_NAME_TAKEN');
  });

  it('refuses rules that are false, 0 or ""', async () => {
    for (const rules of [false, 0, '']) {
      const res = await t.call(key, { method: 'POST', url: '/api/v1/segments', payload: { name: `r-${String(rules)}`, rules } });
      expect(res.statusCode, JSON.stringify(rules)).toBe(422);
      expect(fieldsOf(res)[0]!.field).toBe('rules');
    }
  });

  it('refuses year-0 dates in events, rules and filters', async () => {
    const ev = await t.call(key, { method: 'POST', url: '/api/v1/events', payload: { contact_id: contactId, type: 'purchase', occurred_at: '0000-01-01T00:00:00Z' } });
    expect(ev.statusCode).toBe(422);
    expect(fieldsOf(ev)[0]!.field).toBe('occurred_at');
    const created = await t.call(key, { method: 'GET', url: '/api/v1/contacts?created_after=0000-01-01T00:00:00Z' });
    expect(created.statusCode).toBe(422);
    for (const rules of [{ field: 'created_at', op: 'before', value: '0000-01-01' }, { field: 'created_at', op: 'after', value: '0000-06-01T00:00:00Z' }]) {
      const res = await t.call(key, { method: 'POST', url: '/api/v1/segments/preview', payload: { rules } });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error.code).toBe('SEGMENT_RULES_INVALID');
    }
  });

  it('answers router errors (bad percent-encoding, over-long parameters) in the envelope', async () => {
    const bad = await t.call(key, { method: 'GET', url: '/api/v1/contacts/%ZZ' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('URL_INVALID');
    expect(bad.headers['x-content-type-options']).toBe('nosniff');
    const long = await t.call(key, { method: 'GET', url: `/api/v1/contacts/${'a'.repeat(300)}` });
    expect(long.statusCode).toBe(414);
    expect(long.json().error.code).toBe('URL_TOO_LONG');
  });

  it('answers 404 to path traversal under /assets and /docs/static, with no error-level log line', async () => {
    const before = errorLines.length;
    for (const url of ['/assets/....//....//package.json', '/assets//etc/passwd', '/docs/static//etc/passwd', '/assets/a%5c..%5c..%5cpackage.json']) {
      const res = await t.call(undefined, { method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('ROUTE_NOT_FOUND');
    }
    expect(errorLines.slice(before)).toEqual([]);
  });
});

describe('validation errors say where and what shape', () => {
  it('names the path inside a union body (POST /events) instead of "(body): Invalid input"', async () => {
    const one = await t.call(key, { method: 'POST', url: '/api/v1/events', payload: { contact_id: contactId, type: 5 } });
    expect(one.statusCode).toBe(422);
    expect(fieldsOf(one)).toContainEqual(expect.objectContaining({ field: 'type', expected: 'string' }));
    expect(one.json().error.message).not.toMatch(/^\(body\)/);
    const bulk = await t.call(key, { method: 'POST', url: '/api/v1/events', payload: { events: [{ contact_id: contactId, type: 'x', amount: 'lots' }] } });
    expect(bulk.statusCode).toBe(422);
    expect(fieldsOf(bulk)).toContainEqual(expect.objectContaining({ field: 'events.0.amount', expected: 'number' }));
  });

  it('says where a JSON syntax error is', async () => {
    const res = await raw('POST', '/api/v1/topics', '{"key": "a",, }');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('BODY_INVALID_JSON');
    expect(res.json().error.details.position).toBe(12);
  });

  it('refuses unknown workspace settings by name (a typo is not a silent 200)', async () => {
    const res = await t.call(key, { method: 'PATCH', url: '/api/v1/workspace', payload: { settings: { defualt_country: 'GB' } } });
    expect(res.statusCode).toBe(422);
    expect(fieldsOf(res)[0]!.field).toBe('settings.defualt_country');
    const nested = await t.call(key, { method: 'PATCH', url: '/api/v1/workspace', payload: { settings: { opt_out: { stop_keyword: ['QUIT'] } } } });
    expect(nested.statusCode).toBe(422);
    expect(fieldsOf(nested)[0]!.field).toBe('settings.opt_out.stop_keyword');
    const removal = await t.call(key, { method: 'PATCH', url: '/api/v1/workspace', payload: { settings: { some_old_key: null, default_country: 'GB' } } });
    expect(removal.statusCode, removal.body).toBe(200);
  });
});

describe('content security policy', () => {
  it('upgrades insecure requests only when the public URL is https', () => {
    expect(securityHeadersFor('http://192.168.1.20:8080')['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(securityHeadersFor('https://lists.example.com')['content-security-policy']).toContain('upgrade-insecure-requests');
    expect(securityHeadersFor('http://192.168.1.20:8080')['strict-transport-security']).toBeUndefined();
  });

  it('serves /, /join and /docs over http without the upgrade, and /docs allows its own inline styles', async () => {
    for (const url of ['/', '/join/nothing', '/docs/', '/docs/static/index.html']) {
      const res = await t.call(undefined, { method: 'GET', url });
      const csp = String(res.headers['content-security-policy']);
      expect(csp, url).not.toContain('upgrade-insecure-requests');
      expect(csp, url).toContain("form-action 'self'");
      expect(csp, url).toMatch(/style-src 'self' 'unsafe-inline'/);
    }
  });
});
