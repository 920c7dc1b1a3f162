import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock, createSimulator, QUIET_KNOBS, type ManualClock, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { graphError, PHONE_ID, sendMessage, template, text } from './helpers.js';

let sim: Simulator;
let clock: ManualClock;
afterEach(async () => sim?.close());

function build(opts: SimulatorOptions = {}) {
  clock = createManualClock();
  sim = createSimulator({ clock, ...opts, knobs: { ...QUIET_KNOBS, ...opts.knobs } });
  return sim;
}

const stateOf = (to: string) => sim.sent(to).map((r) => [r.state, r.errorCode]);

describe('throughput (130429)', () => {
  it('refuses a burst above the number’s mps synchronously and refills after a second', async () => {
    build({ phoneNumbers: [{ phoneNumberId: PHONE_ID, mps: 5 }], knobs: { pairRate: { enforce: false } } });
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) codes.push((await sendMessage(sim, template(`1650555${1000 + i}`))).statusCode);
    expect(codes).toEqual([200, 200, 200, 200, 200, 400, 400, 400]);
    const res = await sendMessage(sim, template('16505559999'));
    expect(graphError(res)).toMatchObject({ code: 130429, type: 'OAuthException' });
    await clock.advance(1000);
    expect((await sendMessage(sim, template('16505559999'))).statusCode).toBe(200);
    const limits = (await sim.app.inject({ method: 'GET', url: '/_sim/limits' })).json();
    expect(limits.rejected_by_code['130429']).toBe(4);
  });
});

describe('control-plane config', () => {
  it('changes a number’s throughput, validates knob names and masks tokens', async () => {
    build({ knobs: { pairRate: { enforce: false } } });
    const res = await sim.app.inject({ method: 'POST', url: '/_sim/config', payload: { numbers: { [PHONE_ID]: { mps: 2 } }, status_delays: { sent_ms: 10 } } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ numbers: { [PHONE_ID]: { mps: 2, access_token: expect.not.stringContaining('sim-access-token') } }, status_delays: { sent_ms: 10 } });
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await sendMessage(sim, template(`1650555000${i}`))).statusCode);
    expect(codes).toEqual([200, 200, 400]);
    const bad = await sim.app.inject({ method: 'POST', url: '/_sim/config', payload: { pair_rate: { brust: 2 } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ field: 'pair_rate' }] } });
    expect(JSON.stringify(bad.json())).toContain('brust');
  });
});

describe('pair rate (131056)', () => {
  it('allows the burst, then one message per interval to the same user only', async () => {
    build({ knobs: { pairRate: { burst: 3, intervalMs: 6000 } } });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await sendMessage(sim, template('16505551234'))).statusCode);
    expect(codes).toEqual([200, 200, 200, 400]);
    expect(graphError(await sendMessage(sim, template('+1 650 555 1234'))).code).toBe(131056);
    expect((await sendMessage(sim, template('16505550000'))).statusCode).toBe(200);
    await clock.advance(6000);
    expect((await sendMessage(sim, template('16505551234'))).statusCode).toBe(200);
    expect((await sendMessage(sim, template('16505551234'))).statusCode).toBe(400);
    const pairs = (await sim.app.inject({ method: 'GET', url: '/_sim/limits?wa_id=16505551234' })).json().pairs;
    expect(pairs).toEqual([expect.objectContaining({ wa_id: '16505551234', capacity: 3, interval_ms: 6000 })]);
  });
});

describe('customer-service window (131047)', () => {
  it('accepts a free-form message outside the window, then fails it asynchronously', async () => {
    build();
    const res = await sendMessage(sim, text('16505551234'));
    expect(res.statusCode).toBe(200);
    await clock.advance(10_000);
    expect(stateOf('16505551234')).toEqual([['failed', 131047]]);
    const failed = sim.webhookLog().find((d) => d.events.includes('messages:status:failed'))!;
    const status = JSON.parse(failed.body).entry[0].changes[0].value.statuses[0];
    expect(status).toMatchObject({ status: 'failed', recipient_id: '16505551234', errors: [{ code: 131047, title: 'Re-engagement message' }] });
    expect(status.pricing).toBeUndefined();
  });

  it('opens on an inbound message, stays open 24 h, and templates pass when closed', async () => {
    build();
    sim.inbound({ from: '16505551234', text: 'hi' });
    await sendMessage(sim, text('16505551234'));
    await clock.advance(23 * 3600_000);
    await sendMessage(sim, text('16505551234'));
    await clock.advance(2 * 3600_000);
    await sendMessage(sim, text('16505551234'));
    await sendMessage(sim, template('16505551234'));
    await clock.advance(60_000);
    expect(stateOf('16505551234')).toEqual([
      ['read', undefined],
      ['read', undefined],
      ['failed', 131047],
      ['read', undefined],
    ]);
    const windows = (await sim.app.inject({ method: 'GET', url: '/_sim/windows?wa_id=16505551234' })).json().data;
    expect(windows).toEqual([expect.objectContaining({ wa_id: '16505551234', open: false })]);
  });

  it('can refuse synchronously instead', async () => {
    build({ knobs: { window: { mode: 'sync' } } });
    expect(graphError(await sendMessage(sim, text('16505551234'))).code).toBe(131047);
  });
});

