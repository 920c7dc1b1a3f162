import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock, createSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { sendMessage, template } from './helpers.js';

const sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

function build(opts: SimulatorOptions = {}) {
  const clock = createManualClock();
  const sim = createSimulator({ clock, ...opts, knobs: { pairRate: { enforce: false }, throughput: { enforce: false }, ...opts.knobs } });
  sims.push(sim);
  return { sim, clock };
}

const users = Array.from({ length: 60 }, (_, i) => `1650555${String(1000 + i)}`);

/** Sends one template to each user, lets the population act, and returns what happened. */
async function traffic(seed: string) {
  const { sim, clock } = build({ seed, knobs: { population: { replyRate: 0.3, stopRate: 0.05 } } });
  for (const to of users) await sendMessage(sim, template(to));
  await clock.advance(10 * 60_000);
  return {
    outcomes: sim.sent().map((r) => `${r.waId}:${r.state}:${r.statuses.map((s) => s.status).join('>')}`),
    inbound: sim.webhookLog().flatMap((d) => d.events.filter((e) => e.startsWith('messages:inbound'))).length,
    bodies: sim.webhookLog().map((d) => d.body),
  };
}

describe('virtual population', () => {
  it('is deterministic for a seed: same profiles, same statuses, same replies', async () => {
    const a = build({ seed: 'demo-1' }).sim;
    const b = build({ seed: 'demo-1' }).sim;
    const c = build({ seed: 'demo-2' }).sim;
    expect(users.map((u) => a.profile(u))).toEqual(users.map((u) => b.profile(u)));
    expect(users.map((u) => a.profile(u).name)).not.toEqual(users.map((u) => c.profile(u).name));
    const run1 = await traffic('demo-1');
    const run2 = await traffic('demo-1');
    const run3 = await traffic('demo-2');
    expect(run1).toEqual(run2);
    expect(run1.outcomes).not.toEqual(run3.outcomes);
    expect(run1.inbound).toBeGreaterThan(0);
  });

  it('roughly honours the configured rates', async () => {
    const { sim } = build({ seed: 'rates', knobs: { population: { notOnWhatsappRate: 0.1, readReceiptsOffRate: 0.2 } } });
    const many = Array.from({ length: 4000 }, (_, i) => `4915${String(10_000_000 + i * 7919)}`);
    const profiles = many.map((u) => sim.profile(u));
    const share = (f: (p: (typeof profiles)[number]) => boolean) => profiles.filter(f).length / profiles.length;
    expect(share((p) => !p.onWhatsapp)).toBeGreaterThan(0.08);
    expect(share((p) => !p.onWhatsapp)).toBeLessThan(0.12);
    expect(share((p) => !p.readReceipts)).toBeGreaterThan(0.17);
    expect(share((p) => !p.readReceipts)).toBeLessThan(0.23);
  });

  it('users tap quick replies (with the sent payload), answer interactive buttons and reply', async () => {
    const { sim, clock } = build({
      templates: [{ name: 'promo', language: 'en_US', category: 'MARKETING', components: [{ type: 'BODY', text: 'Sale!' }, { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }] }] }],
      knobs: { population: { notOnWhatsappRate: 0, offlineRate: 0, readRate: 1, readReceiptsOffRate: 0, tapButtonRate: 1, stopRate: 0, preferenceStopRate: 0, replyRate: 0 } },
    });
    const res = await sendMessage(sim, template('16505551234', 'promo', { components: [{ type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'STOP_PROMOS' }] }] }));
    const wamid = res.json().messages[0].id;
    await clock.advance(5 * 60_000);
    const inbound = sim.webhookLog().filter((d) => d.events[0] === 'messages:inbound:button');
    expect(inbound).toHaveLength(1);
    const msg = JSON.parse(inbound[0]!.body).entry[0].changes[0].value.messages[0];
    expect(msg).toMatchObject({ from: '16505551234', type: 'button', button: { payload: 'STOP_PROMOS', text: 'Stop promotions' }, context: { id: wamid, from: '15550783881' } });

    await sendMessage(sim, { to: '16505551234', type: 'interactive', interactive: { type: 'list', body: { text: 'Pick' }, action: { button: 'Options', sections: [{ rows: [{ id: 'fast', title: 'Express', description: 'Next day' }] }] } } });
    await clock.advance(5 * 60_000);
    const reply = sim.webhookLog().filter((d) => d.events[0] === 'messages:inbound:interactive');
    expect(JSON.parse(reply[0]!.body).entry[0].changes[0].value.messages[0].interactive).toEqual({ type: 'list_reply', list_reply: { id: 'fast', title: 'Express', description: 'Next day' } });
  });

  it('some users never get it, some read without receipts, some read without a delivered', async () => {
    const { sim, clock } = build({ seed: 'mix', knobs: { population: { notOnWhatsappRate: 0, offlineRate: 0.2, readReceiptsOffRate: 0.2, skipDeliveredRate: 0.3, readRate: 1, replyRate: 0, tapButtonRate: 0, stopRate: 0, preferenceStopRate: 0 } } });
    for (const to of users) await sendMessage(sim, template(to));
    await clock.advance(10 * 60_000);
    const shapes = new Set(sim.sent().map((r) => r.statuses.map((s) => s.status).join('>')));
    expect(shapes).toEqual(new Set(['sent', 'sent>delivered', 'sent>read', 'sent>delivered>read']));
  });
});

