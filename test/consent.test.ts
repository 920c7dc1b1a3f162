import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { createTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
let key: string;
let workspaceId: string;

beforeAll(async () => {
  t = await createTestApp();
  ({ key, workspaceId } = await t.tenant('consent-a'));
  expect((await t.call(key, { method: 'POST', url: '/api/v1/topics', payload: { key: 'offers', name: 'Offers', category: 'marketing', frequency: 'at most 2 a week' } })).statusCode).toBe(201);
  expect((await t.call(key, { method: 'POST', url: '/api/v1/topics', payload: { key: 'orders', name: 'Order updates', category: 'utility' } })).statusCode).toBe(201);
});
afterAll(() => t.close());

const TEXT = 'Yes, send me offers from Acme on WhatsApp, at most twice a week. Reply STOP to end.';
const apiEvidence = { text: TEXT, ip: '203.0.113.9', user_agent: 'Mozilla/5.0 (iPhone)' };

async function newContact(phone: string): Promise<string> {
  const res = await t.call(key, { method: 'POST', url: '/api/v1/contacts', payload: { phone } });
  expect(res.statusCode).toBe(201);
  return res.json().id;
}
const consent = (id: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) => t.call(key, { method: 'POST', url: `/api/v1/contacts/${id}/consent`, payload, headers });
const view = async (id: string) => (await t.call(key, { method: 'GET', url: `/api/v1/contacts/${id}/consent` })).json();

describe('consent ledger', () => {
  it('refuses a grant without the evidence its source needs, naming what is missing', async () => {
    const id = await newContact('+14155550201');
    const bare = await consent(id, { topic: 'offers', action: 'grant', source: 'api' });
    expect(bare.statusCode).toBe(422);
    expect(bare.json().error.code).toBe('CONSENT_EVIDENCE_MISSING');
    expect(bare.json().error.details.missing).toEqual(['evidence.text', 'evidence.ip|evidence.user_agent|evidence.url|evidence.app']);
    const web = await consent(id, { topic: 'offers', action: 'grant', source: 'web_form', evidence: { text: TEXT, ip: '203.0.113.9' } });
    expect(web.json().error.details.missing).toEqual(['evidence.user_agent', 'evidence.form_id']);
    const reserved = await consent(id, { topic: 'offers', action: 'grant', source: 'qr_keyword', evidence: { text: TEXT, wamid: 'x', source_id: 'y' } });
    expect(reserved.statusCode).toBe(422);
    expect((await view(id)).events).toHaveLength(0);
  });

  it('records a grant with its evidence and text hash, and derives the state per topic', async () => {
    const id = await newContact('+14155550202');
    const res = await consent(id, { topic: 'offers', action: 'grant', source: 'api', evidence: apiEvidence });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ topic: 'offers', action: 'grant', source: 'api', evidence: apiEvidence, text_hash: createHash('sha256').update(TEXT).digest('hex'), actor: { type: 'api_key' } });
    const v = await view(id);
    expect(v.suppressed).toBe(false);
    expect(v.state).toEqual([
      expect.objectContaining({ topic: 'offers', status: 'granted', source: 'api' }),
      expect.objectContaining({ topic: 'orders', status: 'none', since: null }),
    ]);
  });

  it('replays an Idempotency-Key without a second event', async () => {
    const id = await newContact('+14155550203');
    const h = { 'idempotency-key': 'grant-203' };
    const a = await consent(id, { topic: 'offers', action: 'grant', source: 'api', evidence: apiEvidence }, h);
    const b = await consent(id, { topic: 'offers', action: 'grant', source: 'api', evidence: apiEvidence }, h);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.json().id).toBe(a.json().id);
    expect((await view(id)).events).toHaveLength(1);
  });

  it('keeps the latest event by when it happened, even when recorded out of order', async () => {
    const id = await newContact('+14155550204');
    await consent(id, { topic: 'orders', action: 'grant', source: 'agent', evidence: { text: 'Order updates by WhatsApp', note: 'asked at the till' }, occurred_at: '2026-11-20T10:00:00Z' });
    await consent(id, { topic: 'orders', action: 'withdraw', source: 'api', occurred_at: '2026-11-10T10:00:00Z' });
    expect((await view(id)).state.find((s: { topic: string }) => s.topic === 'orders')).toMatchObject({ status: 'granted', since: '2026-11-20T10:00:00.000Z' });
  });

  it('does not let an API call re-subscribe a topic the person withdrew', async () => {
    const id = await newContact('+14155550205');
    await consent(id, { topic: 'offers', action: 'grant', source: 'api', evidence: apiEvidence });
    expect((await consent(id, { topic: 'offers', action: 'withdraw', source: 'api' })).statusCode).toBe(201);
    const again = await consent(id, { topic: 'offers', action: 'grant', source: 'api', evidence: apiEvidence });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('CONSENT_SUPPRESSED');
    expect((await view(id)).state[0]).toMatchObject({ topic: 'offers', status: 'withdrawn' });
  });

  it('withdraws every topic with "*", and the ledger rejects UPDATE and DELETE', async () => {
    const id = await newContact('+14155550206');
    await consent(id, { topic: 'offers', action: 'grant', source: 'api', evidence: apiEvidence });
    expect((await consent(id, { topic: '*', action: 'withdraw', source: 'agent', evidence: { note: 'asked by phone' } })).statusCode).toBe(201);
    expect((await view(id)).state.map((s: { status: string }) => s.status)).toEqual(['withdrawn', 'withdrawn']);
    const failure = (p: Promise<unknown>) => p.then(() => 'succeeded', (err: Error & { cause?: Error }) => `${err.message} ${err.cause?.message ?? ''}`);
    expect(await failure(t.db.execute(sql`update consent_events set source = 'api' where contact_id = ${id}`))).toMatch(/append-only \(UPDATE rejected\)/);
    expect(await failure(t.db.execute(sql`delete from consent_events where contact_id = ${id}`))).toMatch(/append-only \(DELETE rejected\)/);
  });

  it('exports everything about a contact, then erases it keeping only tombstones and the suppression hash', async () => {
    const id = await newContact('+14155550207');
    await t.call(key, { method: 'PATCH', url: `/api/v1/contacts/${id}`, payload: { name: 'Erin Erase' } });
    await consent(id, { topic: 'offers', action: 'grant', source: 'api', evidence: apiEvidence });
    const exp = await t.call(key, { method: 'GET', url: `/api/v1/contacts/${id}/export` });
    expect(exp.statusCode).toBe(200);
    expect(exp.json()).toMatchObject({ contact: { id, name: 'Erin Erase', phone: '+14155550207' }, consent: { events: [expect.objectContaining({ action: 'grant' })] }, messages: [] });

    expect((await t.call(key, { method: 'POST', url: `/api/v1/contacts/${id}/erase` })).json()).toEqual({ erased: true });
    expect((await t.call(key, { method: 'GET', url: `/api/v1/contacts/${id}` })).statusCode).toBe(404);
    const tomb = await queryRows<{ contact_id: string | null; evidence: unknown; text_hash: string }>(t.db, sql`select contact_id, evidence, text_hash from consent_events where workspace_id = ${workspaceId} and evidence @> '{"erased": true}'`);
    expect(tomb).toHaveLength(1);
    expect(tomb[0]).toMatchObject({ contact_id: null, evidence: { erased: true } });
    const pii = await queryRows(t.db, sql`select 1 from consent_events where workspace_id = ${workspaceId} and evidence::text like '%203.0.113.9%' and contact_id is null`);
    expect(pii).toHaveLength(0);

    // The number comes back (say, from a CRM sync): it cannot be subscribed by anyone but the person.
    const back = await newContact('+14155550207');
    expect((await view(back)).suppressed).toBe(true);
    const res = await consent(back, { topic: 'offers', action: 'grant', source: 'api', evidence: apiEvidence });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('CONSENT_SUPPRESSED');
  });
});