describe('asynchronous failures', () => {
  it('fails non-WhatsApp numbers with 131026 after a 200 and a wamid', async () => {
    build();
    const res = await sendMessage(sim, template('+44 7700 900912'));
    expect(res.statusCode).toBe(200);
    expect(res.json().messages[0].id).toMatch(/^wamid\./);
    await clock.advance(10_000);
    expect(stateOf('447700900912')).toEqual([['failed', 131026]]);
  });

  it('fails marketing after a user_preferences stop with 131050, but not utility', async () => {
    build({ templates: [{ name: 'promo', language: 'en_US', category: 'MARKETING' }] });
    await sim.app.inject({ method: 'POST', url: '/_sim/user-preferences', payload: { wa_id: '16505551234', value: 'stop' } });
    await sendMessage(sim, template('16505551234', 'promo'));
    await sendMessage(sim, template('16505551234', 'hello_world'));
    await clock.advance(10_000);
    expect(stateOf('16505551234')).toEqual([
      ['failed', 131050],
      ['read', undefined],
    ]);
    const pref = sim.webhookLog().find((d) => d.events[0] === 'user_preferences:stop')!;
    expect(JSON.parse(pref.body).entry[0].changes[0]).toMatchObject({ field: 'user_preferences', value: { user_preferences: [{ wa_id: '16505551234', value: 'stop', category: 'marketing_messages' }] } });
  });

  it('enforces the messaging limit on unique business-initiated users (131049)', async () => {
    build({ phoneNumbers: [{ phoneNumberId: PHONE_ID, messagingLimit: 2 }] });
    for (const to of ['16505550001', '16505550002', '16505550003', '16505550001']) await sendMessage(sim, template(to));
    await clock.advance(10_000);
    expect(sim.sent().map((r) => [r.waId, r.state])).toEqual([
      ['16505550001', 'read'],
      ['16505550002', 'read'],
      ['16505550003', 'failed'],
      ['16505550001', 'read'],
    ]);
    await clock.advance(24 * 3600_000);
    await sendMessage(sim, template('16505550003'));
    await clock.advance(10_000);
    expect(sim.sent('16505550003').map((r) => r.state)).toEqual(['failed', 'read']);
  });

  it('caps marketing per user when configured and lifts the cap on a reply', async () => {
    build({ templates: [{ name: 'promo', language: 'en_US', category: 'MARKETING' }], knobs: { marketingCap: { perUser: 2 } } });
    for (let i = 0; i < 3; i++) await sendMessage(sim, template('16505551234', 'promo'));
    sim.inbound({ from: '16505551234', text: 'ok' });
    await sendMessage(sim, template('16505551234', 'promo'));
    await clock.advance(10_000);
    expect(stateOf('16505551234').map(([s, c]) => c ?? s)).toEqual(['read', 'read', 131049, 'read']);
  });

  it('refuses recipients outside a test number’s allow-list (131030)', async () => {
    build({ phoneNumbers: [{ phoneNumberId: PHONE_ID, allowedRecipients: ['+1 650 555 1234'] }] });
    expect((await sendMessage(sim, template('16505551234'))).statusCode).toBe(200);
    expect(graphError(await sendMessage(sim, template('16505550000'))).code).toBe(131030);
  });

  it('fails link media that cannot be fetched with 131053', async () => {
    build();
    sim.inbound({ from: '16505551234', text: 'send the pdf' });
    await sendMessage(sim, { to: '16505551234', type: 'document', document: { link: 'https://files.invalid/x.pdf', filename: 'x.pdf' } });
    await clock.advance(10_000);
    expect(stateOf('16505551234')).toEqual([['failed', 131053]]);
  });
});

describe('fault injection', () => {
  it('answers injected 5xx, then recovers once the count is used up', async () => {
    build({ knobs: { faults: [{ code: 131016, remaining: 2 }] } });
    const a = await sendMessage(sim, template('16505551234'));
    expect(a.statusCode).toBe(503);
    expect(graphError(a).code).toBe(131016);
    expect((await sendMessage(sim, template('16505551234'))).statusCode).toBe(503);
    expect((await sendMessage(sim, template('16505551234'))).statusCode).toBe(200);
    expect(sim.sent()).toHaveLength(1);
  });

  it('can accept the message and still answer 500 (the ambiguous case)', async () => {
    build();
    sim.configure({ faults: [{ code: 131000, acceptFirst: true, remaining: 1 }] });
    const res = await sendMessage(sim, template('16505551234'));
    expect(res.statusCode).toBe(500);
    expect(sim.sent()).toHaveLength(1);
  });

  it('expires tokens with 190 / subcode 463 and supports async-only faults and timed storms', async () => {
    build();
    await sim.app.inject({ method: 'POST', url: '/_sim/config', payload: { faults: [{ code: 190, remaining: 1 }, { code: 131048, mode: 'async', remaining: 1 }, { code: 130429, duration_ms: 60_000, endpoint: 'messages' }] } });
    const expired = await sendMessage(sim, template('16505551234'));
    expect(expired.statusCode).toBe(401);
    expect(graphError(expired)).toMatchObject({ code: 190, error_subcode: 463 });
    expect((await sendMessage(sim, template('16505551234'))).statusCode).toBe(200);
    expect(graphError(await sendMessage(sim, template('16505551234'))).code).toBe(130429);
    await clock.advance(61_000);
    expect((await sendMessage(sim, template('16505551234'))).statusCode).toBe(200);
    await clock.advance(10_000);
    expect(sim.sent().map((r) => r.errorCode ?? r.state)).toEqual([131048, 'read']);
  });

  it('applies faults to other endpoints (80007 on templates, 368 policy block)', async () => {
    build({ knobs: { faults: [{ code: 80007, endpoint: 'templates', remaining: 1 }, { code: 368, remaining: 1 }] } });
    const list = await sim.app.inject({ method: 'GET', url: '/v23.0/102290129340398/message_templates', headers: { authorization: 'Bearer sim-access-token' } });
    expect(graphError(list).code).toBe(80007);
    const blocked = await sendMessage(sim, template('16505551234'));
    expect(blocked.statusCode).toBe(403);
    expect(graphError(blocked).code).toBe(368);
  });
});
