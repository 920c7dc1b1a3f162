// One email in several workspaces: a login links only the workspaces whose password it proved, and
// POST /auth/switch moves the session to one of them (never to one it did not prove), audited in both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
let shop: { workspaceId: string; key: string };
let cafe: { workspaceId: string; key: string };
let bakery: { workspaceId: string; key: string };
const EMAIL = 'Sam@Two.example';
const PASSWORD = 'the same long passphrase';
const csrf = { 'x-greenlist-csrf': '1' };

beforeAll(async () => {
  t = await createTestApp();
  shop = await t.tenant('shop-sw');
  cafe = await t.tenant('cafe-sw');
  bakery = await t.tenant('bakery-sw');
  const add = (key: string, role: string, password: string) => t.call(key, { method: 'POST', url: '/api/v1/users', payload: { email: EMAIL, role, password } });
  expect((await add(shop.key, 'owner', PASSWORD)).statusCode).toBe(201);
  expect((await add(cafe.key, 'viewer', PASSWORD)).statusCode).toBe(201);
  // Same email, another password: a login with PASSWORD proves nothing about this one.
  expect((await add(bakery.key, 'owner', 'a different passphrase')).statusCode).toBe(201);
}, 120_000);
afterAll(() => t.close());

async function login(workspace: string, password = PASSWORD): Promise<string> {
  const res = await t.call(undefined, { method: 'POST', url: '/api/v1/auth/login', payload: { workspace, email: 'sam@two.example', password } });
  expect(res.statusCode).toBe(200);
  return res.cookies.find((c) => c.name === 'greenlist_session')!.value;
}

const asCookie = (cookie: string, opts: { method: 'GET' | 'POST'; url: string; payload?: Record<string, unknown> }) =>
  t.app.inject({ ...opts, cookies: { greenlist_session: cookie }, headers: opts.method === 'POST' ? csrf : {} });

async function workspacesOf(cookie: string) {
  const res = await asCookie(cookie, { method: 'GET', url: '/api/v1/auth/workspaces' });
  expect(res.statusCode).toBe(200);
  return (res.json() as { data: { workspace_id: string; slug: string; role: string; current: boolean }[] }).data;
}

describe('switching workspace', () => {
  it('lists only the workspaces whose password the login proved, the current one marked', async () => {
    const cookie = await login('shop-sw');
    const list = await workspacesOf(cookie);
    expect(list.map((w) => [w.slug, w.role, w.current]).sort()).toEqual([
      ['cafe-sw', 'viewer', false],
      ['shop-sw', 'owner', true],
    ]);
    // Logging in to the bakery with its own password links the other two? No: their password differs.
    const bakeryCookie = await login('bakery-sw', 'a different passphrase');
    expect((await workspacesOf(bakeryCookie)).map((w) => w.slug)).toEqual(['bakery-sw']);
  }, 90_000);

  it('moves the session to a linked workspace, ends the old cookie, and can switch back', async () => {
    const cookie = await login('shop-sw');
    const res = await asCookie(cookie, { method: 'POST', url: '/api/v1/auth/switch', payload: { workspace_id: cafe.workspaceId } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ workspace_id: cafe.workspaceId, actor: { role: 'viewer' } });
    const cafeCookie = res.cookies.find((c) => c.name === 'greenlist_session')!;
    expect(cafeCookie.httpOnly).toBe(true);
    expect((await asCookie(cookie, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
    const me = await asCookie(cafeCookie.value, { method: 'GET', url: '/api/v1/auth/me' });
    expect(me.json()).toMatchObject({ workspace_id: cafe.workspaceId, actor: { role: 'viewer' } });
    // Reads are the cafe's, never the shop's: the session is strictly in one workspace.
    expect((await asCookie(cafeCookie.value, { method: 'GET', url: '/api/v1/workspace' })).json().slug).toBe('cafe-sw');
    const back = await asCookie(cafeCookie.value, { method: 'POST', url: '/api/v1/auth/switch', payload: { workspace_id: shop.workspaceId } });
    expect(back.statusCode).toBe(200);
    expect(back.json().workspace_id).toBe(shop.workspaceId);

    const audit = async (key: string) => ((await t.call(key, { method: 'GET', url: '/api/v1/audit-log?limit=20' })).json().data as { action: string }[]).map((e) => e.action);
    expect(await audit(cafe.key)).toEqual(expect.arrayContaining(['session.switched_in', 'session.switched_out']));
    expect(await audit(shop.key)).toEqual(expect.arrayContaining(['session.switched_out', 'session.switched_in']));
  }, 90_000);

  it('refuses a workspace the login did not prove, naming the field', async () => {
    const cookie = await login('shop-sw');
    const res = await asCookie(cookie, { method: 'POST', url: '/api/v1/auth/switch', payload: { workspace_id: bakery.workspaceId } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'AUTH_WORKSPACE_NOT_LINKED', details: { field: 'workspace_id' } });
    const bad = await asCookie(cookie, { method: 'POST', url: '/api/v1/auth/switch', payload: { workspace_id: 'nope' } });
    expect(bad.statusCode).toBe(422);
    expect((await asCookie(cookie, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(200);
    // An API key belongs to one workspace: there is nothing to switch.
    expect((await t.call(shop.key, { method: 'GET', url: '/api/v1/auth/workspaces' })).statusCode).toBe(401);
  }, 90_000);

  it('drops a linked workspace whose user changes password or is disabled after the login', async () => {
    const cookie = await login('shop-sw');
    const sam = ((await t.call(cafe.key, { method: 'GET', url: '/api/v1/users' })).json().data as { id: string; email: string }[]).find((u) => u.email === 'sam@two.example')!;
    expect((await t.call(cafe.key, { method: 'PATCH', url: `/api/v1/users/${sam.id}`, payload: { disabled: true } })).statusCode).toBe(200);
    expect((await workspacesOf(cookie)).map((w) => w.slug)).toEqual(['shop-sw']);
    const res = await asCookie(cookie, { method: 'POST', url: '/api/v1/auth/switch', payload: { workspace_id: cafe.workspaceId } });
    expect(res.json().error.code).toBe('AUTH_WORKSPACE_NOT_LINKED');
    expect((await t.call(cafe.key, { method: 'PATCH', url: `/api/v1/users/${sam.id}`, payload: { disabled: false } })).statusCode).toBe(200);
    // Re-enabled, but the old login never re-proved it: only a new login links it again.
    expect((await workspacesOf(cookie)).map((w) => w.slug)).toEqual(['shop-sw']);
    expect((await workspacesOf(await login('shop-sw'))).map((w) => w.slug).sort()).toEqual(['cafe-sw', 'shop-sw']);
  }, 90_000);

  it('logging out ends the linked sessions too', async () => {
    const cookie = await login('shop-sw');
    const moved = await asCookie(cookie, { method: 'POST', url: '/api/v1/auth/switch', payload: { workspace_id: cafe.workspaceId } });
    const cafeCookie = moved.cookies.find((c) => c.name === 'greenlist_session')!.value;
    expect((await asCookie(cafeCookie, { method: 'POST', url: '/api/v1/auth/logout' })).statusCode).toBe(204);
    expect((await asCookie(cafeCookie, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
  }, 90_000);
});
