import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { createTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
let owner: { workspaceId: string; key: string };

beforeAll(async () => {
  t = await createTestApp();
  owner = await t.tenant('audited');
});
afterAll(() => t.close());

async function auditCount(): Promise<number> {
  const [r] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from audit_log where workspace_id = ${owner.workspaceId}`);
  return r!.n;
}

async function lastAudit() {
  const res = await t.call(owner.key, { method: 'GET', url: '/api/v1/audit-log?limit=1' });
  return res.json().data[0] as { action: string; actor_type: string; actor_id: string; target_type: string; target_id: string; request_id: string; created_at: string };
}

describe('audit log', () => {
  it('writes exactly one row per mutation, naming actor, action and target', async () => {
    const me = (await t.call(owner.key, { method: 'GET', url: '/api/v1/auth/me' })).json();
    const steps: { req: () => Promise<{ statusCode: number; json(): { id?: string } }>; action: string; targetType: string }[] = [
      { req: () => t.call(owner.key, { method: 'PATCH', url: '/api/v1/workspace', payload: { name: 'Audited Ltd', settings: { timezone: 'Europe/Lisbon' } } }), action: 'workspace.updated', targetType: 'workspace' },
      { req: () => t.call(owner.key, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'k1' } }), action: 'api_key.created', targetType: 'api_key' },
      { req: () => t.call(owner.key, { method: 'POST', url: '/api/v1/users', payload: { email: 'bo@x.example', role: 'agent' } }), action: 'user.created', targetType: 'user' },
    ];
    for (const step of steps) {
      const before = await auditCount();
      const res = await step.req();
      expect(res.statusCode).toBeLessThan(300);
      expect(await auditCount()).toBe(before + 1);
      const row = await lastAudit();
      expect(row).toMatchObject({ action: step.action, actor_type: 'api_key', actor_id: me.actor.id, target_type: step.targetType });
      if (res.json().id) expect(row.target_id).toBe(res.json().id);
      expect(row.request_id).toBeTruthy();
      expect(new Date(row.created_at).toISOString()).toBe(row.created_at);
    }
    const userId = (await t.call(owner.key, { method: 'GET', url: '/api/v1/users' })).json().data[0].id as string;
    for (const [req, action] of [
      [() => t.call(owner.key, { method: 'PATCH', url: `/api/v1/users/${userId}`, payload: { name: 'Bo' } }), 'user.updated'],
      [() => t.call(owner.key, { method: 'DELETE', url: `/api/v1/users/${userId}` }), 'user.deleted'],
    ] as const) {
      const before = await auditCount();
      expect((await req()).statusCode).toBeLessThan(300);
      expect(await auditCount()).toBe(before + 1);
      expect((await lastAudit()).action).toBe(action);
    }
  });

  it('writes nothing when the mutation fails', async () => {
    const before = await auditCount();
    const res = await t.call(owner.key, { method: 'POST', url: '/api/v1/users', payload: { email: 'not-an-email', role: 'agent' } });
    expect(res.statusCode).toBe(422);
    const dup1 = await t.call(owner.key, { method: 'POST', url: '/api/v1/users', payload: { email: 'dup@x.example', role: 'agent' } });
    expect(dup1.statusCode).toBe(201);
    const dup2 = await t.call(owner.key, { method: 'POST', url: '/api/v1/users', payload: { email: 'DUP@x.example', role: 'agent' } });
    expect(dup2.statusCode).toBe(409);
    expect(await auditCount()).toBe(before + 1);
  });

  it('is append-only in the database itself', async () => {
    await expect(t.db.execute(sql`update audit_log set action = 'x' where workspace_id = ${owner.workspaceId}`)).rejects.toThrow();
    await expect(t.db.execute(sql`delete from audit_log where workspace_id = ${owner.workspaceId}`)).rejects.toThrow();
    expect(await auditCount()).toBeGreaterThan(0);
  });

  it('filters by target and pages newest first', async () => {
    const all = (await t.call(owner.key, { method: 'GET', url: '/api/v1/audit-log?limit=1000' })).json().data as { id: number }[];
    const ids = all.map((r) => r.id);
    expect([...ids].sort((x, y) => y - x)).toEqual(ids);
    const p1 = (await t.call(owner.key, { method: 'GET', url: '/api/v1/audit-log?limit=2' })).json();
    const p2 = (await t.call(owner.key, { method: 'GET', url: `/api/v1/audit-log?limit=2&cursor=${p1.next_cursor}` })).json();
    expect([...p1.data, ...p2.data].map((r: { id: number }) => r.id)).toEqual(ids.slice(0, 4));
    const filtered = (await t.call(owner.key, { method: 'GET', url: '/api/v1/audit-log?action=api_key.created' })).json().data as { action: string }[];
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((r) => r.action === 'api_key.created')).toBe(true);
    const bad = await t.call(owner.key, { method: 'GET', url: '/api/v1/audit-log?cursor=garbage' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details.fields[0].field).toBe('cursor');
  });
});
