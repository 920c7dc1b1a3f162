import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { findOrCreateContactByWaId } from '../src/modules/contacts/index.js';
import { optOutNotes } from '../src/modules/consent/consent.tables.js';
import { templates } from '../src/modules/templates/templates.tables.js';
import { conversations } from '../src/modules/conversations/conversations.tables.js';
import { recordOutboundMessage } from '../src/modules/messaging/index.js';
import { emitEvents } from '../src/modules/hooks/index.js';
import { exampleOf, fieldPathsOf, operationsOf, withValueAt } from './helpers/openapi-fuzz.js';

let t: TestApp;
let a: { workspaceId: string; key: string };
let b: { workspaceId: string; key: string };
const ids: Record<string, string> = {};

// One object of workspace A per resource with an id route, and a valid body for each write.
// A new `/{id}` route without an entry here fails the coverage test below.
// `read` is a GET that shows the object, compared before and after the foreign call.
const FIXTURES: Record<string, { id: () => string; bodies: Record<string, unknown>; read?: (id: string) => string }> = {
  '/api/v1/api-keys/{id}': { id: () => ids.apiKey!, bodies: {} },
  '/api/v1/users/{id}': { id: () => ids.user!, bodies: { patch: { name: 'taken over', role: 'viewer' } } },
  '/api/v1/phone-numbers/{id}': { id: () => ids.number!, bodies: { patch: { display_number: '+1 555 000 9999' } } },
  '/api/v1/phone-numbers/{id}/refresh': { id: () => ids.number!, bodies: {}, read: (id) => `/api/v1/phone-numbers/${id}` },
  '/api/v1/phone-numbers/{id}/webhook-backlog': { id: () => ids.number!, bodies: {} },
  '/api/v1/contacts/{id}/messages': { id: () => ids.contact!, bodies: { post: { type: 'text', text: 'taken over' } } },
  '/api/v1/contacts/{id}': { id: () => ids.contact!, bodies: { patch: { name: 'taken over' } } },
  '/api/v1/contacts/{id}/erase': { id: () => ids.contact!, bodies: {}, read: (id) => `/api/v1/contacts/${id}` },
  '/api/v1/contacts/{id}/export': { id: () => ids.contact!, bodies: {}, read: (id) => `/api/v1/contacts/${id}` },
  '/api/v1/contacts/{id}/consent': { id: () => ids.contact!, bodies: { post: { topic: 'offers', action: 'withdraw', source: 'api' } } },
  '/api/v1/contacts/{id}/preferences': { id: () => ids.contact!, bodies: { patch: { pause_days: 30, frequency: 'low' } } },
  '/api/v1/opt-out/notes/{id}/resolve': { id: () => ids.note!, bodies: { post: { action: 'opt_out' } }, read: () => '/api/v1/opt-out/notes' },
  '/api/v1/topics/{id}': { id: () => ids.topic!, bodies: { patch: { name: 'taken over' } } },
  '/api/v1/optin-sources/{id}': { id: () => ids.optinSource!, bodies: { patch: { name: 'taken over', status: 'archived' } } },
  '/api/v1/optin-sources/{id}/publish': { id: () => ids.optinSource!, bodies: {}, read: (id) => `/api/v1/optin-sources/${id}` },
  '/api/v1/optin-sources/{id}/link': { id: () => ids.optinSource!, bodies: {} },
  '/api/v1/optin-sources/{id}/page-preview': { id: () => ids.optinSource!, bodies: {}, read: (id) => `/api/v1/optin-sources/${id}` },
  '/api/v1/optin-sources/{id}/qr.png': { id: () => ids.optinSource!, bodies: {}, read: (id) => `/api/v1/optin-sources/${id}` },
  '/api/v1/optin-sources/{id}/qr.svg': { id: () => ids.optinSource!, bodies: {}, read: (id) => `/api/v1/optin-sources/${id}` },
  '/api/v1/optin-sources/{id}/logo': {
    id: () => ids.optinSource!,
    bodies: { put: { content_type: 'image/png', data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==' } },
    read: (id) => `/api/v1/optin-sources/${id}`,
  },
  '/api/v1/imports/{id}': { id: () => ids.import!, bodies: {} },
  '/api/v1/imports/{id}/rejected.csv': { id: () => ids.import!, bodies: {}, read: (id) => `/api/v1/imports/${id}` },
  '/api/v1/shop-connections/{id}': { id: () => ids.shop!, bodies: {}, read: () => '/api/v1/shop-connections' },
  '/api/v1/import-mappings/{id}': { id: () => ids.importMapping!, bodies: {}, read: () => '/api/v1/import-mappings' },
  '/api/v1/segments/{id}': { id: () => ids.segment!, bodies: { patch: { name: 'taken over' } } },
  '/api/v1/segments/{id}/count': { id: () => ids.segment!, bodies: {}, read: (id) => `/api/v1/segments/${id}` },
  '/api/v1/segments/{id}/contacts': { id: () => ids.segment!, bodies: {}, read: (id) => `/api/v1/segments/${id}` },
  '/api/v1/segments/{id}/members': { id: () => ids.list!, bodies: { post: { contact_ids: ['00000000-0000-4000-8000-000000000000'] } }, read: (id) => `/api/v1/segments/${id}` },
  '/api/v1/segments/{id}/members/remove': { id: () => ids.list!, bodies: { post: { contact_ids: ['00000000-0000-4000-8000-000000000000'] } }, read: (id) => `/api/v1/segments/${id}` },
  '/api/v1/contacts/{id}/events': { id: () => ids.contact!, bodies: {} },
  '/api/v1/contacts/{id}/engagement': { id: () => ids.contact!, bodies: {} },
  '/api/v1/contacts/{id}/lifecycle': { id: () => ids.contact!, bodies: {} },
  '/api/v1/contacts/{id}/lifecycle/transitions': { id: () => ids.contact!, bodies: {} },
  '/api/v1/lifecycle/runs/{id}': { id: () => ids.lifecycleRun!, bodies: {} },
  '/api/v1/hygiene/runs/{id}': { id: () => ids.hygieneRun!, bodies: {} },
  '/api/v1/templates/{id}': { id: () => ids.template!, bodies: {} },
  '/api/v1/broadcasts/{id}': { id: () => ids.broadcast!, bodies: { patch: { name: 'taken over' } } },
  '/api/v1/broadcasts/{id}/estimate': { id: () => ids.broadcast!, bodies: {}, read: (id) => `/api/v1/broadcasts/${id}` },
  '/api/v1/broadcasts/{id}/test': { id: () => ids.broadcast!, bodies: { post: { to: ['+447700900123'] } }, read: (id) => `/api/v1/broadcasts/${id}` },
  '/api/v1/broadcasts/{id}/start': { id: () => ids.broadcast!, bodies: {}, read: (id) => `/api/v1/broadcasts/${id}` },
  '/api/v1/broadcasts/{id}/pause': { id: () => ids.broadcast!, bodies: {}, read: (id) => `/api/v1/broadcasts/${id}` },
  '/api/v1/broadcasts/{id}/resume': { id: () => ids.broadcast!, bodies: {}, read: (id) => `/api/v1/broadcasts/${id}` },
  '/api/v1/broadcasts/{id}/cancel': { id: () => ids.broadcast!, bodies: {}, read: (id) => `/api/v1/broadcasts/${id}` },
  '/api/v1/broadcasts/{id}/resend-failed': { id: () => ids.broadcast!, bodies: {}, read: (id) => `/api/v1/broadcasts/${id}` },
  '/api/v1/broadcasts/{id}/ab/pick-winner': { id: () => ids.broadcast!, bodies: { post: {} }, read: (id) => `/api/v1/broadcasts/${id}` },
  '/api/v1/broadcasts/{id}/recipients': { id: () => ids.broadcast!, bodies: {}, read: (id) => `/api/v1/broadcasts/${id}` },
  '/api/v1/broadcasts/{id}/recipients/{contact_id}': { id: () => ids.broadcast!, bodies: {}, read: (id) => `/api/v1/broadcasts/${id}` },
  '/api/v1/broadcasts/{id}/recipients.csv': { id: () => ids.broadcast!, bodies: {}, read: (id) => `/api/v1/broadcasts/${id}` },
  '/api/v1/broadcasts/{id}/tests': { id: () => ids.broadcast!, bodies: {}, read: (id) => `/api/v1/broadcasts/${id}` },
  '/api/v1/automations/{id}': { id: () => ids.automation!, bodies: { patch: { name: 'taken over' } } },
  '/api/v1/automations/{id}/publish': { id: () => ids.automation!, bodies: {}, read: (id) => `/api/v1/automations/${id}` },
  '/api/v1/automations/{id}/pause': { id: () => ids.automation!, bodies: {}, read: (id) => `/api/v1/automations/${id}` },
  '/api/v1/automations/{id}/resume': { id: () => ids.automation!, bodies: {}, read: (id) => `/api/v1/automations/${id}` },
  '/api/v1/automations/{id}/archive': { id: () => ids.automation!, bodies: {}, read: (id) => `/api/v1/automations/${id}` },
  '/api/v1/automations/{id}/enrollments': { id: () => ids.automation!, bodies: { post: { contact_ids: ['00000000-0000-4000-8000-000000000001'] } }, read: (id) => `/api/v1/automations/${id}/runs` },
  '/api/v1/automations/{id}/runs': { id: () => ids.automation!, bodies: {}, read: (id) => `/api/v1/automations/${id}` },
  '/api/v1/automations/{id}/steps.csv': { id: () => ids.automation!, bodies: {}, read: (id) => `/api/v1/automations/${id}` },
  '/api/v1/automations/{id}/test-runs': { id: () => ids.automation!, bodies: { post: { contact_id: '00000000-0000-4000-8000-000000000001' } }, read: (id) => `/api/v1/automations/${id}/runs` },
  '/api/v1/conversations/{id}': { id: () => ids.conversation!, bodies: {} },
  '/api/v1/conversations/{id}/assign': { id: () => ids.conversation!, bodies: { post: { assignee_id: null } }, read: (id) => `/api/v1/conversations/${id}` },
  '/api/v1/conversations/{id}/state': { id: () => ids.conversation!, bodies: { post: { state: 'closed' } }, read: (id) => `/api/v1/conversations/${id}` },
  '/api/v1/conversations/{id}/notes': { id: () => ids.conversation!, bodies: { post: { text: 'taken over' } }, read: (id) => `/api/v1/conversations/${id}` },
  '/api/v1/conversations/{id}/read': { id: () => ids.conversation!, bodies: {}, read: (id) => `/api/v1/conversations/${id}` },
  '/api/v1/conversations/{id}/messages': { id: () => ids.conversation!, bodies: { post: { type: 'text', text: 'taken over' } }, read: (id) => `/api/v1/conversations/${id}` },
  '/api/v1/messages/{id}': { id: () => ids.message!, bodies: {} },
  '/api/v1/conversations/{id}/typing': { id: () => ids.conversation!, bodies: {}, read: (id) => `/api/v1/conversations/${id}` },
  '/api/v1/conversations/{id}/canned-replies': { id: () => ids.conversation!, bodies: {}, read: (id) => `/api/v1/conversations/${id}` },
  '/api/v1/conversations/routing/agents/{id}': { id: () => ids.user!, bodies: { put: { available: true } }, read: () => '/api/v1/conversations/routing' },
  '/api/v1/canned-replies/{id}': { id: () => ids.canned!, bodies: { patch: { text: 'taken over' } } },
  '/api/v1/inbox-teams/{id}': { id: () => ids.team!, bodies: { patch: { name: 'taken over' } } },
  '/api/v1/inbox-teams/{id}/members': { id: () => ids.team!, bodies: { put: { user_ids: [] } }, read: (id) => `/api/v1/inbox-teams/${id}` },
  '/api/v1/contacts/{id}/automation-runs': { id: () => ids.contact!, bodies: {} },
  '/api/v1/webhook-endpoints/{id}': { id: () => ids.hookEndpoint!, bodies: { patch: { enabled: false } } },
  '/api/v1/webhook-endpoints/{id}/test': { id: () => ids.hookEndpoint!, bodies: {}, read: (id) => `/api/v1/webhook-endpoints/${id}` },
  '/api/v1/webhook-endpoints/{id}/deliveries': { id: () => ids.hookEndpoint!, bodies: {} },
  '/api/v1/webhook-deliveries/{id}/replay': { id: () => ids.hookDelivery!, bodies: {}, read: () => `/api/v1/webhook-endpoints/${ids.hookEndpoint}/deliveries` },
  '/api/v1/templates/{id}/preview': { id: () => ids.template!, bodies: { post: { variables: { 'body.1': { value: 'x' } } } }, read: (id) => `/api/v1/templates/${id}` },
};

beforeAll(async () => {
  t = await createTestApp();
  a = await t.tenant('tenant-a');
  b = await t.tenant('tenant-b');
  ids.apiKey = (await t.call(a.key, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'a-key' } })).json().id;
  ids.user = (await t.call(a.key, { method: 'POST', url: '/api/v1/users', payload: { email: 'ann@a.example', role: 'admin' } })).json().id;
  ids.number = (
    await t.call(a.key, {
      method: 'POST',
      url: '/api/v1/phone-numbers',
      payload: { phone_number_id: '1065403522', waba_id: '1022901293', display_number: '+1 555 010 0000', access_token: 'EAAG-token-a', app_secret: 'app-secret-a', verify_token: 'verify-token-a', api_base_url: 'http://127.0.0.1:9' },
    })
  ).json().id;
  ids.contact = (await findOrCreateContactByWaId(t.db, a.workspaceId, '16505550101', 'Ann', new Date())).id;
  ids.message = await recordOutboundMessage(t.db, { workspaceId: a.workspaceId, numberId: ids.number!, contactId: ids.contact!, waId: '16505550101', type: 'text', body: 'hello', payload: {}, wamid: 'wamid.tenancy-a', callbackData: 'msg:tenancy-a', sentAt: new Date() });
  const [conversation] = await t.db.insert(conversations).values({ workspaceId: a.workspaceId, numberId: ids.number!, contactId: ids.contact!, lastMessageAt: new Date(), lastInboundAt: new Date(), preview: 'hello' }).returning();
  ids.conversation = conversation!.id;
  ids.canned = (await t.call(a.key, { method: 'POST', url: '/api/v1/canned-replies', payload: { shortcut: 'hours', text: 'Hi {{first_name|there}}, we open at 9.' } })).json().id;
  ids.team = (await t.call(a.key, { method: 'POST', url: '/api/v1/inbox-teams', payload: { name: 'Returns', user_ids: [ids.user] } })).json().id;
  ids.topic = (await t.call(a.key, { method: 'POST', url: '/api/v1/topics', payload: { key: 'offers', name: 'Offers', category: 'marketing' } })).json().id;
  await t.call(b.key, { method: 'POST', url: '/api/v1/topics', payload: { key: 'offers', name: 'Offers', category: 'marketing' } });
  const [note] = await t.db.insert(optOutNotes).values({ workspaceId: a.workspaceId, contactId: ids.contact, kind: 'review', text: 'please stop', wamid: 'wamid.review-a' }).returning();
  ids.note = String(note!.id);
  ids.optinSource = (await t.call(a.key, { method: 'POST', url: '/api/v1/optin-sources', payload: { kind: 'store', name: 'A store', keyword: 'join a', topics: ['offers'], consent_text: 'Yes, offers.' } })).json().id;
  ids.segment = (await t.call(a.key, { method: 'POST', url: '/api/v1/segments', payload: { name: 'A segment', rules: { field: 'country', op: 'eq', value: 'US' } } })).json().id;
  ids.list = (await t.call(a.key, { method: 'POST', url: '/api/v1/segments', payload: { name: 'A list' } })).json().id;
  const [template] = await t.db.insert(templates).values({ workspaceId: a.workspaceId, wabaId: '1022901293', metaId: '9001', name: 'order_update', language: 'en_US', category: 'UTILITY', status: 'APPROVED', components: [{ type: 'BODY', text: 'Order {{1}} shipped.', example: { body_text: [['A1']] } }] }).returning();
  ids.template = template!.id;
  const broadcast = await t.call(a.key, { method: 'POST', url: '/api/v1/broadcasts', payload: { name: 'A broadcast', audience: { segment_id: ids.segment, topic: 'offers' }, template: { name: 'order_update', language: 'en_US', variables: { 'body.1': { value: 'A1' } } } } });
  expect(broadcast.statusCode, broadcast.body).toBe(201);
  ids.broadcast = broadcast.json().id;
  const automation = await t.call(a.key, { method: 'POST', url: '/api/v1/automations', payload: { name: 'An automation', definition: { trigger: { type: 'api' }, topic: 'offers', steps: [{ id: 'update', type: 'send_template', template: { name: 'order_update', language: 'en_US', variables: { 'body.1': { value: 'A1' } } } }] } } });
  expect(automation.statusCode, automation.body).toBe(201);
  ids.automation = automation.json().id;
  ids.lifecycleRun = (await t.call(a.key, { method: 'POST', url: '/api/v1/lifecycle/runs' })).json().id;
  ids.hygieneRun = (await t.call(a.key, { method: 'POST', url: '/api/v1/hygiene/runs' })).json().id;
  ids.hookEndpoint = (await t.call(a.key, { method: 'POST', url: '/api/v1/webhook-endpoints', payload: { url: 'https://hooks.example.com/greenlist', events: ['contact.created'] } })).json().id;
  await t.db.transaction((tx) => emitEvents(tx, a.workspaceId, [{ type: 'contact.created', data: { contact_id: ids.contact } }], new Date()));
  ids.hookDelivery = (await t.call(a.key, { method: 'GET', url: `/api/v1/webhook-endpoints/${ids.hookEndpoint}/deliveries` })).json().data[0].id;
  ids.import = (await t.call(a.key, { method: 'POST', url: '/api/v1/imports', payload: { csv: 'phone\n+16505550102\n', mapping: { phone: 'phone' }, dry_run: true } })).json().id;
  ids.shop = (await t.call(a.key, { method: 'POST', url: '/api/v1/shop-connections', payload: { platform: 'shopify', name: 'A shop', secret: 'shpss_tenancy_secret' } })).json().id;
  ids.importMapping = (await t.call(a.key, { method: 'POST', url: '/api/v1/import-mappings', payload: { name: 'A mapping', mapping: { phone: 'phone' } } })).json().id;
  for (let i = 0; i < 200 && (await t.call(a.key, { method: 'GET', url: `/api/v1/imports/${ids.import}` })).json().status !== 'completed'; i++) await new Promise((r) => setTimeout(r, 25));
});
afterAll(() => t.close());

