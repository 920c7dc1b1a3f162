import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
let owner: { workspaceId: string; key: string };
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  t = await createTestApp();
  owner = await t.tenant('ui');
  await t.call(owner.key, { method: 'POST', url: '/api/v1/users', payload: { email: 'Mia@Shop.example', role: 'marketer', password: PASSWORD } });
});
afterAll(() => t.close());

async function login(password = PASSWORD) {
  return t.call(undefined, { method: 'POST', url: '/api/v1/auth/login', payload: { workspace: 'ui', email: 'mia@shop.example', password } });
}

function cookieOf(res: { cookies: { name: string; value: string; httpOnly?: boolean; sameSite?: string }[] }) {
  return res.cookies.find((c) => c.name === 'greenlist_session')!;
}

describe('admin UI login', () => {
  it('logs in with a session cookie (httpOnly, SameSite=Strict) that authenticates reads', async () => {
    const res = await login();
    expect(res.statusCode).toBe(200);
    expect(res.json().actor).toMatchObject({ type: 'user', role: 'marketer' });
    const c = cookieOf(res);
    expect(c.httpOnly).toBe(true);
    expect(c.sameSite).toBe('Strict');
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: { greenlist_session: c.value } });
    expect(me.statusCode).toBe(200);
    expect(me.json().workspace_id).toBe(owner.workspaceId);
    // What the role may do, from the server's own map: the admin UI shows only these controls.
    const marketer = ['workspace:read', 'contacts:read', 'contacts:write', 'broadcasts:manage', 'conversations:reply', 'messages:send'];
    expect(res.json().permissions).toEqual(marketer);
    expect(me.json().permissions).toEqual(marketer);
    const asKey = await t.call(owner.key, { method: 'GET', url: '/api/v1/auth/me' });
    expect(asKey.json().permissions).toContain('workspace:manage');
  });

  it('fails with one generic message for a wrong password or unknown email', async () => {
    const wrong = await login('wrong password!!');
    const unknown = await t.call(undefined, { method: 'POST', url: '/api/v1/auth/login', payload: { workspace: 'ui', email: 'nobody@x.example', password: PASSWORD } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error).toEqual(unknown.json().error);
  });

  it('requires the CSRF header for cookie-authenticated writes', async () => {
    const c = cookieOf(await login());
    const noHeader = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', cookies: { greenlist_session: c.value } });
    expect(noHeader.statusCode).toBe(403);
    expect(noHeader.json().error.code).toBe('CSRF_REJECTED');
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', cookies: { greenlist_session: c.value }, headers: { 'x-greenlist-csrf': '1' } });
    expect(out.statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: { greenlist_session: c.value } });
    expect(after.statusCode).toBe(401);
  });

  it('ends every session of a user whose password changes or who is disabled', async () => {
    const c = cookieOf(await login());
    const users = (await t.call(owner.key, { method: 'GET', url: '/api/v1/users' })).json().data as { id: string; email: string }[];
    const mia = users.find((u) => u.email === 'mia@shop.example')!;
    const changed = await t.call(owner.key, { method: 'PATCH', url: `/api/v1/users/${mia.id}`, payload: { password: 'a brand new passphrase' } });
    expect(changed.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: { greenlist_session: c.value } })).statusCode).toBe(401);
    expect((await login()).statusCode).toBe(401);
    const fresh = cookieOf(await login('a brand new passphrase'));
    await t.call(owner.key, { method: 'PATCH', url: `/api/v1/users/${mia.id}`, payload: { disabled: true } });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: { greenlist_session: fresh.value } })).statusCode).toBe(401);
    expect((await login('a brand new passphrase')).statusCode).toBe(401);
  });

  it('keeps at least one active owner', async () => {
    const users = (await t.call(owner.key, { method: 'POST', url: '/api/v1/users', payload: { email: 'own@x.example', role: 'owner' } })).json();
    const res = await t.call(owner.key, { method: 'PATCH', url: `/api/v1/users/${users.id}`, payload: { role: 'admin' } });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('USER_LAST_OWNER');
    expect((await t.call(owner.key, { method: 'DELETE', url: `/api/v1/users/${users.id}` })).statusCode).toBe(409);
  });
});
