import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { createTopic } from '../src/modules/consent/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { registerNumber } from './helpers/factories.js';

let t: TestApp;
let tenant: Awaited<ReturnType<TestApp['tenant']>>;
let numberId: string;

const FORM_PAGE = { business_name: 'Bloom Flowers', frequency: 'about 2 messages a week', how_to_stop: 'Reply STOP at any time', privacy_url: 'https://bloom.example/privacy' };

beforeAll(async () => {
  t = await createTestApp();
  tenant = await t.tenant('optin-src');
  expect((await t.call(tenant.key, { method: 'POST', url: '/api/v1/attributes', payload: { key: 'coupon', type: 'string' } })).statusCode).toBe(201);
  numberId = await registerNumber(t, tenant.key, { phoneNumberId: '7065403522', wabaId: '7022901293', displayNumber: '+1 555 078 3881', accessToken: 'EAAG-token-o', appSecret: 'app-secret-o', verifyToken: 'verify-o-123' });
  await createTopic(tenant.ctx, { key: 'offers', name: 'Offers', category: 'marketing', frequency: 'at most 2 a week' });
  await createTopic(tenant.ctx, { key: 'news', name: 'New arrivals', category: 'marketing' });
});
afterAll(() => t.close());

const post = (payload: object, key = tenant.key, headers: Record<string, string> = {}) => t.call(key, { method: 'POST', url: '/api/v1/optin-sources', payload, headers });
const source = (over: Record<string, unknown> = {}) => ({ kind: 'store', name: 'Main street store', keyword: 'JOIN', topics: ['offers'], consent_text: 'Yes, send me Bloom offers on WhatsApp.', ...over });

