import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { parseWebhook } from '../src/adapters/whatsapp/webhook-parse.js';
import { silentLogger } from '../src/lib/logger.js';
import { addSuppressions, appendConsentEvents, createTopic, phoneHasher, suppressedAmong } from '../src/modules/consent/index.js';
import { processPendingWebhooks, replayWebhooks } from '../src/modules/inbound/index.js';
import { applyOptinKeyword, type InboundKeywordContext } from '../src/modules/optin/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { registerNumber } from './helpers/factories.js';
import { messagesEnvelope, metaJson, sign, textMessage } from './helpers/webhooks.js';

// Keyword opt-ins from click-to-chat links and QR codes, through signed webhooks and processing.
let t: TestApp;
let tenant: Awaited<ReturnType<TestApp['tenant']>>;
let numberUuid: string;
let storeId: string;
const N = { phoneNumberId: '9065403522', wabaId: '9022901293', secret: 'app-secret-kw' };
const CONSENT = 'Text SPRING to get Bloom offers on WhatsApp, about 2 a week. Reply STOP to stop.';

beforeAll(async () => {
  t = await createTestApp();
  tenant = await t.tenant('optin-kw');
  numberUuid = await registerNumber(t, tenant.key, { ...N, displayNumber: '+1 555 010 0009', accessToken: 'EAAG-token-kw', appSecret: N.secret, verifyToken: 'verify-kw-123' });
  await createTopic(tenant.ctx, { key: 'offers', name: 'Offers', category: 'marketing', frequency: 'about 2 a week' });
  await createTopic(tenant.ctx, { key: 'events', name: 'Events', category: 'marketing' });
  const store = await t.call(tenant.key, {
    method: 'POST',
    url: '/api/v1/optin-sources',
    payload: { kind: 'store', name: 'Main street till', keyword: 'Spring', topics: ['offers', 'events'], consent_text: CONSENT, welcome: { text: 'Welcome to Bloom! Show this at the till.', incentive: 'TILL5', template: { name: 'bloom_welcome', language: 'en_US' } } },
  });
  expect(store.statusCode).toBe(201);
  storeId = store.json().id;
});
afterAll(() => t.close());

let ts = Math.floor(Date.now() / 1000) - 600;
async function deliver(from: string, wamid: string, text: string): Promise<string> {
  const body = metaJson(messagesEnvelope(N, textMessage(from, wamid, text, ++ts)));
  const res = await t.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, N.secret) }, payload: body });
  expect(res.statusCode).toBe(200);
  return body;
}

async function drain(): Promise<void> {
  while ((await processPendingWebhooks({ db: t.db, parse: parseWebhook, log: silentLogger(), now: new Date() })) > 0);
}

async function stateOf(waId: string) {
  const [c] = await queryRows<{ id: string; phone: string }>(t.db, sql`select id, phone from contacts where workspace_id = ${tenant.workspaceId} and wa_id = ${waId}`);
  if (!c) return undefined;
  const grants = await queryRows<{ source: string; evidence: Record<string, unknown>; dedupe_key: string }>(t.db, sql`select source, evidence, dedupe_key from consent_events where contact_id = ${c.id} and action = 'grant' order by id`);
  const state = await queryRows<{ status: string; source: string }>(t.db, sql`select status, source from consent_state where contact_id = ${c.id}`);
  const outbox = await queryRows<{ kind: string; dedupe_key: string; message: { message: { text: string }; template?: { name: string } } }>(t.db, sql`select kind, dedupe_key, message from outbox where contact_id = ${c.id} and kind = 'welcome'`);
  const audit = await queryRows<{ action: string }>(t.db, sql`select action from audit_log where target_id = ${c.id} and action = 'consent.granted'`);
  return { contact: c, grants, state, outbox, audit };
}

