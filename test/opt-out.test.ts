import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { parseWebhook } from '../src/adapters/whatsapp/webhook-parse.js';
import { silentLogger } from '../src/lib/logger.js';
import { processPendingWebhooks, replayWebhooks } from '../src/modules/inbound/index.js';
import { sendQueuedAutomated } from '../src/modules/messaging/index.js';
import type { Simulator } from '../src/simulator/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { connectSimNumber, createTopics, subscriber as subscribe } from './helpers/factories.js';
import { messagesEnvelope, metaJson, sign, statusValue } from './helpers/webhooks.js';

// STOP and friends end to end: the simulator posts signed webhooks to the real intake; the
// withdrawal must be committed by the time the webhook is acknowledged, before any processing.
let t: TestApp;
let sim: Simulator;
let tenant: Awaited<ReturnType<TestApp['tenant']>>;
const NUMBER = { phoneNumberId: '7065403522', wabaId: '7022901293', accessToken: 'sim-token-optout-01' };
const SECRET = 'optout-app-secret';
const log = silentLogger();
const EVIDENCE = { text: 'Yes to Acme offers and order updates on WhatsApp. Reply STOP to end.', ip: '198.51.100.7', user_agent: 'test' };

beforeAll(async () => {
  t = await createTestApp();
  const appUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  tenant = await t.tenant('optout');
  ({ sim } = await connectSimNumber(t, tenant.key, { seed: 'optout', number: NUMBER, displayNumber: '+1 555 078 7000', appSecret: SECRET, verifyToken: 'optout-verify', webhookUrl: `${appUrl}/webhooks/whatsapp` }));
  await createTopics(t, tenant.key, [
    { key: 'offers', name: 'Offers', category: 'marketing' },
    { key: 'news', name: 'News', category: 'marketing' },
    { key: 'orders', name: 'Order updates', category: 'utility' },
  ]);
});
afterAll(async () => {
  await sim.close();
  await t.close();
});

/** A contact subscribed to every topic through the API. */
const subscriber = (phone: string) => subscribe(t, tenant.key, phone, { topics: ['offers', 'news', 'orders'], evidence: EVIDENCE });

async function states(contactId: string): Promise<Record<string, string>> {
  const v = (await t.call(tenant.key, { method: 'GET', url: `/api/v1/contacts/${contactId}/consent` })).json() as { state: { topic: string; status: string }[]; suppressed: boolean };
  return { ...Object.fromEntries(v.state.map((s) => [s.topic, s.status])), suppressed: String(v.suppressed) };
}

async function processAll(): Promise<void> {
  await sim.webhooksIdle();
  while ((await processPendingWebhooks({ db: t.db, parse: parseWebhook, log, now: new Date() })) > 0);
  while ((await sendQueuedAutomated({ db: t.db, box: t.wiring.box, gateway: t.wiring.gateway, log, now: new Date() })) > 0);
}

const sentTexts = (to: string) => sim.sent(to).map((m) => (m.request as { text?: { body: string } }).text?.body ?? m.type);

async function postSigned(value: Record<string, unknown>): Promise<number> {
  const body = metaJson(messagesEnvelope({ phoneNumberId: NUMBER.phoneNumberId, wabaId: NUMBER.wabaId }, value));
  const res = await t.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, SECRET) }, payload: body });
  return res.statusCode;
}