describe('opt-in sources API', () => {
  it('creates a store source with a normalised keyword, active at once, and audits it', async () => {
    const res = await post(source({ keyword: '  Spring-Store! ', topics: ['offers', 'news'], number_id: numberId, welcome: { incentive: 'SPRING10', incentive_attribute: 'coupon' } }));
    expect(res.statusCode).toBe(201);
    const s = res.json();
    expect(s).toMatchObject({ kind: 'store', keyword: 'spring store', topics: ['offers', 'news'], number_id: numberId, status: 'active', slug: null, page_url: null, welcome: { incentive: 'SPRING10' } });
    const audit = await queryRows<{ action: string }>(t.db, sql`select action from audit_log where target_id = ${s.id}`);
    expect(audit.map((a) => a.action)).toEqual(['optin_source.created']);
    const one = await t.call(tenant.key, { method: 'GET', url: `/api/v1/optin-sources/${s.id}` });
    expect(one.json()).toEqual(s);
    const list = await t.call(tenant.key, { method: 'GET', url: '/api/v1/optin-sources?kind=store' });
    expect(list.json().data.map((x: { id: string }) => x.id)).toContain(s.id);
    expect((await t.call(tenant.key, { method: 'GET', url: '/api/v1/optin-sources?kind=flyer' })).json().data).toEqual([]);
  });

  it('gives the click-to-chat link and QR codes (PNG and SVG) of that link', async () => {
    const s = (await post(source({ name: 'Flyer', kind: 'flyer', keyword: 'Flyer Spring' }))).json();
    const link = await t.call(tenant.key, { method: 'GET', url: `/api/v1/optin-sources/${s.id}/link` });
    expect(link.statusCode).toBe(200);
    expect(link.json()).toEqual({ url: 'https://wa.me/15550783881?text=flyer%20spring', keyword: 'flyer spring' });

    const png = await t.call(tenant.key, { method: 'GET', url: `/api/v1/optin-sources/${s.id}/qr.png?size=256` });
    expect(png.statusCode).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.rawPayload.readUInt32BE(16)).toBe(256); // IHDR width

    const svg = await t.call(tenant.key, { method: 'GET', url: `/api/v1/optin-sources/${s.id}/qr.svg` });
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(svg.body).toContain('<svg');
    expect(svg.body).not.toContain('<script');

    const big = await t.call(tenant.key, { method: 'GET', url: `/api/v1/optin-sources/${s.id}/qr.png?size=99999` });
    expect(big.statusCode).toBe(422);
  });

  it('refuses a keyword another source uses, and any STOP or START word (409 KEYWORD_TAKEN)', async () => {
    const first = await post(source({ keyword: 'Bloom Club' }));
    expect(first.statusCode).toBe(201);
    for (const keyword of ['bloom club', 'BLOOM-CLUB!', 'STOP', 'Unsubscribe', 'ＳＴＯＰ', 'start', 'stop offers', 'arrêt']) {
      const res = await post(source({ keyword }));
      expect(res.statusCode, keyword).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'KEYWORD_TAKEN', details: { field: 'keyword' } });
    }
    const other = (await post(source({ keyword: 'other club' }))).json();
    const patch = await t.call(tenant.key, { method: 'PATCH', url: `/api/v1/optin-sources/${other.id}`, payload: { keyword: 'Bloom club' } });
    expect(patch.statusCode).toBe(409);
    // Its own keyword is not a clash.
    const same = await t.call(tenant.key, { method: 'PATCH', url: `/api/v1/optin-sources/${other.id}`, payload: { keyword: 'Other Club', name: 'Renamed' } });
    expect(same.statusCode).toBe(200);
    expect(same.json()).toMatchObject({ keyword: 'other club', name: 'Renamed' });
  });

  it('keeps keywords per workspace', async () => {
    const b = await t.tenant('optin-src-b');
    await createTopic(b.ctx, { key: 'offers', name: 'Offers', category: 'marketing' });
    const res = await post(source({ keyword: 'bloom club' }), b.key);
    expect(res.statusCode).toBe(201);
    // Without a business number there is nothing to link to yet.
    const link = await t.call(b.key, { method: 'GET', url: `/api/v1/optin-sources/${res.json().id}/link` });
    expect(link.statusCode).toBe(422);
    expect(link.json().error.details.fields[0].field).toBe('number_id');
  });

  it('checks topics, numbers and kind-specific fields', async () => {
    const unknownTopic = await post(source({ keyword: 'k1', topics: ['nope'] }));
    expect(unknownTopic.statusCode).toBe(422);
    expect(unknownTopic.json().error.message).toContain('nope');
    const noTopic = await post(source({ keyword: 'k2', topics: [] }));
    expect(noTopic.statusCode).toBe(422);
    const foreignNumber = await post(source({ keyword: 'k3', number_id: '3b241101-e2bb-4255-8caf-4136c566a962' }));
    expect(foreignNumber.statusCode).toBe(422);
    expect(foreignNumber.json().error.details.fields[0].field).toBe('number_id');
    const pageOnStore = await post(source({ keyword: 'k4', page: FORM_PAGE }));
    expect(pageOnStore.statusCode).toBe(422);
    const extra = await post(source({ keyword: 'k5', workspace_id: tenant.workspaceId }));
    expect(extra.statusCode).toBe(422);
  });

  it('creates forms as drafts and publishes them only when the page states everything (422 FORM_INCOMPLETE)', async () => {
    const created = await post(source({ kind: 'form', name: 'Spring sign-up', keyword: 'spring form', topics: [], page: { business_name: 'Bloom Flowers' } }));
    expect(created.statusCode).toBe(201);
    const form = created.json();
    expect(form).toMatchObject({ status: 'draft', slug: expect.stringMatching(/^spring-sign-up-[0-9a-f]{8}$/) });
    expect(form.page_url).toBe(`http://127.0.0.1:8080/join/${form.slug}`);

    const blocked = await t.call(tenant.key, { method: 'POST', url: `/api/v1/optin-sources/${form.id}/publish` });
    expect(blocked.statusCode).toBe(422);
    expect(blocked.json().error.code).toBe('FORM_INCOMPLETE');
    expect(blocked.json().error.details.missing).toEqual(['topics', 'page.frequency', 'page.how_to_stop', 'page.privacy_url']);
    // Activating through PATCH runs the same checks.
    expect((await t.call(tenant.key, { method: 'PATCH', url: `/api/v1/optin-sources/${form.id}`, payload: { status: 'active' } })).statusCode).toBe(422);

    // Topics that each promise a frequency answer "how often".
    await t.call(tenant.key, { method: 'PATCH', url: `/api/v1/optin-sources/${form.id}`, payload: { topics: ['offers'], page: { business_name: 'Bloom Flowers', how_to_stop: 'Reply STOP' } } });
    expect((await t.call(tenant.key, { method: 'POST', url: `/api/v1/optin-sources/${form.id}/publish` })).json().error.details.missing).toEqual(['page.privacy_url']);

    await t.call(tenant.key, { method: 'PATCH', url: `/api/v1/optin-sources/${form.id}`, payload: { page: FORM_PAGE } });
    const published = await t.call(tenant.key, { method: 'POST', url: `/api/v1/optin-sources/${form.id}/publish` });
    expect(published.statusCode).toBe(200);
    expect(published.json().status).toBe('active');

    const breaking = await t.call(tenant.key, { method: 'PATCH', url: `/api/v1/optin-sources/${form.id}`, payload: { page: { ...FORM_PAGE, privacy_url: undefined } } });
    expect(breaking.statusCode).toBe(422);
    expect(breaking.json().error.details.missing).toEqual(['page.privacy_url']);
    const archived = await t.call(tenant.key, { method: 'PATCH', url: `/api/v1/optin-sources/${form.id}`, payload: { status: 'archived' } });
    expect(archived.json().status).toBe('archived');

    const audit = await queryRows<{ action: string }>(t.db, sql`select action from audit_log where target_id = ${form.id} order by id`);
    expect(audit.map((a) => a.action)).toEqual(['optin_source.created', 'optin_source.updated', 'optin_source.updated', 'optin_source.published', 'optin_source.updated']);
  });

  it('refuses an incentive attribute that is not defined', async () => {
    const res = await post(source({ keyword: 'no-such-attr', welcome: { incentive: 'X1', incentive_attribute: 'voucher' } }));
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'ATTRIBUTE_INVALID', details: { field: 'attributes.voucher' } });
  });

  it('keeps form slugs unique across workspaces', async () => {
    const a = await post(source({ kind: 'form', keyword: 'slug one', slug: 'bloom-spring' }));
    expect(a.statusCode).toBe(201);
    const b = await t.tenant('optin-src-c');
    const clash = await post(source({ kind: 'form', keyword: 'slug two', topics: [], slug: 'bloom-spring' }), b.key);
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error).toMatchObject({ code: 'FORM_SLUG_TAKEN', details: { field: 'slug' } });
    expect((await post(source({ kind: 'form', keyword: 'slug three', slug: 'Bad Slug' }))).statusCode).toBe(422);
  });

  it('replays a create with the same Idempotency-Key', async () => {
    const headers = { 'idempotency-key': 'create-source-1' };
    const first = await post(source({ keyword: 'idem' }), tenant.key, headers);
    const again = await post(source({ keyword: 'idem' }), tenant.key, headers);
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
  });

  it('lets a viewer read sources but not change them', async () => {
    const viewer = await t.tenant('optin-src-viewer', 'viewer');
    expect((await t.call(viewer.key, { method: 'GET', url: '/api/v1/optin-sources' })).statusCode).toBe(200);
    const res = await post(source({ keyword: 'viewer' }), viewer.key);
    expect(res.statusCode).toBe(403);
  });

  it('answers 404 for unknown and malformed ids', async () => {
    for (const path of ['', '/link', '/qr.png', '/qr.svg']) {
      expect((await t.call(tenant.key, { method: 'GET', url: `/api/v1/optin-sources/3b241101-e2bb-4255-8caf-4136c566a962${path}` })).statusCode).toBe(404);
      expect((await t.call(tenant.key, { method: 'GET', url: `/api/v1/optin-sources/nope${path}` })).statusCode).toBe(404);
    }
  });
});
