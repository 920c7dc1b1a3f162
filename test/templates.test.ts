import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOrCreateContactByWaId } from '../src/modules/contacts/index.js';
import { findSendableTemplate } from '../src/modules/templates/index.js';
import { QUIET_KNOBS, type Simulator } from '../src/simulator/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { connectSimNumber, settleSim } from './helpers/factories.js';

// Templates end to end: the real Cloud API adapter against the simulator, status webhooks through
// the real intake and processing.
let t: TestApp;
let sim: Simulator;
let tenant: Awaited<ReturnType<TestApp['tenant']>>;
let other: Awaited<ReturnType<TestApp['tenant']>>;
let numberId: string;
const NUMBER = { phoneNumberId: '7065403522', wabaId: '7022901293', accessToken: 'sim-token-templates-01' };

const PROMO = {
  name: 'spring_promo',
  language: 'en_US',
  category: 'MARKETING',
  components: [
    { type: 'BODY', text: 'Hi {{1}}, your {{2}} plan gets 20% off this week.', example: { body_text: [['Ann', 'Gold']] } },
    { type: 'FOOTER', text: 'Not interested? Tap Stop promotions' },
    { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }] },
  ],
};

beforeAll(async () => {
  t = await createTestApp();
  const appUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  tenant = await t.tenant('tpl');
  other = await t.tenant('tpl-other');
  const seeds = Array.from({ length: 120 }, (_, i) => ({ name: `seeded_${String(i).padStart(3, '0')}`, language: 'en', category: 'UTILITY' as const, components: [{ type: 'BODY', text: `Seeded number ${i}` }] }));
  ({ sim, numberId } = await connectSimNumber(t, tenant.key, {
    seed: 'templates',
    number: NUMBER,
    displayNumber: '+1 555 070 0001',
    appSecret: 'tpl-app-secret',
    verifyToken: 'tpl-verify-token',
    webhookUrl: `${appUrl}/webhooks/whatsapp`,
    knobs: { ...QUIET_KNOBS, templateReview: { delayMs: 1_000, outcome: 'auto' } },
    templates: seeds,
  }));
});
afterAll(async () => {
  await sim.close();
  await t.close();
});

const settle = () => settleSim(t, sim);

const call = (method: 'GET' | 'POST' | 'DELETE' | 'PATCH', url: string, payload?: object, key = tenant.key) => t.call(key, { method, url, ...(payload ? { payload } : {}) });

