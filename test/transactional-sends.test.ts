// Transactional template sends (POST /api/v1/messages, GET /api/v1/messages/:id): the call a shop
// or CRM makes for an order update. Real app, real database, the Cloud API simulator on loopback.
// Every refusal of the send gate answers with its code and sends nothing; the intent row is
// committed before the call, an Idempotency-Key replay never sends twice, and an uncertain
// outcome is settled by the status webhook, never re-posted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { addSuppressions, phoneHasher } from '../src/modules/consent/index.js';
import { touchServiceWindow } from '../src/modules/messaging/index.js';
import { createApiKey } from '../src/modules/workspaces/index.js';
import type { TemplateSeed } from '../src/simulator/index.js';
import { createBroadcastHarness, OFFERS_TEMPLATE, UPDATE_TEMPLATE, type BroadcastHarness } from './helpers/broadcast.js';

/** A utility template with variables, as a shop sends on shipping. */
const ORDER_TEMPLATE: TemplateSeed = {
  name: 'order_shipped',
  language: 'en_US',
  category: 'UTILITY',
  components: [{ type: 'BODY', text: 'Hi {{1}}, order {{2}} has shipped.', example: { body_text: [['Ada', 'A-1001']] } }] as TemplateSeed['components'],
};
const AUTH_TEMPLATE: TemplateSeed = {
  name: 'login_code',
  language: 'en_US',
  category: 'AUTHENTICATION',
  components: [{ type: 'BODY', text: '{{1}} is your verification code.', example: { body_text: [['123456']] } }] as TemplateSeed['components'],
};
const EVIDENCE = { text: 'Yes, send me order updates on WhatsApp. Reply STOP to end.', ip: '198.51.100.7', user_agent: 'test' };

// The API's business clock: the wall clock unless a test pins it (quiet hours, the frequency cap).
let pinned: Date | null = null;
const clock = { now: () => pinned ?? new Date() };

let h: BroadcastHarness;
beforeAll(async () => {
  h = await createBroadcastHarness({
    seed: 'transactional',
    clock,
    templates: [OFFERS_TEMPLATE, UPDATE_TEMPLATE, ORDER_TEMPLATE, AUTH_TEMPLATE],
    settings: { broadcasts: { frequency_cap: { max: 1, days: 7 } } },
  });
  const r = await h.api('POST', '/api/v1/topics', { key: 'appointments', name: 'Appointments', category: 'utility' });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
});
afterAll(async () => {
  await h?.close();
});

let nextPhone = 0;
/** A contact in London created through the API, granted `topics`; returns its id and phone. */
async function person(topics: string[]): Promise<{ id: string; phone: string }> {
  const phone = `+1415557${String(1000 + nextPhone++)}`;
  const c = await h.api('POST', '/api/v1/contacts', { phone, timezone: 'Europe/London' });
  expect(c.status, JSON.stringify(c.body)).toBe(201);
  for (const topic of topics) {
    const g = await h.api('POST', `/api/v1/contacts/${c.body.id}/consent`, { topic, action: 'grant', source: 'api', evidence: EVIDENCE });
    expect(g.status, JSON.stringify(g.body)).toBe(201);
  }
  return { id: c.body.id as string, phone };
}