async function idRoutes(): Promise<{ path: string; method: string }[]> {
  const doc = (await t.call(undefined, { method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths)
    .filter(([path]) => path.includes('{id}'))
    .flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ path, method })));
}

/** The path with the fixture's id, and A's contact for a second parameter. */
const urlFor = (path: string, id: string) => path.replace('{id}', id).replace('{contact_id}', ids.contact!);

describe('cross-workspace access matrix', () => {
  it('has a fixture for every id route in the OpenAPI document', async () => {
    const routes = await idRoutes();
    expect(routes.length).toBeGreaterThan(0);
    for (const r of routes) expect(Object.keys(FIXTURES), `${r.method} ${r.path}`).toContain(r.path);
  });

  it("answers 404 for every id route called with another workspace's key, and changes nothing", async () => {
    for (const { path, method } of await idRoutes()) {
      const fx = FIXTURES[path]!;
      const url = urlFor(path, fx.id());
      const readUrl = fx.read ? fx.read(fx.id()) : url;
      const before = await t.call(a.key, { method: 'GET', url: readUrl });
      const res = await t.call(b.key, { method: method.toUpperCase() as 'GET', url, ...(fx.bodies[method] ? { payload: fx.bodies[method] as object } : {}) });
      expect(res.statusCode, `${method} ${path}`).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
      const after = await t.call(a.key, { method: 'GET', url: readUrl });
      expect(after.statusCode).toBe(200);
      expect(after.json()).toEqual(before.json());
    }
  });

  it('answers 404 (not 500) for malformed ids', async () => {
    for (const { path, method } of await idRoutes()) {
      const res = await t.call(a.key, { method: method.toUpperCase() as 'GET', url: urlFor(path, 'not-a-uuid'), ...(FIXTURES[path]!.bodies[method] ? { payload: FIXTURES[path]!.bodies[method] as object } : {}) });
      expect(res.statusCode, `${method} ${path}`).toBe(404);
    }
  });

  it("refuses bodies that carry another workspace's ids (every *_id / *_ids field in the OpenAPI document)", async () => {
    const doc = (await t.call(undefined, { method: 'GET', url: '/api/openapi.json' })).json();
    const foreign: Record<string, () => string> = { contact: () => ids.contact!, segment: () => ids.segment!, number: () => ids.number!, template: () => ids.template!, broadcast: () => ids.broadcast!, topic: () => ids.topic!, user: () => ids.user! };
    const aIds = Object.values(foreign).map((f) => f());
    // B's own list, so the member endpoints are reached with a path B may use.
    const bList = (await t.call(b.key, { method: 'POST', url: '/api/v1/segments', payload: { name: 'B list' } })).json().id as string;
    let probes = 0;
    let passed = 0;
    for (const op of operationsOf(doc)) {
      const url = op.path.startsWith('/api/v1/segments/{id}/members') ? op.path.replace('{id}', bList) : op.path;
      if (!op.body || url.includes('{')) continue;
      for (const path of fieldPathsOf(op.body)) {
        const name = path[path.length - 1]!;
        const m = /^(?:.*_)?(contact|segment|number|template|broadcast|topic|user)_ids?$/.exec(name);
        if (!m) continue;
        const value = name.endsWith('_ids') ? [foreign[m[1]!]!()] : foreign[m[1]!]!();
        const body = withValueAt(exampleOf(op.body, '', {}), path, value);
        const res = await t.call(b.key, { method: op.method as 'POST', url, payload: body as object });
        probes++;
        // Echoing the caller's own input back as not found is fine; anything else naming A's object is not.
        const shown = res.statusCode < 300 ? JSON.stringify({ ...(res.json() as object), not_found: undefined }) : '';
        const leaked = aIds.some((id) => shown.includes(id));
        expect(res.statusCode, `${op.method} ${op.path} ${path.join('.')}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
        expect(leaked, `${op.method} ${op.path} ${path.join('.')} used A's object: ${res.body.slice(0, 200)}`).toBe(false);
        passed++;
      }
    }
    console.log(`[tenancy] ${probes} foreign-id body probes, ${passed} passed`);
    expect(probes).toBeGreaterThan(5);
    // Nothing of A's landed in B's list.
    expect((await t.call(b.key, { method: 'GET', url: `/api/v1/segments/${bList}` })).json().member_count).toBe(0);
  });

  it("never lists another workspace's objects", async () => {
    const keys = (await t.call(b.key, { method: 'GET', url: '/api/v1/api-keys' })).json().data as { id: string }[];
    expect(keys.map((k) => k.id)).not.toContain(ids.apiKey);
    const users = (await t.call(b.key, { method: 'GET', url: '/api/v1/users' })).json().data as { id: string }[];
    expect(users.map((u) => u.id)).not.toContain(ids.user);
    const audit = (await t.call(b.key, { method: 'GET', url: '/api/v1/audit-log?limit=1000' })).json().data as { target_id: string }[];
    expect(audit.map((e) => e.target_id)).not.toContain(ids.user);
    const canned = (await t.call(b.key, { method: 'GET', url: '/api/v1/canned-replies' })).json().data as { id: string }[];
    expect(canned.map((c) => c.id)).not.toContain(ids.canned);
    const teams = (await t.call(b.key, { method: 'GET', url: '/api/v1/inbox-teams' })).json().data as { id: string }[];
    expect(teams.map((c) => c.id)).not.toContain(ids.team);
    // A's user cannot join B's team (unknown there); the same name is free in B; B's team is unknown to A.
    expect((await t.call(b.key, { method: 'POST', url: '/api/v1/inbox-teams', payload: { name: 'Returns', user_ids: [ids.user] } })).statusCode).toBe(422);
    const bTeam = (await t.call(b.key, { method: 'POST', url: '/api/v1/inbox-teams', payload: { name: 'Returns' } })).json().id as string;
    expect((await t.call(a.key, { method: 'POST', url: `/api/v1/conversations/${ids.conversation}/assign`, payload: { team_id: bTeam } })).statusCode).toBe(404);
    expect((await t.call(b.key, { method: 'GET', url: '/api/v1/conversations' })).json().data).toEqual([]);
    const ws = (await t.call(b.key, { method: 'GET', url: '/api/v1/workspace' })).json();
    expect(ws.id).toBe(b.workspaceId);
  });
});
