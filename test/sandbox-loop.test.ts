import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { getServiceWindow, recordOutboundMessage, type OutboundMessage } from '../src/modules/messaging/index.js';
import { credentialsFor } from '../src/modules/numbers/index.js';
import type { Simulator } from '../src/simulator/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { connectSimNumber, settleSim } from './helpers/factories.js';

// The whole loop on loopback: the real Cloud API adapter talks to the simulator, the simulator
// posts signed webhooks to the real intake, workers process them into the message log.
let t: TestApp;
let sim: Simulator;
let tenant: Awaited<ReturnType<TestApp['tenant']>>;
let numberId: string;
const NUMBER = { phoneNumberId: '5065403522', wabaId: '5022901293', accessToken: 'sim-token-e2e-0001' };

beforeAll(async () => {
  t = await createTestApp();
  const appUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  tenant = await t.tenant('loop');
  ({ sim, numberId } = await connectSimNumber(t, tenant.key, { seed: 'loop', number: NUMBER, displayNumber: '+1 555 078 3881', appSecret: 'e2e-app-secret', verifyToken: 'e2e-verify-token', webhookUrl: `${appUrl}/webhooks/whatsapp` }));
});
afterAll(async () => {
  await sim.close();
  await t.close();
});

// Let the simulator finish its (time-scaled) status timers and deliveries, then process.
const settle = () => settleSim(t, sim, { pauseMs: 150 });

async function send(to: string, message: OutboundMessage, callbackData: string, contactId: string | null = null) {
  const creds = await credentialsFor(tenant.ctx, t.wiring.box, numberId);
  const res = await t.wiring.gateway.sendMessage(creds, { to, message, callbackData });
  await recordOutboundMessage(t.db, { workspaceId: tenant.workspaceId, numberId, contactId, waId: res.waId ?? to.replace(/\D/g, ''), type: message.type, body: message.type === 'text' ? message.text : null, payload: {}, wamid: res.wamid, callbackData, sentAt: new Date() });
  return res;
}

async function statusOf(wamid: string) {
  const [m] = await queryRows<{ status_rank: number; error_code: number | null; events: number }>(
    t.db,
    sql`select status_rank, error_code, (select count(*)::int from message_status_events e where e.wamid = m.wamid) as events from messages m where wamid = ${wamid}`,
  );
  return m!;
}

