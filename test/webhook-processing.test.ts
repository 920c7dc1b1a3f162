import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { parseWebhook } from '../src/adapters/whatsapp/webhook-parse.js';
import { processPendingWebhooks, purgeProcessedWebhooks } from '../src/modules/inbound/index.js';
import { getServiceWindow, recordOutboundMessage } from '../src/modules/messaging/index.js';
import { silentLogger } from '../src/lib/logger.js';
import { WAKE_CHANNEL } from '../src/modules/wake.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { registerNumber } from './helpers/factories.js';
import { messagesEnvelope, metaJson, sign, statusValue, textMessage } from './helpers/webhooks.js';

let t: TestApp;
let tenant: { workspaceId: string; key: string };
let numberUuid: string;
const N = { phoneNumberId: '3065403522', wabaId: '3022901293', secret: 'app-secret-p' };

beforeAll(async () => {
  t = await createTestApp();
  tenant = await t.tenant('proc');
  numberUuid = await registerNumber(t, tenant.key, { ...N, displayNumber: '+1 555 010 0001', accessToken: 'EAAG-token-p', appSecret: N.secret, verifyToken: 'verify-p-123' });
});
afterAll(() => t.close());

async function deliver(value: unknown, field?: string): Promise<void> {
  const env = field
    ? { object: 'whatsapp_business_account', entry: [{ id: N.wabaId, time: 1750000000, changes: [{ field, value }] }] }
    : messagesEnvelope(N, value as Record<string, unknown>);
  const body = metaJson(env);
  const res = await t.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, N.secret) }, payload: body });
  expect(res.statusCode).toBe(200);
}

async function drain(): Promise<void> {
  while ((await processPendingWebhooks({ db: t.db, parse: parseWebhook, log: silentLogger(), now: new Date() })) > 0);
}

async function dbState() {
  return queryRows<Record<string, unknown>>(
    t.db,
    sql`select (select count(*)::int from messages where workspace_id = ${tenant.workspaceId}) as messages,
               (select count(*)::int from contacts where workspace_id = ${tenant.workspaceId}) as contacts,
               (select count(*)::int from message_status_events where workspace_id = ${tenant.workspaceId}) as status_events,
               (select string_agg(wamid || ':' || status_rank || ':' || coalesce(error_code::text, '-'), ',' order by wamid) from messages where workspace_id = ${tenant.workspaceId}) as ranks`,
  );
}

