// The typed client (client/index.ts), compiled with the rest of the repo, used end to end against
// a listening Greenlist: the types are the OpenAPI document's, and so are the answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGreenlistClient, type GreenlistClient } from '../client/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
let gl: GreenlistClient;

beforeAll(async () => {
  t = await createTestApp();
  const { key } = await t.tenant('typed-client');
  const url = await t.app.listen({ host: '127.0.0.1', port: 0 });
  gl = createGreenlistClient({ baseUrl: url, apiKey: key });
});
afterAll(() => t.close());

describe('the typed client', () => {
  it('creates a topic and a contact, lists and reads them, and gets typed errors naming the field', async () => {
    const topic = await gl.POST('/api/v1/topics', { body: { key: 'offers', name: 'Offers', category: 'marketing' } });
    expect(topic.error).toBeUndefined();
    expect(topic.data?.key).toBe('offers');
    const created = await gl.POST('/api/v1/contacts', { body: { phone: '+14155550123', name: 'Ana' } });
    expect(created.response.status).toBe(201);
    const id = created.data!.id;
    const one = await gl.GET('/api/v1/contacts/{id}', { params: { path: { id } } });
    expect(one.data).toMatchObject({ id, phone: '+14155550123', name: 'Ana' });
    const page = await gl.GET('/api/v1/contacts', { params: { query: { limit: 10 } } });
    expect(page.data?.data.map((c) => c.id)).toContain(id);
    const bad = await gl.POST('/api/v1/contacts', { body: { phone: 'not a phone' } });
    expect(bad.response.status).toBe(422);
    expect(bad.error?.error.code).toBe('PHONE_INVALID');
    const unauthorised = await createGreenlistClient({ baseUrl: t.app.listeningOrigin }).GET('/api/v1/contacts');
    expect(unauthorised.response.status).toBe(401);
  });
});