describe('STOP over WhatsApp', () => {
  it('commits the withdrawal with the webhook itself, before processing, then confirms once', async () => {
    const id = await subscriber('+14155550301');
    const { wamid } = sim.inbound({ from: '+14155550301', text: ' Stop. ' });
    await sim.webhooksIdle();
    // Acknowledged but not processed yet: the opt-out is already durable.
    const [pending] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from webhook_events where status = 'pending'`);
    expect(pending!.n).toBeGreaterThan(0);
    expect(await states(id)).toEqual({ offers: 'withdrawn', news: 'withdrawn', orders: 'withdrawn', suppressed: 'true' });

    await processAll();
    expect(sentTexts('+14155550301')).toEqual(["You're unsubscribed from optout and will get no more messages from us. Reply START to subscribe again."]);
    const events = await queryRows<{ source: string; topic_id: string | null; evidence: { wamid: string } }>(t.db, sql`select source, topic_id, evidence from consent_events where contact_id = ${id} and action = 'withdraw'`);
    expect(events).toEqual([expect.objectContaining({ source: 'stop_keyword', topic_id: null, evidence: expect.objectContaining({ wamid, text: ' Stop. ', keyword: 'stop' }) })]);

    // Meta redelivers, and an operator replays every stored body: nothing new.
    const ids = (await queryRows<{ id: number }>(t.db, sql`select id from webhook_events`)).map((r) => r.id);
    await replayWebhooks(t.db, ids);
    await processAll();
    expect(await queryRows(t.db, sql`select 1 from consent_events where contact_id = ${id} and action = 'withdraw'`)).toHaveLength(1);
    expect(sentTexts('+14155550301')).toHaveLength(1);
  });

  it.each([
    ['+14155550311', 'ＳＴＯＰ', "You're unsubscribed"],
    ['+14155550312', 'BAJA', 'Te has dado de baja'],
    ['+14155550313', 'Arrêt !', 'Vous êtes désinscrit'],
    ['+14155550314', 'UNSUBSCRIBE', "You're unsubscribed"],
    ['+14155550315', 'İPTAL', 'aboneliğinden çıktınız'],
  ])('%s sending %j withdraws everything and is answered in its language', async (phone, text, reply) => {
    const id = await subscriber(phone);
    sim.inbound({ from: phone, text });
    await processAll();
    expect(await states(id)).toMatchObject({ offers: 'withdrawn', orders: 'withdrawn', suppressed: 'true' });
    expect(sentTexts(phone)[0]).toContain(reply);
  });

  it('"STOP offers" withdraws only that topic and suppresses nothing', async () => {
    const id = await subscriber('+14155550320');
    sim.inbound({ from: '+14155550320', text: 'stop OFFERS' });
    await processAll();
    expect(await states(id)).toEqual({ offers: 'withdrawn', news: 'granted', orders: 'granted', suppressed: 'false' });
    expect(sentTexts('+14155550320')[0]).toContain("You won't get Offers");
  });

  it('START re-subscribes only as a new grant the person made, and lifts the suppression', async () => {
    const id = await subscriber('+14155550321');
    sim.inbound({ from: '+14155550321', text: 'STOP' });
    await processAll();
    // An API call cannot bring them back...
    const refused = await t.call(tenant.key, { method: 'POST', url: `/api/v1/contacts/${id}/consent`, payload: { topic: 'offers', action: 'grant', source: 'api', evidence: EVIDENCE } });
    expect(refused.statusCode).toBe(409);
    // ...but they can.
    const { wamid } = sim.inbound({ from: '+14155550321', text: 'start' });
    await processAll();
    expect(await states(id)).toEqual({ offers: 'granted', news: 'granted', orders: 'granted', suppressed: 'false' });
    const grants = await queryRows<{ source: string; evidence: { wamid: string } }>(t.db, sql`select source, evidence from consent_events where contact_id = ${id} and action = 'grant' and source <> 'api'`);
    expect(grants).toHaveLength(3);
    for (const g of grants) expect(g).toMatchObject({ source: 'inbound_message', evidence: { wamid } });
    expect(sentTexts('+14155550321')[1]).toContain('subscribed to optout again');
  });

  it('the "Stop promotions" button and user_preferences withdraw marketing only', async () => {
    const a = await subscriber('+14155550330');
    sim.inbound({ from: '+14155550330', type: 'button', button_payload: 'Stop promotions', button_text: 'Stop promotions' });
    const b = await subscriber('+14155550331');
    sim.userPreference('14155550331', 'stop', NUMBER.phoneNumberId);
    await processAll();
    expect(await states(a)).toEqual({ offers: 'withdrawn', news: 'withdrawn', orders: 'granted', suppressed: 'false' });
    expect(await states(b)).toEqual({ offers: 'withdrawn', news: 'withdrawn', orders: 'granted', suppressed: 'false' });
    expect(sentTexts('+14155550330')).toHaveLength(1);
    expect(sentTexts('+14155550331')).toHaveLength(0);
  });

  it('a failed status with 131050 withdraws marketing consent at intake', async () => {
    const id = await subscriber('+14155550340');
    const ts = Math.floor(Date.now() / 1000);
    expect(await postSigned(statusValue('wamid.failed-131050', 'failed', ts, { recipient_id: '14155550340', errors: [{ code: 131050, title: 'stopped marketing' }] }))).toBe(200);
    expect(await states(id)).toEqual({ offers: 'withdrawn', news: 'withdrawn', orders: 'granted', suppressed: 'false' });
  });

  it('keeps "please stop texting me" for review instead of guessing', async () => {
    const id = await subscriber('+14155550350');
    sim.inbound({ from: '+14155550350', text: 'please stop texting me' });
    sim.inbound({ from: '+14155550350', text: 'stop the van at the back door' });
    await processAll();
    expect(await states(id)).toMatchObject({ offers: 'granted', orders: 'granted', suppressed: 'false' });
    const notes = await queryRows<{ kind: string; text: string }>(t.db, sql`select kind, text from opt_out_notes where contact_id = ${id} order by id`);
    expect(notes.map((n) => n.text)).toEqual(['please stop texting me', 'stop the van at the back door']);
  });

  it('a STOP arriving amid a burst of other webhooks is committed by its own ack', async () => {
    const id = await subscriber('+14155550360');
    const ts = Math.floor(Date.now() / 1000);
    const burst = Array.from({ length: 150 }, (_, i) => postSigned(statusValue(`wamid.burst-${i}`, 'delivered', ts)));
    const stop = postSigned({ contacts: [{ profile: { name: 'S' }, wa_id: '14155550360' }], messages: [{ from: '14155550360', id: 'wamid.stop-burst', timestamp: String(ts), type: 'text', text: { body: 'STOP' } }] });
    const [stopStatus] = await Promise.all([stop, ...burst]);
    expect(stopStatus).toBe(200);
    expect(await states(id)).toMatchObject({ offers: 'withdrawn', orders: 'withdrawn', suppressed: 'true' });
  });

  it('a reviewer can read a kept message as an opt-out', async () => {
    const id = await subscriber('+14155550370');
    sim.inbound({ from: '+14155550370', text: 'stop sending me this' });
    await processAll();
    const notes = (await t.call(tenant.key, { method: 'GET', url: '/api/v1/opt-out/notes?kind=review&open=true' })).json().data as { id: number; contact_id: string }[];
    const note = notes.find((n) => n.contact_id === id)!;
    const res = await t.call(tenant.key, { method: 'POST', url: `/api/v1/opt-out/notes/${note.id}/resolve`, payload: { action: 'opt_out' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().reviewed_at).toBeTruthy();
    expect(await states(id)).toEqual({ offers: 'withdrawn', news: 'withdrawn', orders: 'withdrawn', suppressed: 'true' });
    expect((await t.call(tenant.key, { method: 'POST', url: `/api/v1/opt-out/notes/${note.id}/resolve`, payload: { action: 'dismiss' } })).statusCode).toBe(409);
  });

  it('uses the workspace keyword settings: added words opt out, disabled built-ins do not', async () => {
    const patch = await t.call(tenant.key, { method: 'PATCH', url: '/api/v1/workspace', payload: { settings: { opt_out: { stop_keywords: ['Tschüss'], disabled_stop_keywords: ['end'], ask_reason: true } } } });
    expect(patch.statusCode).toBe(200);
    const bad = await t.call(tenant.key, { method: 'PATCH', url: '/api/v1/workspace', payload: { settings: { opt_out: { stop_words: ['x'] } } } });
    expect(bad.statusCode).toBe(422);
    const kw = (await t.call(tenant.key, { method: 'GET', url: '/api/v1/opt-out/keywords' })).json();
    expect(kw.stop).toContain('tschuss');
    expect(kw.stop).not.toContain('end');
    expect(kw.stop).toContain('stop');
    const a = await subscriber('+14155550380');
    const b = await subscriber('+14155550381');
    sim.inbound({ from: '+14155550380', text: 'TSCHÜSS!' });
    sim.inbound({ from: '+14155550381', text: 'End' });
    await processAll();
    expect(await states(a)).toMatchObject({ offers: 'withdrawn', suppressed: 'true' });
    expect(await states(b)).toMatchObject({ offers: 'granted', suppressed: 'false' });
    expect(sentTexts('+14155550380')[0]).toContain('why you are leaving');
    // The answer to "why are you leaving?" is kept.
    sim.inbound({ from: '+14155550380', text: 'Too many messages' });
    await processAll();
    const reasons = (await t.call(tenant.key, { method: 'GET', url: '/api/v1/opt-out/notes?kind=reason' })).json().data as { contact_id: string; text: string }[];
    expect(reasons.filter((r) => r.contact_id === a).map((r) => r.text)).toEqual(['Too many messages']);
    await t.call(tenant.key, { method: 'PATCH', url: '/api/v1/workspace', payload: { settings: { opt_out: null } } });
  });
});
