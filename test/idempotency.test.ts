import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { purgeIdempotencyKeys } from '../src/modules/idempotency/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
let owner: { workspaceId: string; key: string };

beforeAll(async () => {
  t = await createTestApp();
  owner = await t.tenant('idem');
});
afterAll(() => t.close());

const countKeys = async (name: string) =>
  (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from api_keys where workspace_id = ${owner.workspaceId} and name = ${name}`))[0]!.n;

describe('Idempotency-Key on POST', () => {
  it('replays the first response instead of repeating the effect', async () => {
    // (A new API key is replayed without the key itself: test/auth-hardening.test.ts.)
    const opts = { method: 'POST' as const, url: '/api/v1/users', payload: { email: 'once@example.com', name: 'once', role: 'viewer' }, headers: { 'idempotency-key': 'req-1' } };
    const first = await t.call(owner.key, opts);
    const second = await t.call(owner.key, opts);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    expect(second.headers['idempotent-replayed']).toBe('true');
    const users = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from users where workspace_id = ${owner.workspaceId} and email = 'once@example.com'`);
    expect(users[0]!.n).toBe(1);
  });

  it('rejects the same key with a different body', async () => {
    await t.call(owner.key, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'a' }, headers: { 'idempotency-key': 'req-2' } });
    const res = await t.call(owner.key, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'b' }, headers: { 'idempotency-key': 'req-2' } });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await countKeys('b')).toBe(0);
  });

  it('does not store failed attempts, so a corrected retry with the same key runs', async () => {
    const bad = await t.call(owner.key, { method: 'POST', url: '/api/v1/users', payload: { email: 'x', role: 'agent' }, headers: { 'idempotency-key': 'req-3' } });
    expect(bad.statusCode).toBe(422);
    const dup = await t.call(owner.key, { method: 'POST', url: '/api/v1/users', payload: { email: 'c@x.example', role: 'agent' } });
    expect(dup.statusCode).toBe(201);
    const conflict = await t.call(owner.key, { method: 'POST', url: '/api/v1/users', payload: { email: 'c@x.example', role: 'agent' }, headers: { 'idempotency-key': 'req-4' } });
    expect(conflict.statusCode).toBe(409);
    const rows = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from idempotency_keys where key like '%:req-3' or key like '%:req-4'`);
    expect(rows[0]!.n).toBe(0);
  });

  it('runs concurrent requests with one key exactly once', async () => {
    const opts = { method: 'POST' as const, url: '/api/v1/api-keys', payload: { name: 'race' }, headers: { 'idempotency-key': 'req-5' } };
    const results = await Promise.all(Array.from({ length: 5 }, () => t.call(owner.key, opts)));
    for (const r of results) expect([201, 409]).toContain(r.statusCode);
    const ok = results.filter((r) => r.statusCode === 201).map((r) => r.json().id);
    expect(new Set(ok).size).toBe(1);
    expect(await countKeys('race')).toBe(1);
  });

  it('scopes keys per workspace', async () => {
    const other = await t.tenant('idem-2');
    const opts = { method: 'POST' as const, url: '/api/v1/api-keys', payload: { name: 'scoped' }, headers: { 'idempotency-key': 'shared' } };
    const mine = await t.call(owner.key, opts);
    const theirs = await t.call(other.key, opts);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.json().id).not.toBe(mine.json().id);
  });

  it('rejects malformed keys and purges keys after 24 h', async () => {
    const res = await t.call(owner.key, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'x' }, headers: { 'idempotency-key': 'x'.repeat(300) } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.header).toBe('Idempotency-Key');
    const before = (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from idempotency_keys`))[0]!.n;
    expect(await purgeIdempotencyKeys(t.db, new Date())).toBe(0);
    expect(await purgeIdempotencyKeys(t.db, new Date(Date.now() + 25 * 3600_000))).toBe(before);
  });
});
