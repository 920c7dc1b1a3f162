import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
let owner: { key: string };

beforeAll(async () => {
  t = await createTestApp();
  owner = await t.tenant('errs');
});
afterAll(() => t.close());

function expectEnvelope(res: { json(): unknown }, code: string) {
  const body = res.json() as { error: { code: string; message: string; details: object } };
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(5);
  expect(typeof body.error.details).toBe('object');
  return body.error;
}

describe('error envelope everywhere', () => {
  it('unknown routes', async () => {
    const res = await t.call(owner.key, { method: 'GET', url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expectEnvelope(res, 'ROUTE_NOT_FOUND');
    expect((await t.call(undefined, { method: 'DELETE', url: '/healthz' })).statusCode).toBe(404);
  });

  it('bodies that are not JSON', async () => {
    const res = await t.call(owner.key, { method: 'POST', url: '/api/v1/api-keys', headers: { 'content-type': 'application/json' }, payload: '{"name": "x",' });
    expect(res.statusCode).toBe(400);
    expectEnvelope(res, 'BODY_INVALID_JSON');
  });

  it('bodies of an unsupported content type', async () => {
    const res = await t.call(owner.key, { method: 'POST', url: '/api/v1/api-keys', headers: { 'content-type': 'application/xml' }, payload: '<x/>' });
    expect(res.statusCode).toBe(415);
    expectEnvelope(res, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('bodies that are too large', async () => {
    const res = await t.call(owner.key, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'x'.repeat(2_000_000) } });
    expect(res.statusCode).toBe(413);
    expectEnvelope(res, 'BODY_TOO_LARGE');
  });

  it('validation errors name the field and the fix', async () => {
    const res = await t.call(owner.key, { method: 'POST', url: '/api/v1/users', payload: { email: 'nope', role: 'king', password: 'short' } });
    expect(res.statusCode).toBe(422);
    const err = expectEnvelope(res, 'VALIDATION_FAILED') as { details: { fields: { field: string; message: string }[] } };
    const fields = Object.fromEntries(err.details.fields.map((f) => [f.field, f.message]));
    expect(fields.email).toMatch(/email/);
    expect(fields.role).toBeDefined();
    expect(fields.password).toMatch(/12 characters/);
  });

  it('unknown fields are rejected by name (no mass assignment)', async () => {
    const res = await t.call(owner.key, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'x', workspace_id: '00000000-0000-0000-0000-000000000000', key_hash: 'x' } });
    expect(res.statusCode).toBe(422);
    const err = expectEnvelope(res, 'VALIDATION_FAILED') as { details: { fields: { field: string }[] } };
    expect(err.details.fields.map((f) => f.field).sort()).toEqual(['key_hash', 'workspace_id']);
  });

  it('query parameters are validated with their name', async () => {
    const res = await t.call(owner.key, { method: 'GET', url: '/api/v1/api-keys?limit=5000' });
    expect(res.statusCode).toBe(422);
    const err = expectEnvelope(res, 'VALIDATION_FAILED') as { details: { fields: { field: string }[] } };
    expect(err.details.fields[0]!.field).toBe('querystring.limit');
  });

  it('sets security headers and a request id on every response', async () => {
    const res = await t.call(undefined, { method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-123' } });
    expect(res.headers['x-request-id']).toBe('trace-123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-frame-options']).toBeDefined();
    const generated = await t.call(undefined, { method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id with spaces' } });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the OpenAPI document generated from the route schemas, and the docs page', async () => {
    const doc = (await t.call(undefined, { method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.paths['/api/v1/api-keys'].post.requestBody.content['application/json'].schema.properties.name).toBeDefined();
    const docs = await t.call(undefined, { method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });

  it('readyz reports the database state', async () => {
    expect((await t.call(undefined, { method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });
});

describe('rate limiting', () => {
  it('limits requests per API key and per IP with 429 and Retry-After', async () => {
    const limited = await createTestApp({ rateLimitPerKeyPerMinute: 5, rateLimitPerIpPerMinute: 3 });
    try {
      const k = await limited.tenant('rl');
      const codes: number[] = [];
      for (let i = 0; i < 7; i++) codes.push((await limited.call(k.key, { method: 'GET', url: '/api/v1/workspace' })).statusCode);
      expect(codes.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      const res = await limited.call(k.key, { method: 'GET', url: '/api/v1/workspace' });
      expect(res.statusCode).toBe(429);
      expect(res.headers['retry-after']).toBeDefined();
      expect(res.json().error.code).toBe('RATE_LIMITED');
      const anon: number[] = [];
      for (let i = 0; i < 5; i++) anon.push((await limited.call(undefined, { method: 'GET', url: '/api/openapi.json' })).statusCode);
      expect(anon).toContain(429);
      expect((await limited.call(undefined, { method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
