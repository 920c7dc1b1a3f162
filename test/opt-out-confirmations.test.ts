// The one message a STOP earns: it must not be lost to a race with webhook processing (issue 12,
// item 2) and must be in the person's language (item 3). No background processing here: each test
// runs the outbox and the webhook processor itself, in the order it needs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { parseWebhook } from '../src/adapters/whatsapp/webhook-parse.js';
import { silentLogger } from '../src/lib/logger.js';
import { processPendingWebhooks } from '../src/modules/inbound/index.js';
import { enqueueAutomated, sendQueuedAutomated } from '../src/modules/messaging/index.js';
import type { Simulator } from '../src/simulator/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { connectSimNumber, createTopics, subscriber as subscribe } from './helpers/factories.js';

let t: TestApp;
let sim: Simulator;
let tenant: Awaited<ReturnType<TestApp['tenant']>>;
let numberId: string;
const NUMBER = { phoneNumberId: '7065403577', wabaId: '7022901277', accessToken: 'sim-token-confirm-01' };
const SECRET = 'confirm-app-secret';
const log = silentLogger();
const EVIDENCE = { text: 'Yes to offers on WhatsApp. Reply STOP to end.', ip: '198.51.100.7', user_agent: 'test' };

beforeAll(async () => {
  t = await createTestApp();
  const appUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  tenant = await t.tenant('confirm');
  ({ sim, numberId } = await connectSimNumber(t, tenant.key, { seed: 'confirm', number: NUMBER, displayNumber: '+1 555 078 7077', appSecret: SECRET, verifyToken: 'confirm-verify', webhookUrl: `${appUrl}/webhooks/whatsapp` }));
  await createTopics(t, tenant.key, [{ key: 'offers', name: 'Offers', category: 'marketing' }]);
});
afterAll(async () => {
  await sim.close();
  await t.close();
});

const subscriber = (phone: string, language?: string) => subscribe(t, tenant.key, phone, { topics: ['offers'], evidence: EVIDENCE, ...(language ? { language } : {}) });

const runOutbox = async () => {
  while ((await sendQueuedAutomated({ db: t.db, box: t.wiring.box, gateway: t.wiring.gateway, log, now: new Date() })) > 0);
};
const processWebhooks = async () => {
  while ((await processPendingWebhooks({ db: t.db, parse: parseWebhook, log, now: new Date() })) > 0);
};
const textsTo = (phone: string) => sim.sent(phone).map((m) => (m.request as { text?: { body: string } }).text?.body ?? m.type);
const outboxOf = (contactId: string) => queryRows<{ kind: string; status: string; last_error: string | null }>(t.db, sql`select kind, status, last_error from outbox where contact_id = ${contactId}`);

describe('a reply caused by an inbound message is sent inside the window that message opened', () => {
  it('sends the STOP confirmation when the outbox runs before the webhook is processed', async () => {
    const id = await subscriber('+14155550701');
    sim.inbound({ from: '+14155550701', text: 'STOP' });
    await sim.webhooksIdle();
    // The race, made certain: the opt-out and its confirmation are committed at intake, and the
    // outbox sender gets there before webhook processing.
    const [pending] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from webhook_events where status = 'pending'`);
    expect(pending!.n).toBeGreaterThan(0);
    await runOutbox();
    expect(await outboxOf(id)).toEqual([{ kind: 'stop_all_confirmation', status: 'done', last_error: null }]);
    expect(textsTo('+14155550701')).toEqual([expect.stringContaining("You're unsubscribed")]);
    // The window was recorded with the opt-out, not only later by processing.
    const [win] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from service_windows where number_id = ${numberId} and wa_id = '14155550701'`);
    expect(win!.n).toBe(1);
    await processWebhooks();
    await runOutbox();
    expect(textsTo('+14155550701')).toHaveLength(1);
  });

  it('any automated reply queued with the message that caused it (a welcome) counts that message as opening the window', async () => {
    const id = await subscriber('+14155550702');
    const { wamid } = sim.inbound({ from: '+14155550702', text: 'Hello there' });
    await sim.webhooksIdle();
    const at = new Date(Date.now() - 5_000);
    await t.db.transaction((tx) =>
      enqueueAutomated(tx, [{ workspaceId: tenant.workspaceId, numberId, contactId: id, waId: '14155550702', kind: 'welcome', dedupeKey: `welcome:${wamid}`, inboundAt: at, message: { type: 'text', text: 'Welcome!' } }], new Date()),
    );
    await runOutbox();
    expect(await outboxOf(id)).toEqual([{ kind: 'welcome', status: 'done', last_error: null }]);
    expect(textsTo('+14155550702')).toEqual(['Welcome!']);
  });

  it('still skips a free-form reply with no template when nothing opened the window', async () => {
    const id = await subscriber('+14155550703');
    await enqueueAutomated(t.db, [{ workspaceId: tenant.workspaceId, numberId, contactId: id, waId: '14155550703', kind: 'welcome', dedupeKey: 'welcome:no-window', message: { type: 'text', text: 'Welcome!' } }], new Date());
    await runOutbox();
    expect(await outboxOf(id)).toEqual([{ kind: 'welcome', status: 'skipped', last_error: 'the 24-hour window is closed and no template is configured' }]);
    expect(textsTo('+14155550703')).toEqual([]);
  });
});

describe('the STOP confirmation speaks the language of the person', () => {
  it.each([
    ['a Brazilian number writing PARAR (Spanish and Portuguese) → Portuguese, by country', '+5511944445570', undefined, 'PARAR', 'Você cancelou a inscrição'],
    ['a Mexican number writing PARAR → Spanish, by country', '+525512347078', undefined, 'PARAR', 'Te has dado de baja'],
    ['a Spanish number whose contact language is pt, writing CANCELAR → Portuguese, by the contact language', '+34612345670', 'pt', 'CANCELAR', 'Você cancelou a inscrição'],
    ['a US number writing PARAR → Spanish, the first list holding the word', '+14155550704', undefined, 'PARAR', 'Te has dado de baja'],
    ['a Brazilian contact writing STOP (English only) → English', '+5511944445571', 'pt-BR', 'STOP', "You're unsubscribed"],
  ])('%s', async (_what, phone, language, word, expected) => {
    const id = await subscriber(phone, language);
    sim.inbound({ from: phone, text: word });
    await sim.webhooksIdle();
    await processWebhooks();
    await runOutbox();
    const [row] = await queryRows<{ status: string }>(t.db, sql`select status from consent_state where contact_id = ${id}`);
    expect(row!.status).toBe('withdrawn');
    expect(textsTo(phone)).toEqual([expect.stringContaining(expected)]);
  });
});