describe('sandbox loop through the simulator', () => {
  it('passes the verification handshake against the real webhook endpoint', async () => {
    expect((await sim.verifyWebhook()).ok).toBe(true);
  });

  it('receives a user message, opens the window, replies, and tracks the reply to read', async () => {
    sim.inbound({ from: '+14155550100', text: 'Hello, do you deliver on Sundays?' });
    await settle();
    const [contact] = await queryRows<{ id: string }>(t.db, sql`select id from contacts where wa_id = '14155550100' and workspace_id = ${tenant.workspaceId}`);
    expect(contact).toBeDefined();
    expect((await getServiceWindow(t.db, numberId, '14155550100', new Date())).open).toBe(true);

    const res = await send('+14155550100', { type: 'text', text: 'Yes, 9–13h. Want a slot?' }, 'reply-1', contact!.id);
    await settle();
    expect(await statusOf(res.wamid)).toMatchObject({ status_rank: 4, error_code: null, events: 3 });
    const log = (await t.call(tenant.key, { method: 'GET', url: `/api/v1/contacts/${contact!.id}/messages` })).json().data as { direction: string; status: string; wamid: string }[];
    expect(log.map((m) => [m.direction, m.status])).toEqual([
      ['out', 'read'],
      ['in', 'received'],
    ]);
    expect(sim.sent('+14155550100').map((m) => m.wamid)).toEqual([res.wamid]);
  });

  it('reports a free-form message outside the 24 h window as failed 131047; a template goes through', async () => {
    const text = await send('+14155550101', { type: 'text', text: 'Hi!' }, 'cold-text');
    const template = await send('+14155550101', { type: 'template', name: 'hello_world', language: 'en_US' }, 'cold-template');
    expect(template.messageStatus).toBe('accepted');
    await settle();
    expect(await statusOf(text.wamid)).toMatchObject({ error_code: 131047 });
    expect(await statusOf(template.wamid)).toMatchObject({ status_rank: 4, error_code: null });
  });

  it('ends in the same state when webhooks are duplicated, reordered and batched', async () => {
    sim.configure({ chaos: { duplicateRate: 1, outOfOrderRate: 0.5, batchRate: 0.5, batchMax: 5 } });
    const sent = [];
    for (const to of ['+14155550102', '+14155550103', '+14155550104']) sent.push(await send(to, { type: 'template', name: 'hello_world', language: 'en_US' }, `chaos-${to}`));
    // Reordering holds some webhooks back for up to a couple of seconds.
    for (let i = 0; i < 20; i++) {
      await settle();
      const ranks = await Promise.all(sent.map((s) => statusOf(s.wamid)));
      if (ranks.every((r) => r.status_rank === 4)) break;
    }
    for (const s of sent) expect(await statusOf(s.wamid)).toMatchObject({ status_rank: 4, error_code: null, events: 3 });
    const deliveries = sim.webhookLog().filter((d) => d.events.some((e) => e.includes('status')));
    expect(deliveries.some((d) => d.duplicateOf !== undefined)).toBe(true);
    sim.configure({ chaos: { duplicateRate: 0, outOfOrderRate: 0, batchRate: 0 } });
  });

  it('maps a synchronous throughput error from the simulator to a retryable class', async () => {
    sim.configure({ faults: [{ code: 130429, mode: 'sync', remaining: 1 }] });
    const creds = await credentialsFor(tenant.ctx, t.wiring.box, numberId);
    await expect(t.wiring.gateway.sendMessage(creds, { to: '+14155550105', message: { type: 'template', name: 'hello_world', language: 'en_US' }, callbackData: 'x' })).rejects.toMatchObject({
      code: 'WHATSAPP_RATE_LIMITED',
      retry: 'transient',
    });
    const ok = await t.wiring.gateway.sendMessage(creds, { to: '+14155550105', message: { type: 'template', name: 'hello_world', language: 'en_US' }, callbackData: 'y' });
    expect(ok.wamid).toMatch(/^wamid\./);
  });
});

describe('one-to-one replies through the API', () => {
  async function contactIdOf(phone: string): Promise<string> {
    const res = await t.call(tenant.key, { method: 'GET', url: `/api/v1/contacts?phone=${encodeURIComponent(phone)}` });
    expect(res.statusCode).toBe(200);
    return res.json().data[0].id;
  }

  it('replies inside the window, idempotently, and the reply is tracked to read', async () => {
    sim.inbound({ from: '+14155550120', text: 'Is the blue one in stock?' });
    await settle();
    const id = await contactIdOf('+14155550120');
    const opts = { method: 'POST' as const, url: `/api/v1/contacts/${id}/messages`, payload: { type: 'buttons', text: 'Yes! Reserve it?', buttons: [{ id: 'yes', title: 'Reserve' }, { id: 'no', title: 'No thanks' }] }, headers: { 'idempotency-key': 'reply-blue-1' } };
    const first = await t.call(tenant.key, opts);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ direction: 'out', type: 'interactive', status: 'accepted', wamid: expect.stringMatching(/^wamid\./) });
    const again = await t.call(tenant.key, opts);
    expect(again.json().id).toBe(first.json().id);
    expect(sim.sent('+14155550120')).toHaveLength(1);
    await settle();
    const log = (await t.call(tenant.key, { method: 'GET', url: `/api/v1/contacts/${id}/messages` })).json().data;
    expect(log[0]).toMatchObject({ id: first.json().id, status: 'read' });
  });

  it('refuses a free-form message to someone whose window is closed or who never wrote', async () => {
    const { findOrCreateContactByWaId } = await import('../src/modules/contacts/index.js');
    const never = await findOrCreateContactByWaId(t.db, tenant.workspaceId, '14155550121', undefined, new Date());
    await t.db.execute(sql`update contacts set wa_id = null where id = ${never.id}`);
    const res = await t.call(tenant.key, { method: 'POST', url: `/api/v1/contacts/${never.id}/messages`, payload: { type: 'text', text: 'Hi' } });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('WINDOW_CLOSED');
    sim.inbound({ from: '+14155550122', text: 'old message' });
    await settle();
    await t.db.execute(sql`update service_windows set last_inbound_at = now() - interval '25 hours' where wa_id = '14155550122'`);
    const closed = await t.call(tenant.key, { method: 'POST', url: `/api/v1/contacts/${await contactIdOf('+14155550122')}/messages`, payload: { type: 'text', text: 'Hi' } });
    expect(closed.statusCode).toBe(422);
    expect(closed.json().error.code).toBe('WINDOW_CLOSED');
    expect(sim.sent('+14155550122')).toHaveLength(0);
  });

  it('never re-sends when the answer is lost: the message stays pending and its status webhook settles it', async () => {
    sim.inbound({ from: '+14155550123', text: 'hello?' });
    await settle();
    const id = await contactIdOf('+14155550123');
    sim.configure({ faults: [{ hang: 'reset', acceptFirst: true, remaining: 1, endpoint: 'messages' }] });
    const res = await t.call(tenant.key, { method: 'POST', url: `/api/v1/contacts/${id}/messages`, payload: { type: 'text', text: 'Here to help' } });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ status: 'pending', wamid: null });
    await settle();
    expect(sim.sent('+14155550123')).toHaveLength(1);
    const log = (await t.call(tenant.key, { method: 'GET', url: `/api/v1/contacts/${id}/messages` })).json().data;
    expect(log[0]).toMatchObject({ id: res.json().id, status: 'read', wamid: sim.sent('+14155550123')[0]!.wamid });
  });
});