describe('status details', () => {
  it('adds conversation when asked, plays voice notes, and prices Click-to-WhatsApp replies as free entry point', async () => {
    const { sim, clock } = build({ knobs: { population: { notOnWhatsappRate: 0, offlineRate: 0, readRate: 1, readReceiptsOffRate: 0, skipDeliveredRate: 0, replyRate: 0, tapButtonRate: 0, stopRate: 0 }, webhooks: { includeConversation: true } } });
    sim.inbound({ from: '16505551234', text: 'saw your ad', referral: true });
    await sendMessage(sim, { to: '16505551234', type: 'audio', audio: { link: 'https://cdn.example.com/v.ogg' } });
    await clock.advance(60_000);
    const statuses = sim.webhookLog().flatMap((d) => JSON.parse(d.body).entry[0].changes[0].value.statuses ?? []);
    expect(statuses.map((s: { status: string }) => s.status)).toEqual(['sent', 'delivered', 'read', 'played']);
    expect(statuses[0]).toMatchObject({ conversation: { id: expect.stringMatching(/^[0-9a-f]{32}$/), expiration_timestamp: expect.any(String), origin: { type: 'referral_conversion' } }, pricing: { type: 'free_entry_point', category: 'referral_conversion', billable: false } });
    expect(statuses[1].conversation.expiration_timestamp).toBeUndefined();
  });
});

describe('inbound control plane', () => {
  it('injects every §3.4 message type', async () => {
    const { sim, clock } = build();
    const inject = (payload: Record<string, unknown>) => sim.app.inject({ method: 'POST', url: '/_sim/inbound', payload });
    const cases: [Record<string, unknown>, string][] = [
      [{ from: '16505551234', text: 'hi' }, 'text'],
      [{ from: '16505551234', button_payload: 'YES' }, 'button'],
      [{ from: '16505551234', interactive: { type: 'button_reply', id: 'slot_pm', title: 'Afternoon' } }, 'interactive'],
      [{ from: '16505551234', image: { caption: 'receipt' } }, 'image'],
      [{ from: '16505551234', location: { latitude: 1, longitude: 2 } }, 'location'],
      [{ from: '16505551234', reaction: { message_id: 'wamid.x', emoji: '👍' } }, 'reaction'],
      [{ from: '16505551234', type: 'request_welcome' }, 'request_welcome'],
      [{ from: '16505551234', type: 'unsupported' }, 'unsupported'],
      [{ from: '16505551234', text: 'from an ad', referral: true }, 'text'],
      [{ from: '16505551234', new_wa_id: '12195555358' }, 'system'],
    ];
    for (const [payload, type] of cases) {
      const res = await inject(payload);
      expect(res.statusCode).toBe(200);
      expect(res.json().type).toBe(type);
    }
    await clock.advance(1000);
    const messages = sim.webhookLog().map((d) => JSON.parse(d.body).entry[0].changes[0].value);
    expect(messages).toHaveLength(cases.length);
    expect(messages[3].messages[0].image).toMatchObject({ caption: 'receipt', mime_type: 'image/png', sha256: expect.any(String), id: expect.any(String) });
    expect(messages[7].messages[0].errors[0]).toMatchObject({ code: 131051, title: 'Message type unknown' });
    expect(messages[8].messages[0].referral).toMatchObject({ source_type: 'ad', ctwa_clid: expect.any(String) });
    expect(messages[9].contacts).toBeUndefined();
    expect(messages[9].messages[0].system).toMatchObject({ type: 'user_changed_number', wa_id: '12195555358' });
    const windows = (await sim.app.inject({ method: 'GET', url: '/_sim/windows' })).json().data;
    expect(windows.map((w: { wa_id: string }) => w.wa_id)).toEqual(['12195555358']);
    expect((await inject({ from: 'not a number' })).statusCode).toBe(400);
  });
});
