import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { phoneHasher } from '../src/modules/consent/index.js';
import type { Simulator } from '../src/simulator/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { connectSimNumber, createTopics, settleSim } from './helpers/factories.js';

// Users who adopted a WhatsApp username may share only a business-scoped user id (BSUID): the
// webhook has `from_user_id` and no `from`, and replies go out with `recipient` instead of `to`.
// The whole loop on loopback: simulator → signed webhook → intake → processing → API → adapter → simulator.
let t: TestApp;
let sim: Simulator;
let tenant: Awaited<ReturnType<TestApp['tenant']>>;
const NUMBER = { phoneNumberId: '8065403522', wabaId: '8022901293', accessToken: 'sim-token-bsuid-01' };
const SECRET = 'bsuid-app-secret';
const ANN = 'US.13491208655302741918';
const EVIDENCE = { text: 'Yes to Acme offers on WhatsApp. Reply STOP to end.', ip: '198.51.100.7', user_agent: 'test' };

beforeAll(async () => {
  t = await createTestApp();
  const appUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  tenant = await t.tenant('bsuid');
  ({ sim } = await connectSimNumber(t, tenant.key, { seed: 'bsuid', number: NUMBER, displayNumber: '+1 555 078 8000', appSecret: SECRET, verifyToken: 'bsuid-verify', webhookUrl: `${appUrl}/webhooks/whatsapp` }));
  await createTopics(t, tenant.key, [{ key: 'offers', name: 'Offers', category: 'marketing' }]);
});
afterAll(async () => {
  await sim.close();
  await t.close();
});

const settle = () => settleSim(t, sim, { outbox: true });

const contactsOf = (userId: string) =>
  queryRows<{ id: string; phone: string | null; wa_id: string | null; user_id: string | null; country: string | null; profile_name: string | null }>(
    t.db,
    sql`select id, phone, wa_id, user_id, country, profile_name from contacts where workspace_id = ${tenant.workspaceId} and user_id = ${userId}`,
  );

describe('a WhatsApp user known only by a business-scoped user id', () => {
  let annId: string;

  it('writes in: one contact keyed by the BSUID, with no phone, and the message in its inbox', async () => {
    sim.inbound({ user_id: ANN, username: '@ann.k', name: 'Ann K', text: 'Hi, is the blue one back in stock?' });
    await settle();
    sim.inbound({ user_id: ANN, text: 'Size M please' });
    await settle();
    const rows = await contactsOf(ANN);
    expect(rows).toEqual([{ id: expect.any(String), phone: null, wa_id: null, user_id: ANN, country: 'US', profile_name: 'Ann K' }]);
    annId = rows[0]!.id;
    const api = (await t.call(tenant.key, { method: 'GET', url: `/api/v1/contacts/${annId}` })).json();
    expect(api).toMatchObject({ id: annId, phone: null, user_id: ANN });
    const inbox = (await t.call(tenant.key, { method: 'GET', url: `/api/v1/contacts/${annId}/messages` })).json().data as { direction: string; text: string }[];
    // Both in the same second (WhatsApp timestamps are whole seconds), so their order is not asserted.
    expect(inbox.map((m) => [m.direction, m.text]).sort()).toEqual([
      ['in', 'Hi, is the blue one back in stock?'],
      ['in', 'Size M please'],
    ]);
  });

  it('gets a reply from the inbox, sent with recipient = BSUID and tracked to read', async () => {
    const res = await t.call(tenant.key, { method: 'POST', url: `/api/v1/contacts/${annId}/messages`, payload: { type: 'text', text: 'Yes! Size M is back.' } });
    expect(res.statusCode).toBeLessThan(300);
    const sent = sim.sent(ANN);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.request).toMatchObject({ recipient: ANN, type: 'text', text: { body: 'Yes! Size M is back.' } });
    expect(sent[0]!.request).not.toHaveProperty('to');
    await settle();
    const inbox = (await t.call(tenant.key, { method: 'GET', url: `/api/v1/contacts/${annId}/messages` })).json().data as { direction: string; status: string }[];
    expect(inbox[0]).toMatchObject({ direction: 'out', status: 'read' });
  });

  it('STOP withdraws consent and suppresses a hash of the BSUID, and the confirmation reaches the BSUID', async () => {
    const grant = await t.call(tenant.key, { method: 'POST', url: `/api/v1/contacts/${annId}/consent`, payload: { topic: 'offers', action: 'grant', source: 'api', evidence: EVIDENCE } });
    expect(grant.statusCode).toBe(201);
    sim.inbound({ user_id: ANN, text: 'STOP' });
    await settle();
    const view = (await t.call(tenant.key, { method: 'GET', url: `/api/v1/contacts/${annId}/consent` })).json() as { state: { topic: string; status: string }[]; suppressed: boolean };
    expect(view.state.find((s) => s.topic === 'offers')?.status).toBe('withdrawn');
    expect(view.suppressed).toBe(true);
    const hash = (await phoneHasher(t.db, tenant.workspaceId))(ANN);
    expect(await queryRows(t.db, sql`select reason from suppressions where workspace_id = ${tenant.workspaceId} and phone_hash = ${hash}`)).toHaveLength(1);
    const confirmations = sim.sent(ANN).filter((m) => m.type === 'text' && m.request.recipient === ANN);
    expect(confirmations.length).toBe(2);
    expect(await contactsOf(ANN)).toHaveLength(1);
  });

  it('a user who shares a phone and a BSUID stays one contact when later seen by the BSUID alone', async () => {
    const BOB = 'BR.1502576394655843';
    sim.inbound({ from: '+14155550177', user_id: BOB, text: 'Oi' });
    await settle();
    const [bob] = await queryRows<{ id: string; phone: string; user_id: string }>(t.db, sql`select id, phone, user_id from contacts where workspace_id = ${tenant.workspaceId} and wa_id = '14155550177'`);
    expect(bob).toMatchObject({ phone: '+14155550177', user_id: BOB });
    sim.inbound({ user_id: BOB, text: 'Agora sem número' });
    await settle();
    expect((await contactsOf(BOB)).map((c) => c.id)).toEqual([bob!.id]);
  });
});