describe('keyword opt-in from WhatsApp', () => {
  it('grants every topic of the source with keyword evidence and queues one welcome', async () => {
    await deliver('14155550170', 'wamid.kw-1', '  ¡ＳＰＲＩＮＧ!  ');
    await drain();
    const s = (await stateOf('14155550170'))!;
    expect(s.grants).toHaveLength(2);
    for (const g of s.grants) {
      expect(g.source).toBe('qr_keyword');
      expect(g.evidence).toMatchObject({ text: CONSENT, wamid: 'wamid.kw-1', source_id: storeId, keyword: 'spring', source_kind: 'store' });
    }
    expect(s.state.map((x) => x.status)).toEqual(['granted', 'granted']);
    expect(s.outbox).toHaveLength(1);
    expect(s.outbox[0]!.dedupe_key).toBe('welcome:wamid.kw-1');
    expect(s.outbox[0]!.message.message.text).toBe('Welcome to Bloom! Show this at the till.\n\nYour welcome gift: TILL5\n\nReply STOP to unsubscribe at any time.');
    expect(s.outbox[0]!.message.template).toMatchObject({ name: 'bloom_welcome' });
    expect(s.audit).toHaveLength(1);
  });

  it('creates one grant per topic and one welcome however often the webhook is replayed', async () => {
    const body = await deliver('14155550171', 'wamid.kw-2', 'spring');
    await drain();
    const once = await stateOf('14155550171');
    // Meta redelivers the same body; an operator replays processed rows.
    await t.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, N.secret) }, payload: body });
    await drain();
    const ids = await queryRows<{ id: number }>(t.db, sql`select id from webhook_events where raw like ${'%wamid.kw-2%'}`);
    expect(await replayWebhooks(t.db, ids.map((r) => r.id))).toBe(2);
    await drain();
    // The handler itself is idempotent per wamid too.
    const ctx: InboundKeywordContext = { workspaceId: tenant.workspaceId, numberId: numberUuid, contactId: once!.contact.id, waId: '14155550171', wamid: 'wamid.kw-2', text: 'spring', replyId: null, at: new Date(ts * 1000), now: new Date() };
    expect(await applyOptinKeyword(t.db, ctx)).toBe(true);
    expect(await applyOptinKeyword(t.db, ctx)).toBe(true);
    const after = await stateOf('14155550171');
    expect(after!.grants).toHaveLength(2);
    expect(after!.outbox).toHaveLength(1);
    expect(after!.audit).toHaveLength(1);
    expect(after).toEqual(once);
  });

  it('re-subscribes a suppressed number that texts the keyword itself, and lifts the suppression', async () => {
    await deliver('14155550172', 'wamid.kw-3a', 'hello');
    await drain();
    const before = (await stateOf('14155550172'))!;
    const hash = (await phoneHasher(t.db, tenant.workspaceId))(before.contact.phone);
    const topics = await queryRows<{ id: string }>(t.db, sql`select id from topics where workspace_id = ${tenant.workspaceId}`);
    await appendConsentEvents(t.db, tenant.workspaceId, { type: 'system', id: null }, topics.map((x) => ({ contactId: before.contact.id, topicId: x.id, action: 'withdraw' as const, source: 'stop_keyword' as const, evidence: {}, occurredAt: new Date(Date.now() - 3600_000), dedupeKey: `stop-${x.id}` })), new Date());
    await addSuppressions(t.db, tenant.workspaceId, [hash], 'stop', 'stop_keyword', new Date());
    expect((await suppressedAmong(t.db, tenant.workspaceId, [hash])).size).toBe(1);

    await deliver('14155550172', 'wamid.kw-3b', 'Spring');
    await drain();
    const after = (await stateOf('14155550172'))!;
    expect(after.grants.map((g) => g.source)).toEqual(['qr_keyword', 'qr_keyword']);
    expect(after.state.map((x) => x.status)).toEqual(['granted', 'granted']);
    expect((await suppressedAmong(t.db, tenant.workspaceId, [hash])).size).toBe(0);
    expect(after.outbox).toHaveLength(1);
  });

  it('ignores other texts, archived sources and keywords of other workspaces', async () => {
    const other = await t.tenant('optin-kw-other');
    await createTopic(other.ctx, { key: 'offers', name: 'Offers', category: 'marketing' });
    expect((await t.call(other.key, { method: 'POST', url: '/api/v1/optin-sources', payload: { kind: 'link', name: 'Other', keyword: 'autumn', topics: ['offers'], consent_text: 'Yes' } })).statusCode).toBe(201);
    const archived = await t.call(tenant.key, { method: 'POST', url: '/api/v1/optin-sources', payload: { kind: 'event', name: 'Fair', keyword: 'fair', topics: ['events'], consent_text: 'Yes' } });
    await t.call(tenant.key, { method: 'PATCH', url: `/api/v1/optin-sources/${archived.json().id}`, payload: { status: 'archived' } });
    await deliver('14155550173', 'wamid.kw-4a', 'spring please');
    await deliver('14155550173', 'wamid.kw-4b', 'autumn');
    await deliver('14155550173', 'wamid.kw-4c', 'fair');
    await drain();
    const s = (await stateOf('14155550173'))!;
    expect(s.grants).toEqual([]);
    expect(s.outbox).toEqual([]);
    const ctx = { workspaceId: tenant.workspaceId, numberId: numberUuid, contactId: s.contact.id, waId: '14155550173', wamid: 'wamid.kw-4d', at: new Date(), now: new Date() };
    expect(await applyOptinKeyword(t.db, { ...ctx, text: null, replyId: 'optin:3b241101-e2bb-4255-8caf-4136c566a962' })).toBe(false);
    expect(await applyOptinKeyword(t.db, { ...ctx, text: '', replyId: null })).toBe(false);
  });

  it("treats a form's keyword without a recent submission from that number as a plain keyword opt-in", async () => {
    const form = await t.call(tenant.key, {
      method: 'POST',
      url: '/api/v1/optin-sources',
      payload: { kind: 'form', name: 'Web', keyword: 'web join', topics: ['offers'], consent_text: 'Yes, offers please.', page: { business_name: 'Bloom', how_to_stop: 'Reply STOP', privacy_url: 'https://bloom.example/p' } },
    });
    expect((await t.call(tenant.key, { method: 'POST', url: `/api/v1/optin-sources/${form.json().id}/publish` })).statusCode).toBe(200);
    // An expired submission for this number does not count.
    await t.db.execute(sql`insert into optin_submissions (workspace_id, source_id, phone, evidence, created_at, expires_at)
      values (${tenant.workspaceId}, ${form.json().id}, '+14155550174', '{"text":"Yes, offers please.","ip":"192.0.2.1","user_agent":"UA","form_id":"x"}'::jsonb, now() - interval '3 days', now() - interval '1 day')`);
    await deliver('14155550174', 'wamid.kw-5', 'Web Join');
    await drain();
    const s = (await stateOf('14155550174'))!;
    expect(s.grants.map((g) => g.source)).toEqual(['qr_keyword']);
    expect(s.grants[0]!.evidence).toMatchObject({ source_id: form.json().id, wamid: 'wamid.kw-5', text: 'Yes, offers please.' });
    const [sub] = await queryRows<{ confirmed_at: string | null }>(t.db, sql`select confirmed_at from optin_submissions where phone = '+14155550174'`);
    expect(sub!.confirmed_at).toBeNull();
  });
});