const order = (variables: Record<string, unknown> = { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'A-1001' } }) => ({ name: 'order_shipped', language: 'en_US', variables });
const offers = { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'two for one' } } };
const send = (payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  h.t.call(h.tenant.key, { method: 'POST', url: '/api/v1/messages', payload, headers }).then((r) => ({ status: r.statusCode, body: r.json(), headers: r.headers }));
const messagesOf = (contactId: string) => queryRows<{ id: string; wamid: string | null; callback_data: string; marketing: boolean; business_initiated: boolean }>(h.t.db, sql`select id, wamid, callback_data, marketing, business_initiated from messages where contact_id = ${contactId}`);

describe('POST /api/v1/messages: sending', () => {
  it('sends a utility template to a utility-topic subscriber; the simulator takes it and the status reads back delivered, then read', async () => {
    const p = await person(['updates']);
    const res = await send({ contact_id: p.id, template: order(), topic: 'updates' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ direction: 'out', type: 'template', text: 'Hi there, order A-1001 has shipped.', status: 'accepted', contact_id: p.id, number_id: h.numberId, error_code: null });
    const sent = h.sim.sent(p.phone);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ wamid: res.body.wamid, template: { name: 'order_shipped', category: 'UTILITY' }, callbackData: `msg:${res.body.id}` });
    // The intent row: a utility message outside any window (business-initiated), not marketing.
    expect(await messagesOf(p.id)).toEqual([expect.objectContaining({ id: res.body.id, callback_data: `msg:${res.body.id}`, marketing: false, business_initiated: true })]);
    await h.waitFor(async () => (await h.api('GET', `/api/v1/messages/${res.body.id}`)).body.status === 'read', 10_000, 'read status');
    const got = await h.api('GET', `/api/v1/messages/${res.body.id}`);
    expect(got).toMatchObject({ status: 200, body: { id: res.body.id, wamid: res.body.wamid, status: 'read', error_code: null } });
  });

  it('finds the contact by phone; a phone with no contact is a 404 naming phone (no contact, no consent)', async () => {
    const p = await person(['updates']);
    const res = await send({ phone: p.phone, template: { name: 'service_update', language: 'en_US' }, topic: 'updates' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.contact_id).toBe(p.id);
    expect(h.sim.sent(p.phone)).toHaveLength(1);

    const none = await send({ phone: '+14155579999', template: { name: 'service_update', language: 'en_US' }, topic: 'updates' });
    expect(none.status).toBe(404);
    expect(none.body.error).toMatchObject({ code: 'NOT_FOUND', details: { field: 'phone' } });
    expect(h.sim.sent('+14155579999')).toHaveLength(0);
  });

  it('answers a replay of the same Idempotency-Key with the same message, and sends once', async () => {
    const p = await person(['updates']);
    const payload = { contact_id: p.id, template: order(), topic: 'updates' };
    const first = await send(payload, { 'idempotency-key': `txn-${p.id}` });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const again = await send(payload, { 'idempotency-key': `txn-${p.id}` });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.wamid).toBe(first.body.wamid);
    expect(h.sim.sent(p.phone)).toHaveLength(1);
    expect(await messagesOf(p.id)).toHaveLength(1);
    // The same key for another request is refused.
    const other = await send({ ...payload, topic: 'appointments' }, { 'idempotency-key': `txn-${p.id}` });
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('leaves a send whose answer was lost pending (202), never re-posts it, and lets its status webhook settle it', async () => {
    const p = await person(['updates']);
    h.sim.configure({ faults: [{ hang: 'reset', to: p.phone.slice(1), remaining: 1 }] });
    try {
      const res = await send({ contact_id: p.id, template: order(), topic: 'updates' });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      expect(res.body).toMatchObject({ status: 'pending', wamid: null });
      expect(h.sim.sent(p.phone)).toHaveLength(1);
      await h.waitFor(async () => (await h.api('GET', `/api/v1/messages/${res.body.id}`)).body.wamid === h.sim.sent(p.phone)[0]!.wamid, 10_000, 'wamid bound by callback data');
      await h.waitFor(async () => ['delivered', 'read'].includes((await h.api('GET', `/api/v1/messages/${res.body.id}`)).body.status), 10_000, 'delivered');
      expect(h.sim.sent(p.phone)).toHaveLength(1);
    } finally {
      h.sim.configure({ faults: [] });
    }
  });

  it('answers a refusal by WhatsApp with its code and keeps the message as failed with that code', async () => {
    const p = await person(['updates']);
    h.sim.configure({ faults: [{ code: 131026, to: p.phone.slice(1), remaining: 1 }] });
    try {
      const res = await send({ contact_id: p.id, template: order(), topic: 'updates' });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('WHATSAPP_RECIPIENT_UNREACHABLE');
      const [row] = await messagesOf(p.id);
      expect((await h.api('GET', `/api/v1/messages/${row!.id}`)).body).toMatchObject({ status: 'failed', error_code: 131026, wamid: null });
    } finally {
      h.sim.configure({ faults: [] });
    }
  });
});

describe('POST /api/v1/messages: the send gate refuses, and nothing reaches WhatsApp', () => {
  async function refused(contactId: string, phone: string, topic: string, template: Record<string, unknown>, status: number, code: string, reason?: string) {
    const res = await send({ contact_id: contactId, template, topic });
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.error.code).toBe(code);
    if (reason) expect(res.body.error.details.reason).toBe(reason);
    expect(h.sim.sent(phone)).toHaveLength(0);
    expect(await messagesOf(contactId)).toHaveLength(0);
    return res;
  }

  it('never consented: CONSENT_REQUIRED', async () => {
    const p = await person([]);
    await refused(p.id, p.phone, 'updates', order(), 409, 'CONSENT_REQUIRED', 'no_consent');
  });

  it('consented to another topic only: CONSENT_REQUIRED for this one', async () => {
    const p = await person(['appointments']);
    const res = await refused(p.id, p.phone, 'updates', order(), 409, 'CONSENT_REQUIRED', 'no_consent');
    expect(res.body.error.details.topic).toBe('updates');
  });

  it('withdrew: CONSENT_WITHDRAWN', async () => {
    const p = await person(['updates']);
    const w = await h.api('POST', `/api/v1/contacts/${p.id}/consent`, { topic: 'updates', action: 'withdraw', source: 'agent', evidence: { note: 'asked by phone to stop' } });
    expect(w.status, JSON.stringify(w.body)).toBeLessThan(300);
    await refused(p.id, p.phone, 'updates', order(), 409, 'CONSENT_WITHDRAWN', 'consent_withdrawn');
  });

  it('on the suppression list (even with a grant on record): CONSENT_SUPPRESSED', async () => {
    const p = await person(['updates']);
    await addSuppressions(h.t.db, h.tenant.workspaceId, [(await phoneHasher(h.t.db, h.tenant.workspaceId))(p.phone)], 'opt_out', 'keyword', new Date());
    await refused(p.id, p.phone, 'updates', order(), 409, 'CONSENT_SUPPRESSED', 'suppressed');
  });

  it('marked unreachable: CONTACT_UNREACHABLE', async () => {
    const p = await person(['updates']);
    await h.t.db.execute(sql`update contacts set unreachable_at = now() where id = ${p.id}`);
    await refused(p.id, p.phone, 'updates', order(), 409, 'CONTACT_UNREACHABLE', 'unreachable');
  });

  it('a MARKETING template on a utility topic, a UTILITY template on a marketing topic: TEMPLATE_TOPIC_MISMATCH naming topic', async () => {
    const p = await person(['updates', 'offers']);
    const m = await refused(p.id, p.phone, 'updates', offers, 422, 'TEMPLATE_TOPIC_MISMATCH');
    expect(m.body.error.details).toMatchObject({ field: 'topic', template_category: 'MARKETING', topic_category: 'utility' });
    const u = await refused(p.id, p.phone, 'offers', order(), 422, 'TEMPLATE_TOPIC_MISMATCH');
    expect(u.body.error.details).toMatchObject({ field: 'topic', template_category: 'UTILITY', topic_category: 'marketing' });
  });

  it('an AUTHENTICATION template: TEMPLATE_CATEGORY_UNSUPPORTED', async () => {
    const p = await person(['updates']);
    await refused(p.id, p.phone, 'updates', { name: 'login_code', language: 'en_US', variables: { 'body.1': { value: '123456' } } }, 422, 'TEMPLATE_CATEGORY_UNSUPPORTED');
  });

  it('marketing in quiet hours: SEND_DEFERRED with the reason, until and Retry-After', async () => {
    const p = await person(['offers']);
    pinned = new Date('2026-12-10T22:30:00Z'); // 22:30 in London: inside the default 21:00–08:00
    try {
      const res = await send({ contact_id: p.id, template: offers, topic: 'offers' });
      expect(res.status, JSON.stringify(res.body)).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'SEND_DEFERRED', details: { reason: 'quiet_hours', until: '2026-12-11T08:00:00.000Z' } });
      expect(res.headers['retry-after']).toBe(String(9.5 * 3600));
      expect(h.sim.sent(p.phone)).toHaveLength(0);
      // Utility messages keep no quiet hours.
      const q = await person(['updates']);
      expect((await send({ contact_id: q.id, template: order(), topic: 'updates' })).status).toBe(201);
    } finally {
      pinned = null;
    }
  });

  it('marketing over the frequency cap (1 in 7 days here): the first goes, the second is SEND_DEFERRED until the first leaves the window', async () => {
    const p = await person(['offers']);
    pinned = new Date('2026-12-10T12:00:00Z');
    try {
      const first = await send({ contact_id: p.id, template: offers, topic: 'offers' });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect((await messagesOf(p.id))[0]).toMatchObject({ marketing: true });
      const second = await send({ contact_id: p.id, template: offers, topic: 'offers' });
      expect(second.status).toBe(409);
      expect(second.body.error).toMatchObject({ code: 'SEND_DEFERRED', details: { reason: 'frequency_cap', until: '2026-12-17T12:00:00.000Z' } });
      expect(h.sim.sent(p.phone)).toHaveLength(1);
    } finally {
      pinned = null;
    }
  });
});

