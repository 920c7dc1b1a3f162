import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { loadConfig } from '../src/config/load-config.js';
import { createTestApp, type TestApp } from './helpers/app.js';

// Issue 13 items 6–9 and 15: secrets in the idempotency store, keys that outlive their user,
// spoofable client IPs, lockouts of valid credentials, and who may run an estimate.
let t: TestApp;
let owner: { workspaceId: string; key: string };

beforeAll(async () => {
  t = await createTestApp();
  owner = await t.tenant('authz');
});
afterAll(() => t.close());

const PASSWORD = 'correct horse battery';

async function loginAs(email: string, workspace = 'authz') {
  const res = await t.call(undefined, { method: 'POST', url: '/api/v1/auth/login', payload: { workspace, email, password: PASSWORD } });
  const cookie = String(res.headers['set-cookie'] ?? '').split(';')[0]!;
  return { res, headers: { cookie, 'x-greenlist-csrf': '1' } };
}

describe('Idempotency-Key and secrets', () => {
  it('never stores a new API key, and replays only metadata, only to the same caller', async () => {
    const opts = { method: 'POST' as const, url: '/api/v1/api-keys', payload: { name: 'ci' }, headers: { 'idempotency-key': 'mint-1' } };
    const first = await t.call(owner.key, opts);
    expect(first.statusCode).toBe(201);
    const secret = first.json().key as string;
    expect(secret).toMatch(/^glk_/);
    const stored = await queryRows<{ t: string }>(t.db, sql`select row_to_json(i)::text as t from idempotency_keys i`);
    expect(stored.map((r) => r.t).join('\n')).not.toContain(secret);

    const replay = await t.call(owner.key, opts);
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toMatchObject({ id: first.json().id, name: 'ci', prefix: first.json().prefix });
    expect(replay.json().key).toBeUndefined();

    // Another admin key sending the same Idempotency-Key runs its own request.
    const other = (await t.call(owner.key, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'other admin', role: 'admin' } })).json().key as string;
    const theirs = await t.call(other, opts);
    expect(theirs.statusCode).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.json().id).not.toBe(first.json().id);
    expect(theirs.json().key).not.toBe(secret);
  });
});

describe("a user's API keys end with the user's access", () => {
  it('revokes the keys a user created when they are disabled, deleted or change password, and lists the creator', async () => {
    const made: Record<string, { userId: string; key: string; keyId: string }> = {};
    for (const who of ['disabled', 'deleted', 'repassword']) {
      const email = `${who}@authz.example`;
      const user = await t.call(owner.key, { method: 'POST', url: '/api/v1/users', payload: { email, role: 'admin', password: PASSWORD } });
      expect(user.statusCode).toBe(201);
      const { headers } = await loginAs(email);
      const created = await t.call(undefined, { method: 'POST', url: '/api/v1/api-keys', payload: { name: `${who}-key`, role: 'viewer' }, headers });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json().created_by).toEqual({ user_id: user.json().id, email });
      expect((await t.call(created.json().key, { method: 'GET', url: '/api/v1/workspace' })).statusCode).toBe(200);
      made[who] = { userId: user.json().id, key: created.json().key, keyId: created.json().id };
    }
    const listed = (await t.call(owner.key, { method: 'GET', url: '/api/v1/api-keys' })).json().data as { id: string; created_by: { email: string } | null }[];
    expect(listed.find((k) => k.id === made.disabled!.keyId)?.created_by?.email).toBe('disabled@authz.example');

    await t.call(owner.key, { method: 'PATCH', url: `/api/v1/users/${made.disabled!.userId}`, payload: { disabled: true } });
    await t.call(owner.key, { method: 'DELETE', url: `/api/v1/users/${made.deleted!.userId}` });
    await t.call(owner.key, { method: 'PATCH', url: `/api/v1/users/${made.repassword!.userId}`, payload: { password: 'another long password' } });
    for (const who of Object.keys(made)) {
      const res = await t.call(made[who]!.key, { method: 'GET', url: '/api/v1/workspace' });
      expect(res.statusCode, who).toBe(401);
    }
    const audit = (await t.call(owner.key, { method: 'GET', url: '/api/v1/audit-log?action=api_key.revoked&limit=100' })).json().data as { details: { reason?: string } }[];
    expect(audit.map((e) => e.details.reason).sort()).toEqual(['password_changed', 'user_deleted', 'user_disabled']);
    // The owner's own key (made by the CLI) is untouched.
    expect((await t.call(owner.key, { method: 'GET', url: '/api/v1/workspace' })).statusCode).toBe(200);
  }, 120_000);
});