async function allTemplates(query = ''): Promise<{ id: string; name: string; status: string }[]> {
  const out: { id: string; name: string; status: string }[] = [];
  let cursor: string | null = null;
  do {
    const res = await call('GET', `/api/v1/templates?limit=50${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.statusCode).toBe(200);
    out.push(...res.json().data);
    cursor = res.json().next_cursor;
  } while (cursor);
  return out;
}

describe('sync', () => {
  it('pulls hello_world and every page of seeded templates, then reports nothing new on a second run', async () => {
    const res = await call('POST', '/api/v1/templates/sync');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ wabas: 1, created: 121, updated: 0, removed: 0 });
    const list = await allTemplates();
    expect(list).toHaveLength(121);
    expect(list.map((x) => x.name)).toContain('hello_world');
    const hello = list.find((x) => x.name === 'hello_world')!;
    const one = (await call('GET', `/api/v1/templates/${hello.id}`)).json();
    expect(one).toMatchObject({ name: 'hello_world', language: 'en_US', category: 'UTILITY', status: 'APPROVED', waba_id: NUMBER.wabaId, params: [], lint: { errors: [] } });
    expect((await call('POST', '/api/v1/templates/sync', { number_id: numberId })).json()).toEqual({ wabas: 1, created: 0, updated: 0, removed: 0 });
  });

  it('marks templates Meta no longer lists as DELETED and picks up status changes', async () => {
    sim.addTemplate({ name: 'flash_sale', language: 'en', category: 'MARKETING', components: [{ type: 'BODY', text: 'Flash sale today. Reply STOP to opt out' }] });
    const seeded = await sim.app.inject({ method: 'GET', url: `/v23.0/${NUMBER.wabaId}/message_templates?name=seeded_007`, headers: { authorization: `Bearer ${NUMBER.accessToken}` } });
    const seededId = seeded.json().data[0].id as string;
    await sim.app.inject({ method: 'DELETE', url: `/v23.0/${NUMBER.wabaId}/message_templates?name=seeded_007&hsm_id=${seededId}`, headers: { authorization: `Bearer ${NUMBER.accessToken}` } });
    await sim.app.inject({ method: 'POST', url: '/_sim/template-status', payload: { name: 'seeded_008', waba_id: NUMBER.wabaId, event: 'PAUSED' } });
    await settle();
    const res = await call('POST', '/api/v1/templates/sync');
    expect(res.json()).toMatchObject({ wabas: 1, created: 1, removed: 1 });
    const deleted = await allTemplates('&status=DELETED');
    expect(deleted.map((x) => x.name)).toEqual(['seeded_007']);
    expect((await allTemplates()).map((x) => x.name)).not.toContain('seeded_007');
    expect((await allTemplates('&name=seeded_008'))[0]!.status).toBe('PAUSED');
    await expect(findSendableTemplate(tenant.ctx, { name: 'seeded_008', language: 'en' })).rejects.toMatchObject({ code: 'TEMPLATE_NOT_APPROVED', details: { status: 'PAUSED' } });
    await expect(findSendableTemplate(tenant.ctx, { name: 'nope', language: 'en' })).rejects.toMatchObject({ code: 'TEMPLATE_NOT_FOUND' });
    expect((await findSendableTemplate(tenant.ctx, { name: 'hello_world', language: 'en_US', numberId })).name).toBe('hello_world');
  });
});

describe('create', () => {
  it('submits a template as PENDING and turns APPROVED through the review webhook', async () => {
    const res = await call('POST', '/api/v1/templates', PROMO);
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ name: 'spring_promo', status: 'PENDING', category: 'MARKETING', lint: { errors: [], warnings: [] }, params: [{ key: 'body.1' }, { key: 'body.2' }] });
    expect(created.meta_id).toMatch(/^\d+$/);
    await settle();
    expect((await call('GET', `/api/v1/templates/${created.id}`)).json().status).toBe('APPROVED');
    const again = await call('POST', '/api/v1/templates', PROMO);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('TEMPLATE_NAME_TAKEN');
  });

  it('records a rejection from the review with its reason', async () => {
    const res = await call('POST', '/api/v1/templates', { ...PROMO, name: 'reject_me' });
    expect(res.statusCode).toBe(201);
    await settle();
    expect((await call('GET', `/api/v1/templates/${res.json().id}`)).json()).toMatchObject({ status: 'REJECTED', rejection_reason: 'PROMOTIONAL' });
  });

  it('answers 422 TEMPLATE_INVALID with issue paths and submits nothing', async () => {
    const bad = { name: 'Bad Name', language: 'en', category: 'utility', components: [{ type: 'BODY', text: '{{1}} is here' }, { type: 'FOOTER', text: 'Bye {{1}}' }] };
    const res = await call('POST', '/api/v1/templates', bad);
    expect(res.statusCode).toBe(422);
    const err = res.json().error;
    expect(err.code).toBe('TEMPLATE_INVALID');
    expect(err.details.issues.map((i: { code: string; path: string }) => `${i.code}@${i.path}`)).toEqual([
      'TEMPLATE_NAME_INVALID@name',
      'TEMPLATE_VARIABLE_AT_EDGE@components[0].text',
      'TEMPLATE_EXAMPLE_MISSING@components[0].example',
      'TEMPLATE_FOOTER_VARIABLES@components[1].text',
    ]);
    const lint = await call('POST', '/api/v1/templates/lint', bad);
    expect(lint.statusCode).toBe(200);
    expect(lint.json().errors).toEqual(err.details.issues);
  });

  it('warns about marketing without an opt-out, or refuses it when the workspace says so', async () => {
    const noWayOut = { ...PROMO, name: 'no_way_out', components: [PROMO.components[0]] };
    const warned = await call('POST', '/api/v1/templates', noWayOut);
    expect(warned.statusCode).toBe(201);
    expect(warned.json().lint.warnings.map((w: { code: string }) => w.code)).toEqual(['TEMPLATE_NO_OPT_OUT']);
    expect((await call('PATCH', '/api/v1/workspace', { settings: { templates: { block_marketing_without_opt_out: true } } })).statusCode).toBe(200);
    const blocked = await call('POST', '/api/v1/templates', { ...noWayOut, name: 'no_way_out_2' });
    expect(blocked.statusCode).toBe(422);
    expect(blocked.json().error).toMatchObject({ code: 'TEMPLATE_INVALID', details: { issues: [{ code: 'TEMPLATE_NO_OPT_OUT' }] } });
    const bad = await call('PATCH', '/api/v1/workspace', { settings: { templates: { block_marketing_without_opt_out: 'yes' } } });
    expect(bad.statusCode).toBe(422);
    await call('PATCH', '/api/v1/workspace', { settings: { templates: null } });
  });

  it('deletes a template at Meta and marks it DELETED', async () => {
    const created = (await call('POST', '/api/v1/templates', { ...PROMO, name: 'short_lived' })).json();
    const res = await call('DELETE', `/api/v1/templates/${created.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('DELETED');
    expect((await call('POST', '/api/v1/templates/sync')).json().removed).toBe(0);
    const audit = (await call('GET', '/api/v1/audit-log?limit=100')).json().data as { action: string }[];
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['template.created', 'template.deleted', 'templates.synced']));
  });
});