describe('POST /api/v1/messages: input and tenancy', () => {
  it('answers bad bodies with 422 naming the field', async () => {
    const p = await person(['updates']);
    const cases: [Record<string, unknown>, string][] = [
      [{ contact_id: p.id, template: order() }, 'topic'],
      [{ contact_id: 'nope', template: order(), topic: 'updates' }, 'contact_id'],
      [{ template: order(), topic: 'updates' }, 'contact_id'],
      [{ contact_id: p.id, phone: p.phone, template: order(), topic: 'updates' }, 'phone'],
      [{ phone: '0415 557 1000', template: order(), topic: 'updates' }, 'phone'],
      [{ contact_id: p.id, template: { name: 'order_shipped' }, topic: 'updates' }, 'template.language'],
      [{ contact_id: p.id, template: order(), topic: 'updates', priority: 'high' }, 'priority'],
      [{ contact_id: p.id, template: order({ 'body.1': { field: 'shoe_size' }, 'body.2': { value: 'x' } }), topic: 'updates' }, 'template.variables.body.1.field'],
      [{ contact_id: p.id, template: order(), topic: 'updates', number_id: 'x' }, 'number_id'],
      [{ contact_id: p.id, template: order(), topic: 'newsletter' }, 'topic'],
      [{ contact_id: p.id, template: order(), topic: 'updates', number_id: '00000000-0000-4000-8000-000000000000' }, 'number_id'],
    ];
    for (const [payload, field] of cases) {
      const res = await send(payload);
      expect(res.status, `${field}: ${JSON.stringify(res.body)}`).toBe(422);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect((res.body.error.details.fields as { field: string }[]).map((f) => f.field)).toContain(field);
    }
    // Variables that do not fit the template name the parameter.
    const vars = await send({ contact_id: p.id, template: order({ 'body.1': { value: 'x' } }), topic: 'updates' });
    expect(vars.status).toBe(422);
    expect(vars.body.error).toMatchObject({ code: 'TEMPLATE_VARIABLES_INVALID' });
    expect(vars.body.error.message).toContain('template.variables["body.2"]');
    // A contact-derived variable without a value and without a fallback.
    const empty = await send({ contact_id: p.id, template: order({ 'body.1': { field: 'name' }, 'body.2': { value: 'A-1' } }), topic: 'updates' });
    expect(empty.status).toBe(422);
    expect(empty.body.error.code).toBe('TEMPLATE_VARIABLES_INVALID');
    const tpl = await send({ contact_id: p.id, template: { name: 'order_shipped', language: 'en' }, topic: 'updates' });
    expect(tpl.body.error.code).toBe('TEMPLATE_NOT_FOUND');
    expect(h.sim.sent(p.phone)).toHaveLength(0);
    expect(await messagesOf(p.id)).toHaveLength(0);
  });

  it("gives 404 for another workspace's contact and message, and needs messages:send", async () => {
    const other = await h.t.tenant('txn-other');
    const c = await h.t.call(other.key, { method: 'POST', url: '/api/v1/contacts', payload: { phone: '+14155578888' } });
    expect(c.statusCode, c.body).toBe(201);
    const res = await send({ contact_id: c.json().id, template: order(), topic: 'updates' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect(h.sim.sent('+14155578888')).toHaveLength(0);

    const p = await person(['updates']);
    const mine = await send({ contact_id: p.id, template: order(), topic: 'updates' });
    expect(mine.status).toBe(201);
    const theirs = await h.t.call(other.key, { method: 'GET', url: `/api/v1/messages/${mine.body.id}` });
    expect(theirs.statusCode).toBe(404);
    expect((await h.api('GET', '/api/v1/messages/not-a-uuid')).status).toBe(404);

    const agent = await createApiKey(h.tenant.ctx, { name: 'txn-agent', role: 'agent' });
    const denied = await h.t.call(agent.key, { method: 'POST', url: '/api/v1/messages', payload: { contact_id: p.id, template: order(), topic: 'updates' } });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('FORBIDDEN_ROLE');
    // Reading a message's status is a contacts:read.
    expect((await h.t.call(agent.key, { method: 'GET', url: `/api/v1/messages/${mine.body.id}` })).statusCode).toBe(200);
  });
});

describe('POST /api/v1/messages: the messaging limit', () => {
  it('refuses a business-initiated send at the tier limit (429 with the reset), but not inside a window or to someone already counted', async () => {
    const counted = await person(['updates']);
    expect((await send({ contact_id: counted.id, template: order(), topic: 'updates' })).status).toBe(201);
    // The workspace has reached 250 people (TIER_250) outside a window in the last 24 h.
    const used = (await queryRows<{ n: number }>(h.t.db, sql`select count(distinct wa_id)::int as n from messages where workspace_id = ${h.tenant.workspaceId} and business_initiated and sent_at > now() - interval '24 hours'`))[0]!.n;
    const oldest = new Date(Date.now() - 3_600_000);
    await h.t.db.execute(sql`insert into messages (workspace_id, number_id, wa_id, direction, type, business_initiated, sent_at)
                             select ${h.tenant.workspaceId}, ${h.numberId}, '1999000' || lpad(i::text, 4, '0'), 'out', 'template', true, ${oldest.toISOString()}::timestamptz
                             from generate_series(1, ${250 - Number(used)}) as i`);
    try {
      const p = await person(['updates']);
      const res = await send({ contact_id: p.id, template: order(), topic: 'updates' });
      expect(res.status, JSON.stringify(res.body)).toBe(429);
      expect(res.body.error).toMatchObject({ code: 'MESSAGING_LIMIT_REACHED', details: { tier: 'TIER_250', limit: 250, used: 250, resets_at: new Date(oldest.getTime() + 86_400_000).toISOString() } });
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(22 * 3600);
      expect(h.sim.sent(p.phone)).toHaveLength(0);
      // Someone already reached today costs nothing more.
      expect((await send({ contact_id: counted.id, template: order(), topic: 'updates' })).status).toBe(201);
      // Inside a customer service window the person opened, the message is not business-initiated.
      await touchServiceWindow(h.t.db, { workspaceId: h.tenant.workspaceId, numberId: h.numberId, waId: p.phone.slice(1), at: new Date() });
      const inWindow = await send({ contact_id: p.id, template: order(), topic: 'updates' });
      expect(inWindow.status, JSON.stringify(inWindow.body)).toBe(201);
      expect(await messagesOf(p.id)).toEqual([expect.objectContaining({ business_initiated: false })]);
    } finally {
      await h.t.db.execute(sql`delete from messages where workspace_id = ${h.tenant.workspaceId} and wa_id like '1999000%'`);
    }
  });
});