describe('when storing webhooks fails', () => {
  it('answers 5xx, the simulator retries, and the event is processed exactly once', async () => {
    sim.configure({ webhooks: { retryBaseMs: 2_000 } });
    await t.db.execute(sql`alter table webhook_events rename to webhook_events_away`);
    sim.inbound({ from: '+14155550130', text: 'are you there?' });
    await vi.waitFor(() => {
      const failing = sim.webhookLog().filter((d) => d.body.includes('14155550130'));
      expect(failing.length).toBe(1);
      expect(failing[0]!.attempts[0]!.status).toBeGreaterThanOrEqual(500);
    });
    await t.db.execute(sql`alter table webhook_events_away rename to webhook_events`);
    await settle();
    const delivered = sim.webhookLog().filter((d) => d.body.includes('14155550130'));
    expect(delivered[0]!.state).toBe('delivered');
    const rows = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from messages where wa_id = '14155550130'`);
    expect(rows[0]!.n).toBe(1);
  });
});

describe('account operations through the simulator', () => {
  it('reads the number health into the number (quality, tier, verified name)', async () => {
    const res = await t.call(tenant.key, { method: 'POST', url: `/api/v1/phone-numbers/${numberId}/refresh` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ quality_rating: 'GREEN', messaging_limit_tier: 'TIER_UNLIMITED', health_checked_at: expect.any(String) });
  });

  it('uploads media and sends it by id; creates, lists and deletes templates', async () => {
    const creds = await credentialsFor(tenant.ctx, t.wiring.box, numberId);
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4a00000000049454e44ae426082', 'hex');
    const media = await t.wiring.gateway.uploadMedia(creds, { bytes: png, mimeType: 'image/png', filename: 'dot.png' });
    expect(media.id).toMatch(/^\d+$/);
    sim.inbound({ from: '+14155550110', text: 'send me the picture' });
    await settle();
    const sent = await t.wiring.gateway.sendMessage(creds, { to: '+14155550110', message: { type: 'image', media: { id: media.id, caption: 'Here it is' } }, callbackData: 'img' });
    expect(sim.sent('+14155550110').at(-1)).toMatchObject({ wamid: sent.wamid });

    const created = await t.wiring.gateway.createTemplate(creds, {
      name: 'order_ready',
      language: 'en_US',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hi {{1}}, your order is ready.', example: { body_text: [['Ana']] } }],
    });
    expect(created.status).toMatch(/PENDING|APPROVED/);
    const names = (await t.wiring.gateway.listTemplates(creds)).data.map((x) => x.name);
    expect(names).toEqual(expect.arrayContaining(['hello_world', 'order_ready']));
    await t.wiring.gateway.deleteTemplate(creds, 'order_ready');
    expect((await t.wiring.gateway.listTemplates(creds)).data.map((x) => x.name)).not.toContain('order_ready');
  });
});
