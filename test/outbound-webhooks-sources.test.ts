// Outbound webhook events from broadcasts and automations (issue 18): a broadcast sent through the
// real engine writes broadcast.started when it starts and broadcast.completed (with its funnel) when
// it completes; an automation run that completes writes automation.run.completed with the person;
// a conversation the inbox's round-robin hands to an agent writes conversation.assigned once; an
// automation's webhook step writes automation.webhook (signed and retried like every event).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { runDueAutomations } from '../src/modules/automations/index.js';
import { syncConversations } from '../src/modules/conversations/index.js';
import { silentLogger } from '../src/lib/logger.js';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';

let h: BroadcastHarness;
beforeAll(async () => {
  h = await createBroadcastHarness({ seed: 'hooks-sources', tier: 'TIER_UNLIMITED', settings: { broadcasts: { quiet_hours: null, frequency_cap: null } } });
  // Stored only (a public https URL); these tests read the outbox, nothing is delivered.
  const endpoint = await h.api('POST', '/api/v1/webhook-endpoints', { url: 'https://crm.example.com/greenlist', events: ['broadcast.started', 'broadcast.completed', 'automation.run.completed', 'automation.webhook', 'conversation.assigned'] });
  expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
});
afterAll(async () => {
  await h?.close();
});

const events = async (type: string) => queryRows<{ data: Record<string, unknown> }>(h.t.db, sql`select payload as data from hook_events where workspace_id = ${h.tenant.workspaceId} and type = ${type} order by created_at`);

describe('broadcast and automation events', () => {
  it('broadcast.started and broadcast.completed, once each, with the funnel', async () => {
    await h.seedContacts(3, { tag: 'hooks-b' });
    const created = await h.api('POST', '/api/v1/broadcasts', {
      name: 'Winter sale',
      audience: { rules: { field: 'tags', op: 'contains', value: 'hooks-b' }, topic: 'offers' },
      template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'https://shop.example' } } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect((await h.api('POST', `/api/v1/broadcasts/${id}/start`)).status).toBe(200);
    const d = h.dispatcher();
    await h.waitFor(async () => (await h.api('GET', `/api/v1/broadcasts/${id}`)).body.status === 'completed', 30_000, 'completion');
    await d.stop();
    const started = await events('broadcast.started');
    expect(started.map((e) => e.data)).toEqual([expect.objectContaining({ broadcast_id: id, name: 'Winter sale', template_name: 'weekly_offers', planned: 3 })]);
    const completed = await events('broadcast.completed');
    expect(completed).toHaveLength(1);
    expect(completed[0]!.data).toMatchObject({ broadcast_id: id, counts: expect.objectContaining({ planned: 3, sent: 3 }) });
  });

  it('automation.run.completed with the person, once per run', async () => {
    const [ann] = await h.seedContacts(1, { tag: 'hooks-a', from: 50 });
    const created = await h.api('POST', '/api/v1/automations', { name: 'Say hi', definition: { trigger: { type: 'api' }, topic: 'offers', steps: [{ id: 'tag', type: 'tag', add: ['greeted'] }] } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await h.api('POST', `/api/v1/automations/${created.body.id}/publish`)).status).toBe(200);
    expect((await h.api('POST', `/api/v1/automations/${created.body.id}/enrollments`, { contact_ids: [ann!.id] })).status).toBeLessThan(300);
    while ((await runDueAutomations({ db: h.t.db, now: new Date(), log: silentLogger() })) > 0) {
      /* until nothing is due */
    }
    const done = await events('automation.run.completed');
    expect(done.map((e) => e.data)).toEqual([expect.objectContaining({ automation_id: created.body.id, automation_name: 'Say hi', contact_id: ann!.id, phone: ann!.phone })]);
  });

  it('conversation.assigned when the round-robin hands a new conversation to an agent, once', async () => {
    const agent = await h.api('POST', '/api/v1/users', { email: 'rr@hooks.example', role: 'agent', password: 'correct horse battery' });
    expect(agent.status, JSON.stringify(agent.body)).toBe(201);
    expect((await h.api('PATCH', '/api/v1/conversations/routing', { round_robin: true })).status).toBe(200);
    expect((await h.api('PUT', `/api/v1/conversations/routing/agents/${agent.body.id}`, { available: true })).status).toBe(200);
    const [cat] = await h.seedContacts(1, { tag: 'hooks-rr', from: 80 });
    h.sim.inbound({ from: cat!.phone.slice(1), text: 'hello?' });
    await h.sim.webhooksIdle();
    await h.waitFor(async () => (await syncConversations({ db: h.t.db, log: silentLogger() }), (await events('conversation.assigned')).length > 0), 10_000, 'the assignment event');
    await syncConversations({ db: h.t.db, log: silentLogger() });
    const assigned = await events('conversation.assigned');
    expect(assigned.map((e) => e.data)).toEqual([expect.objectContaining({ contact_id: cat!.id, assignee_id: agent.body.id, phone: cat!.phone })]);
  });

  it("an automation's webhook step writes automation.webhook with the person and the step's values; a bad name is a 422", async () => {
    const [dan] = await h.seedContacts(1, { tag: 'hooks-w', from: 90 });
    const bad = await h.api('POST', '/api/v1/automations', { name: 'Bad', definition: { trigger: { type: 'api' }, topic: 'offers', steps: [{ id: 'call', type: 'webhook', name: 'has spaces' }] } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toMatch(/steps\.0\.name/);
    const created = await h.api('POST', '/api/v1/automations', {
      name: 'Qualify',
      definition: { trigger: { type: 'api' }, topic: 'offers', steps: [{ id: 'call', type: 'webhook', name: 'lead.qualified', data: { stage: 'qualified', score: 7 } }] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await h.api('POST', `/api/v1/automations/${created.body.id}/publish`)).status).toBe(200);
    expect((await h.api('POST', `/api/v1/automations/${created.body.id}/enrollments`, { contact_ids: [dan!.id] })).status).toBeLessThan(300);
    while ((await runDueAutomations({ db: h.t.db, now: new Date(), log: silentLogger() })) > 0) {
      /* until nothing is due */
    }
    const calls = await events('automation.webhook');
    expect(calls.map((e) => e.data)).toEqual([expect.objectContaining({ event: 'lead.qualified', values: { stage: 'qualified', score: 7 }, step_id: 'call', automation_id: created.body.id, contact_id: dan!.id, phone: dan!.phone })]);
    const [log] = await queryRows<{ outcome: string }>(h.t.db, sql`select s.outcome from automation_step_runs s join automation_runs r on r.id = s.run_id where r.automation_id = ${created.body.id} and s.step_id = 'call'`);
    expect(log?.outcome).toBe('sent');
  });
});
