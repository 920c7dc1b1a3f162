import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
let owner: { key: string };

beforeAll(async () => {
  t = await createTestApp();
  owner = await t.tenant('ws');
});
afterAll(() => t.close());

describe('workspace settings', () => {
  it('reads back every change at once (no stale cached copy) and merges settings, null removing a key', async () => {
    const get = async () => (await t.call(owner.key, { method: 'GET', url: '/api/v1/workspace' })).json();
    expect((await get()).name).toBe('ws');
    await t.call(owner.key, { method: 'PATCH', url: '/api/v1/workspace', payload: { name: 'Acme', settings: { timezone: 'Europe/Lisbon', default_country: 'BR' } } });
    expect(await get()).toMatchObject({ name: 'Acme', settings: { timezone: 'Europe/Lisbon', default_country: 'BR' } });
    await t.call(owner.key, { method: 'PATCH', url: '/api/v1/workspace', payload: { settings: { timezone: null } } });
    const after = await get();
    expect(after.settings).toEqual({ default_country: 'BR' });
    expect(after.name).toBe('Acme');
  });

  it('lets a viewer read but not change it', async () => {
    const viewer = (await t.call(owner.key, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'v', role: 'viewer' } })).json().key as string;
    expect((await t.call(viewer, { method: 'GET', url: '/api/v1/workspace' })).statusCode).toBe(200);
    expect((await t.call(viewer, { method: 'PATCH', url: '/api/v1/workspace', payload: { name: 'x' } })).statusCode).toBe(403);
  });
});