describe('processing inbound messages', () => {
  it('creates the contact, logs the message and opens the 24 h window; duplicates change nothing', async () => {
    const ts = Math.floor(Date.now() / 1000) - 60;
    for (let i = 0; i < 3; i++) await deliver(textMessage('5511999990001', 'wamid.dup-1', 'Oi, tudo bem?', ts, 'Ana'));
    await drain();
    const once = await dbState();
    await deliver(textMessage('5511999990001', 'wamid.dup-1', 'Oi, tudo bem?', ts, 'Ana'));
    await drain();
    expect(await dbState()).toEqual(once);
    const [contact] = await queryRows<{ id: string; phone: string; profile_name: string }>(t.db, sql`select id, phone, profile_name from contacts where wa_id = '5511999990001'`);
    expect(contact).toMatchObject({ phone: '+5511999990001', profile_name: 'Ana' });
    const log = (await t.call(tenant.key, { method: 'GET', url: `/api/v1/contacts/${contact!.id}/messages` })).json();
    expect(log.data).toHaveLength(1);
    expect(log.data[0]).toMatchObject({ direction: 'in', type: 'text', text: 'Oi, tudo bem?', wamid: 'wamid.dup-1', status: 'received' });
    const w = await getServiceWindow(t.db, numberUuid, '5511999990001', new Date());
    expect(w.open).toBe(true);
    expect(w.closesAt!.getTime()).toBe((ts + 86400) * 1000);
  });

  it('normalises every inbound type', async () => {
    const ts = Math.floor(Date.now() / 1000);
    const from = '16505550002';
    const msgs = [
      { from, id: 'wamid.t-button', timestamp: String(ts), type: 'button', button: { payload: 'STOP_PROMOS', text: 'Stop promotions' } },
      { from, id: 'wamid.t-ibtn', timestamp: String(ts), type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'slot_pm', title: 'Afternoon' } } },
      { from, id: 'wamid.t-list', timestamp: String(ts), type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'express', title: 'Express', description: 'Next day' } } },
      { from, id: 'wamid.t-img', timestamp: String(ts), type: 'image', image: { caption: 'Receipt', mime_type: 'image/jpeg', sha256: 'x', id: '1003383421387256' } },
      { from, id: 'wamid.t-loc', timestamp: String(ts), type: 'location', location: { latitude: 1, longitude: 2, name: 'Shop', address: 'Main St' } },
      { from, id: 'wamid.t-react', timestamp: String(ts), type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '👍' } },
      { from, id: 'wamid.t-welcome', timestamp: String(ts), type: 'request_welcome' },
      { from, id: 'wamid.t-unsup', timestamp: String(ts), type: 'unsupported', errors: [{ code: 131051, title: 'Message type unknown' }] },
      { from, id: 'wamid.t-ad', timestamp: String(ts), type: 'text', text: { body: 'Info?' }, referral: { source_id: '1202', source_type: 'ad', ctwa_clid: 'Aff' } },
    ];
    await deliver({ contacts: [{ profile: { name: 'Bo' }, wa_id: from }], messages: msgs });
    await drain();
    const rows = await queryRows<{ wamid: string; type: string; body: string | null; payload: { reply_id?: string; referral?: unknown; error_codes?: number[] } }>(
      t.db,
      sql`select wamid, type, body, payload from messages where wa_id = ${from} order by wamid`,
    );
    const by = Object.fromEntries(rows.map((r) => [r.wamid, r]));
    expect(by['wamid.t-button']).toMatchObject({ type: 'button', body: 'Stop promotions', payload: { reply_id: 'STOP_PROMOS' } });
    expect(by['wamid.t-ibtn']).toMatchObject({ type: 'interactive', body: 'Afternoon', payload: { reply_id: 'slot_pm' } });
    expect(by['wamid.t-list']).toMatchObject({ body: 'Express', payload: { reply_id: 'express' } });
    expect(by['wamid.t-img']).toMatchObject({ type: 'image', body: 'Receipt' });
    expect(by['wamid.t-loc']!.body).toBe('Shop, Main St');
    expect(by['wamid.t-react']).toMatchObject({ type: 'reaction', body: '👍' });
    expect(by['wamid.t-welcome']!.type).toBe('request_welcome');
    expect(by['wamid.t-unsup']!.payload.error_codes).toEqual([131051]);
    expect(by['wamid.t-ad']!.payload.referral).toMatchObject({ source_type: 'ad', ctwa_clid: 'Aff' });
  });

  it('follows a user who changed number', async () => {
    const ts = Math.floor(Date.now() / 1000);
    await deliver(textMessage('16505550003', 'wamid.chg-1', 'hello', ts));
    await drain();
    await deliver({ messages: [{ from: '16505550003', id: 'wamid.chg-sys', timestamp: String(ts + 1), type: 'system', system: { body: 'changed', wa_id: '12195550003', type: 'user_changed_number' } }] });
    await deliver(textMessage('12195550003', 'wamid.chg-2', 'new phone', ts + 2));
    await drain();
    const rows = await queryRows<{ id: string; phone: string; wa_id: string }>(t.db, sql`select id, phone, wa_id from contacts where wa_id in ('16505550003', '12195550003')`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ phone: '+12195550003', wa_id: '12195550003' });
    const n = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from messages where contact_id = ${rows[0]!.id}`);
    expect(n[0]!.n).toBe(2);
  });
});

describe('processing statuses', () => {
  const perms = (xs: string[]): string[][] => (xs.length <= 1 ? [xs] : xs.flatMap((x, i) => perms([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p])));

  it('ends in the same state for every order of sent/delivered/read/failed, keeping every raw event', async () => {
    const ts = Math.floor(Date.now() / 1000);
    const finals = new Set<string>();
    let i = 0;
    for (const order of perms(['sent', 'delivered', 'read', 'failed'])) {
      const wamid = `wamid.perm-${i++}`;
      await recordOutboundMessage(t.db, { workspaceId: tenant.workspaceId, numberId: numberUuid, contactId: null, waId: '16505551234', type: 'template', body: null, payload: {}, wamid, callbackData: `cb-${wamid}`, sentAt: new Date() });
      for (const s of order) {
        const extra = s === 'failed' ? { errors: [{ code: 131026, title: 'Undeliverable' }] } : { pricing: { category: 'marketing', type: 'regular' } };
        await deliver(statusValue(wamid, s, ts + ['sent', 'delivered', 'read', 'failed'].indexOf(s), { biz_opaque_callback_data: `cb-${wamid}`, ...extra }));
      }
      await deliver(statusValue(wamid, 'delivered', ts + 1)); // duplicate
      await drain();
      const [m] = await queryRows<{ status_rank: number; error_code: number | null; events: number }>(
        t.db,
        sql`select status_rank, error_code, (select count(*)::int from message_status_events e where e.wamid = m.wamid) as events from messages m where wamid = ${wamid}`,
      );
      expect(m!.events).toBe(4);
      finals.add(`${m!.status_rank}:${m!.error_code}`);
    }
    // read (rank 4) wins; the failure is recorded but does not erase the delivery.
    expect([...finals]).toEqual(['4:131026']);
  });

  it('applies statuses that arrive before the send was logged', async () => {
    const ts = Math.floor(Date.now() / 1000);
    await deliver(statusValue('wamid.early', 'delivered', ts));
    await drain();
    await recordOutboundMessage(t.db, { workspaceId: tenant.workspaceId, numberId: numberUuid, contactId: null, waId: '16505551234', type: 'text', body: 'hi', payload: {}, wamid: 'wamid.early', callbackData: 'cb-early', sentAt: new Date() });
    const [m] = await queryRows<{ status_rank: number }>(t.db, sql`select status_rank from messages where wamid = 'wamid.early'`);
    expect(m!.status_rank).toBe(3);
  });
});

describe('messages first', () => {
  it('flags bodies that carry messages at intake (and wakes their loop), so a messages-only pass takes them before earlier statuses', async () => {
    const woken: string[] = [];
    const unlisten = await t.testDb.database.listen(WAKE_CHANNEL, (p) => woken.push(p));
    try {
      const ts = Math.floor(Date.now() / 1000);
      await deliver(statusValue('wamid.first-status', 'delivered', ts));
      await deliver(textMessage('16505550142', 'wamid.first-msg', 'MENU', ts));
      const rows = await queryRows<{ has_messages: boolean }>(t.db, sql`select has_messages from webhook_events where status = 'pending' order by id`);
      expect(rows.map((r) => r.has_messages)).toEqual([false, true]);
      const deps = { db: t.db, parse: parseWebhook, log: silentLogger(), now: new Date() };
      expect(await processPendingWebhooks(deps, 50, undefined, 'messages')).toBe(1);
      expect(await processPendingWebhooks(deps, 50, undefined, 'messages')).toBe(0);
      // The status that came first is still waiting; the message is logged.
      expect((await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from webhook_events where status = 'pending'`))[0]!.n).toBe(1);
      expect((await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from messages where wamid = 'wamid.first-msg'`))[0]!.n).toBe(1);
      expect(await processPendingWebhooks(deps, 500, undefined, 'all')).toBe(1);
      await t.testDb.database.ping();
      await new Promise((r) => setTimeout(r, 100));
      // Intake woke the messages loop; storing the message woke the automation engine.
      expect(woken).toEqual(expect.arrayContaining(['messages', 'inbound']));
    } finally {
      await unlisten();
    }
  });
});

describe('account and template events', () => {
  it('applies template status, quality, marketing preference and number quality updates', async () => {
    await t.db.execute(sql`insert into templates (workspace_id, waba_id, meta_id, name, language, category, status) values (${tenant.workspaceId}, ${N.wabaId}, '1689556908129835', 'abandoned_cart', 'en', 'MARKETING', 'PENDING')`);
    await deliver({ event: 'APPROVED', message_template_id: 1689556908129835, message_template_name: 'abandoned_cart', message_template_language: 'en', reason: 'NONE', message_template_category: 'MARKETING' }, 'message_template_status_update');
    await deliver({ message_template_id: 1689556908129835, previous_quality_score: 'GREEN', new_quality_score: 'YELLOW' }, 'message_template_quality_update');
    await deliver(
      {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: '15550100001', phone_number_id: N.phoneNumberId },
        user_preferences: [{ wa_id: '16505550009', detail: 'stop', category: 'marketing_messages', value: 'stop', timestamp: 1731705721 }],
      },
      'user_preferences',
    );
    await deliver({ display_phone_number: '+1 555 010 0001', event: 'UPGRADE', current_limit: 'TIER_10K' }, 'phone_number_quality_update');
    await drain();
    const [tpl] = await queryRows<{ status: string; quality_score: string }>(t.db, sql`select status, quality_score from templates where name = 'abandoned_cart'`);
    expect(tpl).toEqual({ status: 'APPROVED', quality_score: 'YELLOW' });
    const audit = (await t.call(tenant.key, { method: 'GET', url: '/api/v1/audit-log?action=contact.whatsapp_marketing_stopped' })).json().data;
    expect(audit).toHaveLength(1);
    const num = (await t.call(tenant.key, { method: 'GET', url: `/api/v1/phone-numbers/${numberUuid}` })).json();
    expect(num.messaging_limit_tier).toBe('TIER_10K');
    // Meta writes the display number as digits; a FLAGGED number's quality is low (broadcasts pause on it).
    await deliver({ display_phone_number: '15550100001', event: 'FLAGGED', current_limit: 'TIER_10K' }, 'phone_number_quality_update');
    await drain();
    const flagged = (await t.call(tenant.key, { method: 'GET', url: `/api/v1/phone-numbers/${numberUuid}` })).json();
    expect(flagged.quality_rating).toBe('RED');
  });

  it('keeps a body that cannot be parsed for inspection instead of losing it', async () => {
    // It names the number (a body naming no connected number cannot be verified and gets 401 at intake).
    const body = metaJson({ object: 'page', entry: [{ id: N.wabaId, changes: [{ field: 'messages', value: { metadata: { phone_number_id: N.phoneNumberId } } }] }] });
    const res = await t.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, N.secret) }, payload: body });
    expect(res.statusCode).toBe(200);
    await drain();
    const [row] = await queryRows<{ status: string; last_error: string; attempts: number }>(t.db, sql`select status, last_error, attempts from webhook_events where raw = ${body}`);
    expect(row!.status).toBe('pending');
    expect(row!.last_error).toMatch(/not a whatsapp_business_account/);
    expect(row!.attempts).toBe(1);
  });
});

describe('retention', () => {
  it('purges processed bodies after 14 days, keeps pending and failed ones, and is idempotent', async () => {
    const total = async (status: string) => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from webhook_events where status = ${status}`))[0]!.n;
    const processed = await total('processed');
    const pending = await total('pending');
    expect(processed).toBeGreaterThan(0);
    expect(await purgeProcessedWebhooks(t.db, new Date())).toBe(0);
    const later = new Date(Date.now() + 15 * 24 * 3600_000);
    expect(await purgeProcessedWebhooks(t.db, later)).toBe(processed);
    expect(await purgeProcessedWebhooks(t.db, later)).toBe(0);
    expect(await total('pending')).toBe(pending);
  });
});
