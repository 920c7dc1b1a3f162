import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { createTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
let owner: { workspaceId: string; key: string };

beforeAll(async () => {
  t = await createTestApp();
  owner = await t.tenant('acme');
});
afterAll(() => t.close());

describe('API key lifecycle', () => {
  it('creates a key that is shown once, stored only as a hash, works, and stops working the moment it is revoked', async () => {
    const created = await t.call(owner.key, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'zapier', role: 'marketer' } });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body.key).toMatch(/^glk_[A-Za-z0-9_-]{43}$/);
    expect(body).toMatchObject({ name: 'zapier', role: 'marketer', revoked_at: null, last_used_at: null });

    const stored = await queryRows<{ key_hash: string; prefix: string }>(t.db, sql`select key_hash, prefix from api_keys where id = ${body.id}`);
    expect(stored[0]!.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0]!.key_hash).not.toContain(body.key);
    expect(body.key.startsWith(stored[0]!.prefix)).toBe(true);
    const dump = await queryRows<{ t: string }>(t.db, sql`select row_to_json(a)::text as t from api_keys a`);
    expect(dump.map((r) => r.t).join('\n')).not.toContain(body.key);

    const me = await t.call(body.key, { method: 'GET', url: '/api/v1/auth/me' });
    expect(me.statusCode).toBe(200);
    expect(me.json().actor).toMatchObject({ type: 'api_key', id: body.id, role: 'marketer' });

    const listed = await t.call(owner.key, { method: 'GET', url: '/api/v1/api-keys' });
    const entry = listed.json().data.find((k: { id: string }) => k.id === body.id);
    expect(entry).toBeDefined();
    expect(entry.key).toBeUndefined();
    expect(entry.last_used_at).not.toBeNull();

    const revoked = await t.call(owner.key, { method: 'DELETE', url: `/api/v1/api-keys/${body.id}` });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revoked_at).not.toBeNull();

    const after = await t.call(body.key, { method: 'GET', url: '/api/v1/auth/me' });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('AUTH_INVALID');
  });

  it('answers 401 with the envelope for a missing, malformed or unknown key', async () => {
    const none = await t.call(undefined, { method: 'GET', url: '/api/v1/workspace' });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('AUTH_REQUIRED');
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/workspace', headers: { authorization: 'Basic abc' } });
    expect(bad.statusCode).toBe(401);
    const unknown = await t.call('glk_' + 'x'.repeat(43), { method: 'GET', url: '/api/v1/workspace' });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.code).toBe('AUTH_INVALID');
  });

  it('enforces roles: a viewer cannot manage keys and an admin cannot mint an owner key', async () => {
    const viewer = await t.call(owner.key, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'ro', role: 'viewer' } });
    const viewerKey = viewer.json().key as string;
    const denied = await t.call(viewerKey, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'x' } });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('FORBIDDEN_ROLE');
    expect((await t.call(viewerKey, { method: 'GET', url: '/api/v1/workspace' })).statusCode).toBe(200);

    const admin = await t.call(owner.key, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'adm', role: 'admin' } });
    const escalate = await t.call(admin.json().key, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'x', role: 'owner' } });
    expect(escalate.statusCode).toBe(403);
    expect(escalate.json().error.details.field).toBe('role');
  });

  it('pages through keys with a cursor', async () => {
    for (let i = 0; i < 3; i++) await t.call(owner.key, { method: 'POST', url: '/api/v1/api-keys', payload: { name: `page-${i}` } });
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const res = await t.call(owner.key, { method: 'GET', url: `/api/v1/api-keys?limit=2${cursor ? `&cursor=${cursor}` : ''}` });
      const page = res.json() as { data: { id: string }[]; next_cursor: string | null };
      expect(page.data.length).toBeLessThanOrEqual(2);
      for (const k of page.data) {
        expect(seen.has(k.id)).toBe(false);
        seen.add(k.id);
      }
      cursor = page.next_cursor;
    } while (cursor);
    const total = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from api_keys where workspace_id = ${owner.workspaceId}`);
    expect(seen.size).toBe(total[0]!.n);
  });
});
