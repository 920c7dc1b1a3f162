import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock, createSimulator, QUIET_KNOBS, type ManualClock, type Simulator } from '../../src/simulator/index.js';
import { AUTH, eventually, graphError, sendMessage, startReceiver, template, WABA_ID } from './helpers.js';

let sim: Simulator | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
afterEach(async () => {
  await sim?.close();
  await receiver?.close();
  sim = undefined;
  receiver = undefined;
});

const create = (s: Simulator, body: Record<string, unknown>) => s.app.inject({ method: 'POST', url: `/v23.0/${WABA_ID}/message_templates`, headers: AUTH, payload: body });
const list = (s: Simulator, qs = '') => s.app.inject({ method: 'GET', url: `/v23.0/${WABA_ID}/message_templates${qs}`, headers: AUTH });

const ORDER_UPDATE = {
  name: 'order_update',
  language: 'en_US',
  category: 'UTILITY',
  components: [
    { type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped.', example: { body_text: [['Ana', 'A-17']] } },
    { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop updates' }] },
  ],
};

describe('template lifecycle', () => {
  it('creates PENDING, approves after the review delay with a signed webhook, then sends', async () => {
    receiver = await startReceiver();
    sim = createSimulator({ timeScale: 0.001, webhookUrl: receiver.url, knobs: { ...QUIET_KNOBS, templateReview: { delayMs: 30_000 } } });
    const res = await create(sim, ORDER_UPDATE);
    expect(res.statusCode).toBe(200);
    const created = res.json();
    expect(created).toEqual({ id: expect.stringMatching(/^\d+$/), status: 'PENDING', category: 'UTILITY' });
    expect(graphError(await sendMessage(sim, template('16505551234', 'order_update'))).code).toBe(132001);
    await eventually(() => expect(receiver!.posts()).toHaveLength(1));
    const change = receiver.bodies()[0]!.entry[0]!.changes[0]!;
    expect(change.field).toBe('message_template_status_update');
    expect(change.value).toMatchObject({ event: 'APPROVED', reason: 'NONE', message_template_id: Number(created.id), message_template_name: 'order_update', message_template_language: 'en_US', message_template_category: 'UTILITY' });
    const listed = (await list(sim, '?name=order_update')).json().data;
    expect(listed).toEqual([expect.objectContaining({ id: created.id, status: 'APPROVED' })]);
    const body = { type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: 'A-17' }] };
    const sent = await sendMessage(sim, template('16505551234', 'order_update', { components: [body] }));
    expect(sent.json().messages[0].message_status).toBe('accepted');
  });

  it('rejects badly formatted templates (variable at the start) with a REJECTED webhook', async () => {
    const clock = createManualClock();
    sim = createSimulator({ clock, knobs: QUIET_KNOBS });
    const res = await create(sim, { name: 'bad_one', language: 'en', category: 'MARKETING', components: [{ type: 'BODY', text: '{{1}} is on sale', example: { body_text: [['X']] } }] });
    await clock.advance(10_000);
    const t = (await list(sim, '?name=bad_one')).json().data[0];
    expect(t).toMatchObject({ id: res.json().id, status: 'REJECTED' });
    const hook = sim.webhookLog().find((d) => d.events.includes('message_template_status_update:REJECTED'))!;
    expect(JSON.parse(hook.body).entry[0].changes[0].value).toMatchObject({ event: 'REJECTED', reason: 'INVALID_FORMAT', rejection_info: { reason: 'INVALID_FORMAT' } });
  });

  it('validates creation requests and refuses duplicates', async () => {
    sim = createSimulator({ clock: createManualClock(), knobs: QUIET_KNOBS });
    expect(graphError(await create(sim, { ...ORDER_UPDATE, name: 'Bad Name' })).code).toBe(100);
    expect(graphError(await create(sim, { ...ORDER_UPDATE, category: 'SPAM' })).code).toBe(100);
    expect(graphError(await create(sim, { ...ORDER_UPDATE, components: [{ type: 'HEADER', format: 'TEXT', text: 'x' }] })).code).toBe(100);
    expect((await create(sim, ORDER_UPDATE)).statusCode).toBe(200);
    expect(graphError(await create(sim, ORDER_UPDATE))).toMatchObject({ code: 100, error_subcode: 2388024 });
    expect((await create(sim, { ...ORDER_UPDATE, language: 'pt_BR' })).statusCode).toBe(200);
  });

  it('pages the list with cursors and deletes by name or hsm_id', async () => {
    sim = createSimulator({ clock: createManualClock(), knobs: QUIET_KNOBS });
    for (let i = 0; i < 4; i++) sim.addTemplate({ name: `t_${i}`, language: 'en_US', category: 'UTILITY' });
    const first = (await list(sim, '?limit=2&fields=name')).json();
    expect(first.data.map((t: { name: string }) => t.name)).toEqual(['hello_world', 't_0']);
    expect(first.paging.next).toContain('after=');
    const second = (await list(sim, `?limit=2&fields=name&after=${first.paging.cursors.after}`)).json();
    expect(second.data.map((t: { name: string }) => t.name)).toEqual(['t_1', 't_2']);
    const third = (await list(sim, `?limit=2&fields=name&after=${second.paging.cursors.after}`)).json();
    expect(third.data.map((t: { name: string }) => t.name)).toEqual(['t_3']);
    expect(third.paging.next).toBeUndefined();
    const t1 = second.data[0].id;
    const del = await sim.app.inject({ method: 'DELETE', url: `/v23.0/${WABA_ID}/message_templates?name=t_1&hsm_id=${t1}`, headers: AUTH });
    expect(del.json()).toEqual({ success: true });
    await sim.app.inject({ method: 'DELETE', url: `/v23.0/${WABA_ID}/message_templates?name=t_2`, headers: AUTH });
    const names = (await list(sim, '?fields=name')).json().data.map((t: { name: string }) => t.name);
    expect(names).toEqual(['hello_world', 't_0', 't_3']);
    expect(graphError(await sim.app.inject({ method: 'DELETE', url: `/v23.0/${WABA_ID}/message_templates?name=t_2`, headers: AUTH })).code).toBe(100);
  });
});

