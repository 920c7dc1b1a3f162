// The audit log's filters (actor, action or action family, contact, date range) and the names it
// gives actors and targets, workspace-scoped; bad filters are 422s naming the parameter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, testClock, type TestApp } from './helpers/app.js';

const clock = testClock(new Date('2027-01-10T10:00:00Z'));
let t: TestApp;
let owner: { key: string };
let other: { key: string };
let shopKey: { id: string; key: string };
let anaId: string;
let boId: string;
const EVIDENCE = { text: 'Yes to Acme offers on WhatsApp. Reply STOP to end.', ip: '198.51.100.7', user_agent: 'test' };

type Row = { action: string; actor_type: string; actor_id: string | null; actor_name: string | null; target_type: string; target_id: string | null; target_name: string | null; created_at: string };
async function audit(key: string, qs: string): Promise<Row[]> {
  const res = await t.call(key, { method: 'GET', url: `/api/v1/audit-log?limit=200${qs}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data as Row[];
}

async function contact(key: string, phone: string, name: string): Promise<string> {
  const res = await t.call(key, { method: 'POST', url: '/api/v1/contacts', payload: { phone, name } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

beforeAll(async () => {
  t = await createTestApp({ clock });
  owner = await t.tenant('audit-filters');
  other = await t.tenant('audit-other');
  const made = (await t.call(owner.key, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'shop', role: 'admin' } })).json();
  shopKey = { id: made.id, key: made.key };
  expect((await t.call(owner.key, { method: 'POST', url: '/api/v1/topics', payload: { key: 'offers', name: 'Offers', category: 'marketing' } })).statusCode).toBe(201);
  anaId = await contact(owner.key, '+14155550101', 'Ana');
  boId = await contact(owner.key, '+14155550102', 'Bo');
  clock.advance(86_400_000); // the next day: 2027-01-11
  for (const id of [anaId, boId]) {
    const res = await t.call(shopKey.key, { method: 'POST', url: `/api/v1/contacts/${id}/consent`, payload: { topic: 'offers', action: 'grant', source: 'api', evidence: EVIDENCE } });
    expect(res.statusCode, res.body).toBe(201);
  }
  clock.advance(86_400_000); // 2027-01-12
  expect((await t.call(owner.key, { method: 'POST', url: `/api/v1/contacts/${anaId}/consent`, payload: { topic: 'offers', action: 'withdraw', source: 'api' } })).statusCode).toBe(201);
  // The other workspace writes rows of its own, one about a contact with the same phone.
  await contact(other.key, '+14155550101', 'Other Ana');
}, 60_000);
afterAll(() => t.close());

describe('audit log filters', () => {
  it('filters by actor and names the actor (an API key by its name) and a contact target by its name', async () => {
    const rows = await audit(owner.key, `&actor_id=${shopKey.id}`);
    expect(rows.map((r) => r.action)).toEqual(['consent.granted', 'consent.granted']);
    expect(rows.every((r) => r.actor_name === 'shop' && r.actor_type === 'api_key')).toBe(true);
    expect(rows.map((r) => r.target_name).sort()).toEqual(['Ana', 'Bo']);
    const byType = await audit(owner.key, '&actor_type=api_key');
    expect(byType.length).toBeGreaterThan(rows.length);
    expect(byType.every((r) => r.actor_type === 'api_key')).toBe(true);
    // The workspace itself was made by the system (on the wall clock, before the business clock's day).
    expect((await audit(owner.key, '&actor_type=system')).map((r) => r.action)).toEqual(['workspace.created']);
  });

  it('filters by one action or an action family', async () => {
    expect((await audit(owner.key, '&action=consent.withdrawn')).map((r) => r.target_name)).toEqual(['Ana']);
    const family = await audit(owner.key, '&action=consent.*');
    expect(family.map((r) => r.action)).toEqual(['consent.withdrawn', 'consent.granted', 'consent.granted']);
    // `_` in a family name is a letter, not LIKE's any-character.
    const keys = await audit(owner.key, '&action=api_key.*');
    expect(keys.map((r) => r.action)).toEqual(['api_key.created', 'api_key.created']);
    expect(keys[0]!.target_name).toBe('shop');
    expect(await audit(owner.key, '&action=api.key.*')).toEqual([]);
  });

  it("filters by contact: that contact's rows only, and never another workspace's", async () => {
    const rows = await audit(owner.key, `&contact_id=${anaId}`);
    expect(rows.map((r) => r.action)).toEqual(['consent.withdrawn', 'consent.granted', 'contact.created']);
    expect(rows.every((r) => r.target_id === anaId)).toBe(true);
    expect(await audit(other.key, `&contact_id=${anaId}`)).toEqual([]);
    const theirs = await audit(other.key, '');
    expect(theirs.some((r) => r.target_name === 'Ana' || r.actor_name === 'shop')).toBe(false);
  });

  it('filters by date range: since inclusive, until exclusive', async () => {
    const day2 = await audit(owner.key, '&since=2027-01-11T00:00:00Z&until=2027-01-12T00:00:00Z');
    expect(day2.map((r) => r.action)).toEqual(['consent.granted', 'consent.granted']);
    const fromDay3 = await audit(owner.key, '&since=2027-01-12T10:00:00Z');
    expect(fromDay3.map((r) => r.action)).toEqual(['consent.withdrawn']);
    const before = await audit(owner.key, '&until=2027-01-10T10:00:00Z');
    expect(before.map((r) => r.action).sort()).toEqual(['api_key.created', 'workspace.created']);
  });

  it('combines filters and pages through them', async () => {
    const first = await t.call(owner.key, { method: 'GET', url: '/api/v1/audit-log?limit=1&action=consent.granted' });
    const next = first.json().next_cursor as string;
    expect(next).toBeTruthy();
    const second = await t.call(owner.key, { method: 'GET', url: `/api/v1/audit-log?limit=1&action=consent.granted&cursor=${encodeURIComponent(next)}` });
    expect(second.json().data).toHaveLength(1);
    expect(second.json().next_cursor).toBeNull();
    expect(new Set([first.json().data[0].target_id, second.json().data[0].target_id])).toEqual(new Set([anaId, boId]));
  });

  it('names a user target by their name', async () => {
    const user = (await t.call(owner.key, { method: 'POST', url: '/api/v1/users', payload: { email: 'cy@x.example', name: 'Cy Admin', role: 'viewer' } })).json();
    const [row] = await audit(owner.key, '&action=user.created');
    expect(row).toMatchObject({ target_id: user.id, target_name: 'Cy Admin' });
  });

  it('refuses bad filters with a 422 naming the parameter', async () => {
    for (const [qs, field] of [
      ['action=consent withdrawn', 'querystring.action'],
      ['since=yesterday', 'querystring.since'],
      ['since=0000-01-01T00:00:00Z', 'querystring.since'],
      ['until=2026-11-24', 'querystring.until'],
      ['contact_id=42', 'querystring.contact_id'],
      ['actor_type=robot', 'querystring.actor_type'],
    ] as const) {
      const res = await t.call(owner.key, { method: 'GET', url: `/api/v1/audit-log?${qs}` });
      expect(res.statusCode, qs).toBe(422);
      expect(res.json().error.details.fields[0].field, qs).toBe(field);
    }
  });
});