describe('failed authentication', () => {
  it('throttles bad keys from an IP without locking out valid keys or sessions on that IP', async () => {
    const bad = 'glk_' + 'b'.repeat(43);
    const remoteAddress = '192.0.2.50';
    await t.call(owner.key, { method: 'POST', url: '/api/v1/users', payload: { email: 'still@authz.example', role: 'viewer', password: PASSWORD } });
    const { headers } = await loginAs('still@authz.example');
    const codes: number[] = [];
    for (let i = 0; i < 32; i++) codes.push((await t.call(bad, { method: 'GET', url: '/api/v1/workspace', remoteAddress })).statusCode);
    expect(codes.slice(0, 30).every((c) => c === 401)).toBe(true);
    expect(codes.slice(30)).toEqual([429, 429]);
    expect((await t.call(owner.key, { method: 'GET', url: '/api/v1/workspace', remoteAddress })).statusCode).toBe(200);
    expect((await t.call(undefined, { method: 'GET', url: '/api/v1/auth/me', headers, remoteAddress })).statusCode).toBe(200);
  });

  it('limits failed logins per account, whatever the IP', async () => {
    await t.call(owner.key, { method: 'POST', url: '/api/v1/users', payload: { email: 'target@authz.example', role: 'viewer', password: PASSWORD } });
    for (let i = 0; i < 10; i++) {
      const res = await t.call(undefined, { method: 'POST', url: '/api/v1/auth/login', remoteAddress: `10.0.0.${i + 1}`, payload: { workspace: 'authz', email: 'target@authz.example', password: `wrong password ${i}` } });
      expect(res.statusCode).toBe(401);
    }
    const right = await t.call(undefined, { method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.0.0.99', payload: { workspace: 'authz', email: 'target@authz.example', password: PASSWORD } });
    expect(right.statusCode).toBe(429);
    expect(right.json().error.details.retry_after_seconds).toBeGreaterThan(0);
  }, 120_000);
});

describe('client IP behind a proxy', () => {
  it('believes only the hops it is told to: a client-written X-Forwarded-For entry does not dodge the failure limit', async () => {
    const proxied = await createTestApp({ trustProxy: 1 });
    try {
      const codes: number[] = [];
      // Each request claims another client IP in front of what the proxy (127.0.0.1) saw: 203.0.113.7.
      for (let i = 0; i < 31; i++) {
        const res = await proxied.call('not-a-key', { method: 'GET', url: '/api/v1/workspace', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': `198.51.100.${i}, 203.0.113.7` } });
        codes.push(res.statusCode);
      }
      expect(codes.slice(0, 30).every((c) => c === 401)).toBe(true);
      expect(codes[30]).toBe(429);
      // Another real client behind the same proxy is not affected.
      const other = await proxied.call('not-a-key', { method: 'GET', url: '/api/v1/workspace', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.8' } });
      expect(other.statusCode).toBe(401);
    } finally {
      await proxied.close();
    }
  }, 120_000);

  it('reads GREENLIST_TRUST_PROXY as false, a hop count (true = 1) or proxy ranges, and refuses anything else', () => {
    const base = { GREENLIST_DATA_DIR: '/tmp/x' };
    expect(loadConfig({ ...base }).trustProxy).toBe(false);
    expect(loadConfig({ ...base, GREENLIST_TRUST_PROXY: 'true' }).trustProxy).toBe(1);
    expect(loadConfig({ ...base, GREENLIST_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ ...base, GREENLIST_TRUST_PROXY: '10.0.0.0/8, loopback,::1' }).trustProxy).toEqual(['10.0.0.0/8', 'loopback', '::1']);
    expect(() => loadConfig({ ...base, GREENLIST_TRUST_PROXY: 'yes' })).toThrow(/GREENLIST_TRUST_PROXY/);
    expect(() => loadConfig({ ...base, GREENLIST_TRUST_PROXY: '10.0.0.0/33' })).toThrow(/GREENLIST_TRUST_PROXY/);
  });
});

describe('broadcast estimates', () => {
  it('need broadcasts:manage (a heavy query): viewers and agents get 403', async () => {
    for (const role of ['viewer', 'agent'] as const) {
      const k = (await t.call(owner.key, { method: 'POST', url: '/api/v1/api-keys', payload: { name: `${role}-est`, role } })).json().key as string;
      const res = await t.call(k, { method: 'POST', url: '/api/v1/broadcasts/00000000-0000-4000-8000-000000000000/estimate' });
      expect(res.statusCode, role).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN_ROLE');
    }
    const res = await t.call(owner.key, { method: 'POST', url: '/api/v1/broadcasts/00000000-0000-4000-8000-000000000000/estimate' });
    expect(res.statusCode).toBe(404);
  });
});