describe('template pacing (held_for_quality_assessment)', () => {
  async function campaign(outcome: 'release' | 'pause') {
    const clock: ManualClock = createManualClock();
    sim = createSimulator({
      clock,
      templates: [{ name: 'new_promo', language: 'en_US', category: 'MARKETING' }],
      knobs: { ...QUIET_KNOBS, pacing: { enabled: true, releaseAfter: 2, assessAfterMs: 60_000, outcome } },
    });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await sendMessage(sim, template(`1650555000${i}`, 'new_promo'))).json().messages[0].message_status);
    expect(statuses).toEqual(['accepted', 'accepted', 'held_for_quality_assessment', 'held_for_quality_assessment']);
    await clock.advance(30_000);
    expect(sim.sent().map((r) => r.state)).toEqual(['read', 'read', 'held', 'held']);
    await clock.advance(60_000);
    return sim;
  }

  it('releases held messages after good feedback', async () => {
    const s = await campaign('release');
    expect(s.sent().map((r) => r.state)).toEqual(['read', 'read', 'read', 'read']);
  });

  it('pauses the template and fails held messages with 132015 after bad feedback', async () => {
    const s = await campaign('pause');
    expect(s.sent().map((r) => r.errorCode ?? r.state)).toEqual(['read', 'read', 132015, 132015]);
    expect(s.webhookLog().some((d) => d.events.includes('message_template_status_update:PAUSED'))).toBe(true);
    expect(graphError(await sendMessage(s, template('16505559999', 'new_promo'))).code).toBe(132015);
  });
});