describe('preview', () => {
  let promoId: string;
  let contactId: string;
  beforeAll(async () => {
    promoId = (await allTemplates('&name=spring_promo'))[0]!.id;
    await call('POST', '/api/v1/attributes', { key: 'plan', type: 'string' });
    const c = await findOrCreateContactByWaId(t.db, tenant.workspaceId, '14155550177', 'Annie', new Date());
    contactId = c.id;
    expect((await call('PATCH', `/api/v1/contacts/${contactId}`, { name: 'Ann Lee', attributes: { plan: 'Gold' } })).statusCode).toBe(200);
  });

  it("renders with Meta's example values when there is no contact", async () => {
    const res = await call('POST', `/api/v1/templates/${promoId}/preview`, {});
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, text: 'Hi Ann, your Gold plan gets 20% off this week.\n\nNot interested? Tap Stop promotions' });
  });

  it('renders a contact of the workspace from fields and attributes', async () => {
    const res = await call('POST', `/api/v1/templates/${promoId}/preview`, { contact_id: contactId, variables: { 'body.1': { field: 'first_name' }, 'body.2': { attribute: 'plan' } } });
    expect(res.json()).toEqual({
      ok: true,
      text: 'Hi Ann, your Gold plan gets 20% off this week.\n\nNot interested? Tap Stop promotions',
      message: { type: 'template', name: 'spring_promo', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ann' }, { type: 'text', text: 'Gold' }] }] },
    });
  });

  it('uses fallbacks for sample values and says why a contact would be skipped', async () => {
    const vars = { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { attribute: 'plan' } };
    const fallback = await call('POST', `/api/v1/templates/${promoId}/preview`, { variables: vars, sample: { attributes: { plan: 'Silver' } } });
    expect(fallback.json()).toMatchObject({ ok: true, text: expect.stringMatching(/^Hi there, your Silver plan/) });
    const skipped = await call('POST', `/api/v1/templates/${promoId}/preview`, { variables: vars, sample: { name: 'Bo' } });
    expect(skipped.json()).toEqual({ ok: false, text: null, reason: 'variable body.2 (attribute plan) has no value for this contact and no fallback', variable: 'body.2' });
  });

  it('answers 422 TEMPLATE_VARIABLES_INVALID for a map that does not fit', async () => {
    const res = await call('POST', `/api/v1/templates/${promoId}/preview`, { contact_id: contactId, variables: { 'body.1': { field: 'surname' }, 'body.7': { value: 'x' } } });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('TEMPLATE_VARIABLES_INVALID');
    expect(res.json().error.details.issues.map((i: { path: string }) => i.path)).toEqual(['template.variables["body.1"]', 'template.variables["body.7"]', 'template.variables["body.2"]']);
  });
});

describe('tenancy and roles', () => {
  it("hides one workspace's templates from another", async () => {
    const id = (await allTemplates('&name=hello_world'))[0]!.id;
    for (const [method, url, body] of [
      ['GET', `/api/v1/templates/${id}`],
      ['POST', `/api/v1/templates/${id}/preview`, {}],
      ['DELETE', `/api/v1/templates/${id}`],
    ] as const) {
      const res = await call(method, url, body, other.key);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    expect((await call('GET', '/api/v1/templates', undefined, other.key)).json().data).toEqual([]);
    const sync = await call('POST', '/api/v1/templates/sync', { number_id: numberId }, other.key);
    expect(sync.statusCode).toBe(404);
    const create = await call('POST', '/api/v1/templates', { ...PROMO, name: 'other_ws' }, other.key);
    expect(create.statusCode).toBe(422);
    expect(create.json().error.details.fields[0].field).toBe('number_id');
  });

  it('lets viewers read and lint but not submit', async () => {
    const viewer = await t.tenant('tpl-viewer', 'viewer');
    expect((await call('GET', '/api/v1/templates', undefined, viewer.key)).statusCode).toBe(200);
    expect((await call('POST', '/api/v1/templates/lint', PROMO, viewer.key)).statusCode).toBe(200);
    expect((await call('POST', '/api/v1/templates', PROMO, viewer.key)).statusCode).toBe(403);
    expect((await call('POST', '/api/v1/templates/sync', undefined, viewer.key)).statusCode).toBe(403);
  });
});
