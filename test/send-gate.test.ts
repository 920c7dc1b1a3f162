import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { silentLogger } from '../src/lib/logger.js';
import { enqueueAutomated, messagingLimitUsed, sendQueuedAutomated, touchServiceWindow, type WhatsAppGateway } from '../src/modules/messaging/index.js';
import { bookSlots } from '../src/modules/sending/index.js';
import type { Simulator } from '../src/simulator/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { connectSimNumber, createTopics, subscriber as subscribe } from './helpers/factories.js';

// The send gate as the outbox uses it (issue 14): consent checked at send time, one shared pacing
// schedule per number with broadcasts, and the intent logged before the request leaves.
let t: TestApp;
let sim: Simulator;
let numberId: string;
let tenant: Awaited<ReturnType<TestApp['tenant']>>;
const NUMBER = { phoneNumberId: '7065403599', wabaId: '7022901299', accessToken: 'sim-token-gate-01' };
const log = silentLogger();
const EVIDENCE = { text: 'Yes to Acme offers on WhatsApp. Reply STOP to end.', ip: '198.51.100.7', user_agent: 'test' };

beforeAll(async () => {
  t = await createTestApp();
  const appUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  tenant = await t.tenant('gate');
  ({ sim, numberId } = await connectSimNumber(t, tenant.key, { seed: 'gate', number: NUMBER, displayNumber: '+1 555 078 7099', appSecret: 'gate-secret', verifyToken: 'gate-verify', webhookUrl: `${appUrl}/webhooks/whatsapp` }));
  await createTopics(t, tenant.key, [{ key: 'offers', name: 'Offers', category: 'marketing' }]);
  const res = await t.call(tenant.key, { method: 'PATCH', url: `/api/v1/phone-numbers/${numberId}`, payload: { throughput_mps: 20 } });
  expect(res.statusCode, res.body).toBe(200);
});
afterAll(async () => {
  await sim.close();
  await t.close();
});

const subscriber = (phone: string) => subscribe(t, tenant.key, phone, { topics: ['offers'], evidence: EVIDENCE });
const deps = (gateway: WhatsAppGateway = t.wiring.gateway, now = new Date()) => ({ db: t.db, box: t.wiring.box, gateway, log, now });

/** Queues a welcome for each contact, as a keyword opt-in does (the person just wrote: the window is open). */
async function queueWelcomes(people: { id: string; phone: string }[], tag: string): Promise<void> {
  await enqueueAutomated(
    t.db,
    people.map((p) => ({ workspaceId: tenant.workspaceId, numberId, contactId: p.id, waId: p.phone.slice(1), kind: 'welcome', dedupeKey: `welcome:${tag}:${p.id}`, inboundAt: new Date(), message: { type: 'text' as const, text: `Welcome ${tag}` } })),
    new Date(),
  );
}

async function outboxOf(contactId: string): Promise<{ status: string; last_error: string | null; message_id: string | null }[]> {
  return queryRows(t.db, sql`select status, last_error, message_id from outbox where contact_id = ${contactId} order by created_at`);
}

