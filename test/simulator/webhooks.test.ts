import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator, QUIET_KNOBS, toMetaJson, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { eventually, sendMessage, startReceiver, statusesOf, template, text } from './helpers.js';

let sim: Simulator | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
afterEach(async () => {
  await sim?.close();
  await receiver?.close();
  sim = undefined;
  receiver = undefined;
});

async function setup(opts: SimulatorOptions = {}, respond?: (i: number) => number) {
  receiver = await startReceiver(respond);
  // One delivery at a time, so arrival order is the emission order these tests assert on.
  const knobs = { ...QUIET_KNOBS, ...opts.knobs, webhooks: { concurrency: 1, ...opts.knobs?.webhooks } };
  sim = createSimulator({ timeScale: 0.001, webhookUrl: receiver.url, appSecret: 'test-secret', ...opts, knobs });
  return { sim, receiver };
}

const hmac = (raw: Buffer, secret = 'test-secret') => `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

describe('wire format', () => {
  it('escapes non-ASCII as lowercase \\uXXXX, "/" as "\\/", and @ < % like Meta', () => {
    expect(toMetaJson({ t: 'olá 👍 a/b @x <y> 50%' })).toBe('{"t":"ol\\u00e1 \\ud83d\\udc4d a\\/b \\u0040x \\u003cy> 50\\u0025"}');
    expect(JSON.parse(toMetaJson({ t: 'olá 👍 a/b @x' }))).toEqual({ t: 'olá 👍 a/b @x' });
  });
});

describe('webhook delivery', () => {
  it('signs inbound webhooks over the exact bytes, escaped unicode included, and opens the window', async () => {
    const { sim, receiver } = await setup();
    const res = await sim.app.inject({ method: 'POST', url: '/_sim/inbound', payload: { from: '+1 650 555 1234', name: 'Zoë Souza', text: 'Olá! 👋 see https://x.co/a' } });
    expect(res.statusCode).toBe(200);
    await eventually(() => expect(receiver.posts()).toHaveLength(1));
    const hit = receiver.posts()[0]!;
    expect(hit.headers['content-type']).toBe('application/json');
    expect(hit.headers['x-hub-signature-256']).toBe(hmac(hit.raw));
    const raw = hit.raw.toString('utf8');
    expect(raw).toContain('Ol\\u00e1! \\ud83d\\udc4b see https:\\/\\/x.co\\/a');
    expect(raw).toContain('Zo\\u00eb Souza');
    expect([...raw].every((ch) => ch.charCodeAt(0) < 0x80)).toBe(true);
    // Re-serialising the parsed JSON gives other bytes: receivers must verify the raw body.
    const parsed = JSON.parse(raw);
    expect(hmac(Buffer.from(JSON.stringify(parsed)))).not.toBe(hit.headers['x-hub-signature-256']);
    expect(parsed).toMatchObject({
      object: 'whatsapp_business_account',
      entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' }, contacts: [{ profile: { name: 'Zoë Souza' }, wa_id: '16505551234' }], messages: [{ from: '16505551234', id: res.json().wamid, type: 'text', text: { body: 'Olá! 👋 see https://x.co/a' } }] } }] }],
    });
    expect(typeof parsed.entry[0].changes[0].value.messages[0].timestamp).toBe('string');
    const windows = (await sim.app.inject({ method: 'GET', url: '/_sim/windows?wa_id=16505551234' })).json().data;
    expect(windows[0]).toMatchObject({ open: true });
    await sendMessage(sim, text('16505551234', 'thanks!'));
    await eventually(() => expect(statusesOf(receiver.bodies()).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']));
  });

  it('delivers sent → delivered → read asynchronously with pricing and the callback data', async () => {
    const { sim, receiver } = await setup();
    const res = await sendMessage(sim, { ...template('16505551234'), biz_opaque_callback_data: 'row-7' });
    const wamid = res.json().messages[0].id;
    await eventually(() => expect(statusesOf(receiver.bodies())).toHaveLength(3));
    const statuses = statusesOf(receiver.bodies());
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    for (const s of statuses) {
      expect(s).toMatchObject({ id: wamid, recipient_id: '16505551234', biz_opaque_callback_data: 'row-7', pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' } });
      expect(s.timestamp).toMatch(/^\d+$/);
    }
    for (const hit of receiver.posts()) expect(hit.headers['x-hub-signature-256']).toBe(hmac(hit.raw));
  });

  it('prices service replies as free_customer_service and omits pricing on failures', async () => {
    const { sim, receiver } = await setup();
    sim.inbound({ from: '16505551234', text: 'hi' });
    await sendMessage(sim, text('16505551234'));
    await sendMessage(sim, text('16505550000'));
    await eventually(() => expect(statusesOf(receiver.bodies())).toHaveLength(4));
    const byRecipient = (r: string) => statusesOf(receiver.bodies()).filter((s) => s.recipient_id === r);
    expect(byRecipient('16505551234')[0]!.pricing).toMatchObject({ category: 'service', type: 'free_customer_service', billable: false });
    const [failed] = byRecipient('16505550000');
    expect(failed).toMatchObject({ status: 'failed', errors: [{ code: 131047, href: expect.stringContaining('developers.facebook.com') }] });
    expect(failed!.pricing).toBeUndefined();
  });

  it('retries with backoff after a 500 and resends identical bytes and signature', async () => {
    const { sim, receiver } = await setup({ knobs: { webhooks: { retryBaseMs: 1000 } } }, (i) => (i === 1 ? 500 : 200));
    sim.inbound({ from: '16505551234', text: 'ação' });
    await eventually(() => expect(receiver.posts()).toHaveLength(2));
    const [first, second] = receiver.posts();
    expect(second!.raw.equals(first!.raw)).toBe(true);
    expect(second!.headers['x-hub-signature-256']).toBe(first!.headers['x-hub-signature-256']);
    // The receiver sees the second POST a moment before the simulator records its 200.
    let log: { state: string; attempts: { at: string; status: number }[] }[] = [];
    await eventually(async () => {
      log = (await sim.app.inject({ method: 'GET', url: '/_sim/webhooks' })).json().data;
      expect(log[0]).toMatchObject({ state: 'delivered', attempts: [{ status: 500 }, { status: 200 }] });
    });
    const gap = Date.parse(log[0]!.attempts[1]!.at) - Date.parse(log[0]!.attempts[0]!.at);
    expect(gap).toBeGreaterThanOrEqual(1);
  });

  it('keeps retrying a dead receiver until the horizon, then gives up', async () => {
    const { sim, receiver } = await setup({ knobs: { webhooks: { retryBaseMs: 1000, retryFactor: 2, horizonMs: 20_000 } } }, () => 503);
    sim.inbound({ from: '16505551234', text: 'hello?' });
    await eventually(() => expect(sim.webhookLog()[0]?.state).toBe('expired'));
    // 0 s, +1 s, +2 s, +4 s, +8 s; the next (+16 s) would pass the 20 s horizon.
    expect(sim.webhookLog()[0]!.attempts.map((a) => a.status)).toEqual([503, 503, 503, 503, 503]);
    expect(new Set(receiver.posts().map((h) => h.raw.toString()))).toHaveProperty('size', 1);
  });

  it('sends duplicates of the same bytes when asked', async () => {
    const { sim, receiver } = await setup({ knobs: { chaos: { duplicateRate: 1 } } });
    sim.inbound({ from: '16505551234', text: 'dup' });
    await eventually(() => expect(receiver.posts()).toHaveLength(2));
    const [a, b] = receiver.posts();
    expect(a!.raw.equals(b!.raw)).toBe(true);
    expect(a!.headers['x-hub-signature-256']).toBe(b!.headers['x-hub-signature-256']);
    expect(sim.webhookLog().map((d) => d.duplicateOf)).toEqual([undefined, 1]);
  });

  it('delivers statuses out of order when asked (delivered before sent)', async () => {
    // Delays far apart (real ms = sim ms / 1000): sent at 0, delivered at 1 ms, read at 100 ms.
    const { sim, receiver } = await setup({ knobs: { statusDelays: { sentMs: 0, deliveredMs: 1_000, readMs: 100_000, jitter: 0 }, chaos: { outOfOrderRate: 1, outOfOrderMaxHoldMs: 50_000 } } });
    await sendMessage(sim, template('16505551234'));
    await eventually(() => expect(statusesOf(receiver.bodies())).toHaveLength(3));
    expect(statusesOf(receiver.bodies()).map((s) => s.status)).toEqual(['delivered', 'sent', 'read']);
  });

  it('batches several events into one POST when asked', async () => {
    const { sim, receiver } = await setup({ knobs: { chaos: { batchRate: 1, batchWindowMs: 5_000 } } });
    sim.inbound({ from: '16505551234', text: 'one' });
    sim.inbound({ from: '16505551234', text: 'two' });
    sim.inbound({ from: '16505550000', text: 'three' });
    await eventually(() => expect(receiver.posts()).toHaveLength(1));
    const value = receiver.bodies()[0]!.entry[0]!.changes[0]!.value;
    expect((value.messages ?? []).map((m) => (m.text as { body: string }).body)).toEqual(['one', 'two', 'three']);
    expect(value.contacts).toHaveLength(2);
    expect(receiver.posts()[0]!.headers['x-hub-signature-256']).toBe(hmac(receiver.posts()[0]!.raw));
  });

  it('performs the GET verification handshake', async () => {
    const { sim, receiver } = await setup();
    const ok = await sim.verifyWebhook();
    expect(ok).toMatchObject({ ok: true, status: 200 });
    expect(ok.body).toBe(ok.challenge);
    expect(receiver.hits[0]!.url).toContain('hub.mode=subscribe');
    sim.configure({ verifyToken: 'wrong' });
    const bad = await sim.app.inject({ method: 'POST', url: '/_sim/webhooks/verify', payload: {} });
    expect(bad.json()).toMatchObject({ ok: false, status: 403 });
  });

  it('emits template, quality and phone-number events on demand', async () => {
    const { sim, receiver } = await setup();
    await sim.app.inject({ method: 'POST', url: '/_sim/template-status', payload: { name: 'hello_world', event: 'PAUSED' } });
    await sim.app.inject({ method: 'POST', url: '/_sim/template-quality', payload: { name: 'hello_world', new_quality_score: 'RED' } });
    await sim.app.inject({ method: 'POST', url: '/_sim/phone-quality', payload: { event: 'DOWNGRADE', current_limit: 'TIER_250' } });
    await eventually(() => expect(receiver.posts()).toHaveLength(3));
    const changes = receiver.bodies().map((b) => b.entry[0]!.changes[0]!);
    expect(changes.map((c) => c.field)).toEqual(['message_template_status_update', 'message_template_quality_update', 'phone_number_quality_update']);
    expect(changes[0]!.value).toMatchObject({ event: 'PAUSED', message_template_name: 'hello_world', message_template_language: 'en_US' });
    expect(typeof changes[0]!.value.message_template_id).toBe('number');
    expect(changes[1]!.value).toMatchObject({ previous_quality_score: 'UNKNOWN', new_quality_score: 'RED' });
    expect(changes[2]!.value).toMatchObject({ event: 'DOWNGRADE', current_limit: 'TIER_250', old_limit: 'TIER_UNLIMITED' });
    expect(receiver.bodies()[0]!.entry[0]!.time).toEqual(expect.any(Number));
    expect((await sendMessage(sim, template('16505551234'))).json().error.code).toBe(132015);
  });
});

describe('lost responses', () => {
  it('can accept a message and never answer ("hang after accepting")', async () => {
    const { sim } = await setup({ knobs: { faults: [{ hang: 'hang', hangMs: 60_000, remaining: 1 }] } });
    const base = await sim.listen(0);
    const call = () =>
      fetch(`${base}/v23.0/106540352242922/messages`, {
        method: 'POST',
        headers: { authorization: 'Bearer sim-access-token', 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', ...template('16505551234') }),
        signal: AbortSignal.timeout(300),
      });
    await expect(call()).rejects.toThrow();
    expect(sim.sent('16505551234')).toHaveLength(1);
    expect((await call()).status).toBe(200);
    expect(sim.sent('16505551234')).toHaveLength(2);
  });

  it('can reset the connection after accepting', async () => {
    const { sim } = await setup({ knobs: { faults: [{ hang: 'reset', remaining: 1 }] } });
    const base = await sim.listen(0);
    const res = fetch(`${base}/v23.0/106540352242922/messages`, {
      method: 'POST',
      headers: { authorization: 'Bearer sim-access-token', 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', ...template('16505551234') }),
    });
    await expect(res).rejects.toThrow();
    expect(sim.sent('16505551234')).toHaveLength(1);
  });
});