describe('send gate: the outbox', () => {
  it('does not send a welcome to someone who said STOP after it was queued, and says why', async () => {
    const phone = '+14155550901';
    const id = await subscriber(phone);
    await queueWelcomes([{ id, phone }], 'late');
    // The person withdraws (through the API, as an agent would record a STOP by phone) before the outbox runs.
    const res = await t.call(tenant.key, { method: 'POST', url: `/api/v1/contacts/${id}/consent`, payload: { topic: 'offers', action: 'withdraw', source: 'agent', evidence: { note: 'asked by phone to stop' } } });
    expect(res.statusCode, res.body).toBeLessThan(300);
    while ((await sendQueuedAutomated(deps())) > 0);
    expect(sim.sent(phone)).toHaveLength(0);
    expect(await outboxOf(id)).toEqual([expect.objectContaining({ status: 'skipped', last_error: 'the person withdrew consent after this was queued' })]);
  });

  it("books the number's shared schedule: never above its rate, and after slots a broadcast already holds", async () => {
    const people = await Promise.all(Array.from({ length: 30 }, async (_, i) => ({ phone: `+1415555${String(1000 + i)}`, id: '' })).map(async (p) => ({ ...(await p), id: await subscriber((await p).phone) })));
    await queueWelcomes(people, 'wave');
    // A broadcast's claim holds the next second of this number's schedule.
    const held = await bookSlots(t.db, { numberId, workspaceId: tenant.workspaceId, count: 20, ratePerSecond: 20 });
    expect(held).not.toBeNull();
    const heldUntil = Date.now() + (held!.startMs + 20 * held!.spacingMs - held!.dbNowMs);
    while ((await sendQueuedAutomated(deps(), 50)) > 0);
    const times = people.flatMap((p) => sim.sent(p.phone).map((m) => m.acceptedAt)).sort((a, b) => a - b);
    expect(times).toHaveLength(30);
    expect(times[0]).toBeGreaterThanOrEqual(heldUntil - 50);
    for (let i = 0; i < times.length; i++) expect(times.filter((x) => x >= times[i]! && x < times[i]! + 1000).length).toBeLessThanOrEqual(21);
  });

  it('logs the message before the request leaves, and never re-posts one whose worker died mid-request', async () => {
    const phone = '+14155550950';
    const id = await subscriber(phone);
    await queueWelcomes([{ id, phone }], 'crash');
    // A worker that dies while its request is out: the request never returns.
    let posted = 0;
    const dying: WhatsAppGateway = { ...t.wiring.gateway, sendMessage: () => (posted++, new Promise(() => undefined)) };
    void sendQueuedAutomated(deps(dying), 50, 1_000);
    await expect.poll(() => posted, { timeout: 10_000 }).toBe(1);
    const [row] = await outboxOf(id);
    expect(row).toMatchObject({ status: 'queued' });
    expect(row!.message_id).not.toBeNull();
    const [msg] = await queryRows<{ callback_data: string; wamid: string | null }>(t.db, sql`select callback_data, wamid from messages where id = ${row!.message_id}`);
    expect(msg).toMatchObject({ wamid: null, callback_data: expect.stringMatching(/^msg:/) });
    // Another worker, after the lease: settles it, never sends it again.
    await sendQueuedAutomated(deps(t.wiring.gateway, new Date(Date.now() + 5_000)));
    expect(sim.sent(phone)).toHaveLength(0);
    expect(await outboxOf(id)).toEqual([expect.objectContaining({ status: 'done', last_error: expect.stringContaining('never re-sent') })]);
  });

  it("shares the number's schedule with agents' replies: a broadcast's held second, a welcome wave and replies together stay within the rate", async () => {
    const people = await Promise.all(Array.from({ length: 30 }, async (_, i) => { const phone = `+1415556${String(1000 + i)}`; return { phone, id: await subscriber(phone) }; }));
    // The first 12 wrote in (their 24 h window is open): an agent answers each; the other 18 get a welcome.
    const writers = people.slice(0, 12);
    for (const w of writers) {
      // As their inbound message would have: the window opens and the contact learns its wa_id.
      await touchServiceWindow(t.db, { workspaceId: tenant.workspaceId, numberId, waId: w.phone.slice(1), at: new Date() });
      await t.db.execute(sql`update contacts set wa_id = ${w.phone.slice(1)} where id = ${w.id}`);
    }
    await queueWelcomes(people.slice(12), 'mixed');
    const usedBefore = await messagingLimitUsed(t.db, tenant.workspaceId, new Date());
    const held = await bookSlots(t.db, { numberId, workspaceId: tenant.workspaceId, count: 20, ratePerSecond: 20 });
    const heldUntil = Date.now() + (held!.startMs + 20 * held!.spacingMs - held!.dbNowMs);
    const replies = Promise.all(writers.map((w) => t.call(tenant.key, { method: 'POST', url: `/api/v1/contacts/${w.id}/messages`, payload: { type: 'text', text: 'Thanks, on its way!' } })));
    const wave = (async () => {
      while ((await sendQueuedAutomated(deps(), 50)) > 0);
    })();
    const [answers] = await Promise.all([replies, wave]);
    for (const a of answers) expect(a.statusCode, a.body).toBeLessThan(300);
    const times = people.flatMap((p) => sim.sent(p.phone).map((m) => m.acceptedAt)).sort((a, b) => a - b);
    expect(times).toHaveLength(30);
    expect(times[0]).toBeGreaterThanOrEqual(heldUntil - 50);
    for (let i = 0; i < times.length; i++) expect(times.filter((x) => x >= times[i]! && x < times[i]! + 1000).length).toBeLessThanOrEqual(21);
    // Nothing here counts against the messaging limit: the replies went inside the windows the
    // writers opened, and a keyword opt-in's welcome answers the person's own message.
    expect((await messagingLimitUsed(t.db, tenant.workspaceId, new Date())) - usedBefore).toBe(0);
  });

  it('counts welcomes nobody asked for in a chat (a web-form opt-in) against the messaging limit a broadcast claim leaves room for', async () => {
    const people = await Promise.all(Array.from({ length: 4 }, async (_, i) => { const phone = `+1415557${String(1000 + i)}`; return { phone, id: await subscriber(phone) }; }));
    const usedBefore = await messagingLimitUsed(t.db, tenant.workspaceId, new Date());
    // No inbound message: the welcome opens a business-initiated conversation.
    await enqueueAutomated(
      t.db,
      people.map((p) => ({ workspaceId: tenant.workspaceId, numberId, contactId: p.id, waId: p.phone.slice(1), kind: 'welcome', dedupeKey: `welcome:web:${p.id}`, message: { type: 'text' as const, text: 'Welcome from the web form' }, template: { type: 'template' as const, name: 'hello_world', language: 'en_US' } })),
      new Date(),
    );
    while ((await sendQueuedAutomated(deps(), 50)) > 0);
    expect(people.every((p) => sim.sent(p.phone).length === 1)).toBe(true);
    expect((await messagingLimitUsed(t.db, tenant.workspaceId, new Date())) - usedBefore).toBe(4);
  });

  it('holds welcomes outside a chat window at the messaging limit (TIER_250), as a broadcast holds its recipients, and sends them once the 24 h window rolls', async () => {
    const people = await Promise.all(Array.from({ length: 2 }, async (_, i) => { const phone = `+1415558${String(1000 + i)}`; return { phone, id: await subscriber(phone) }; }));
    const [{ tier }] = (await queryRows<{ tier: string }>(t.db, sql`select messaging_limit_tier as tier from phone_numbers where id = ${numberId}`)) as [{ tier: string }];
    await t.db.execute(sql`update phone_numbers set messaging_limit_tier = 'TIER_250' where id = ${numberId}`);
    // 250 people reached outside a window in the last hour (by earlier sends of any kind).
    const used = await messagingLimitUsed(t.db, tenant.workspaceId, new Date());
    await t.db.execute(sql`insert into messages (workspace_id, number_id, wa_id, direction, type, body, business_initiated, sent_at)
                           select ${tenant.workspaceId}::uuid, ${numberId}::uuid, '1999000' || lpad(i::text, 4, '0'), 'out', 'template', 'earlier', true, now() - interval '1 hour'
                           from generate_series(1, ${Math.max(0, 250 - used)}) i`);
    await enqueueAutomated(
      t.db,
      people.map((p) => ({ workspaceId: tenant.workspaceId, numberId, contactId: p.id, waId: p.phone.slice(1), kind: 'welcome', dedupeKey: `welcome:limit:${p.id}`, message: { type: 'text' as const, text: 'Welcome' }, template: { type: 'template' as const, name: 'hello_world', language: 'en_US' } })),
      new Date(),
    );
    await sendQueuedAutomated(deps(), 50);
    expect(people.map((p) => sim.sent(p.phone).length)).toEqual([0, 0]);
    const waiting = await outboxOf(people[0]!.id);
    expect(waiting).toMatchObject([{ status: 'queued', message_id: null }]);
    expect(waiting[0]!.last_error).toMatch(/^waiting: the messaging limit is reached \(250 of 250 people/);
    // A day later the earlier sends have left the moving window: both go, once each.
    await t.db.execute(sql`update messages set sent_at = sent_at - interval '1 day' where workspace_id = ${tenant.workspaceId} and business_initiated`);
    while ((await sendQueuedAutomated(deps(t.wiring.gateway, new Date(Date.now() + 16 * 60_000)), 50)) > 0);
    expect(people.map((p) => sim.sent(p.phone).length)).toEqual([1, 1]);
    // Done, and no stale "waiting" reason left on it.
    expect(await outboxOf(people[0]!.id)).toMatchObject([{ status: 'done', last_error: null }]);
    await t.db.execute(sql`update phone_numbers set messaging_limit_tier = ${tier} where id = ${numberId}`);
  });
});
