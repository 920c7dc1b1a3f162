import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock, createSimulator, QUIET_KNOBS, type Simulator } from '../../src/simulator/index.js';
import { AUTH, graphError, PHONE_ID, sendMessage, template, text, WABA_ID } from './helpers.js';

let sim: Simulator;
afterEach(async () => sim?.close());

function build(extra: Parameters<typeof createSimulator>[0] = {}) {
  sim = createSimulator({ clock: createManualClock(), knobs: QUIET_KNOBS, ...extra });
  return sim;
}

describe('auth and routing', () => {
  it('answers 401 code 190 without a token or with an unknown one', async () => {
    build();
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: 'Basic abc' }] as Record<string, string>[]) {
      const res = await sendMessage(sim, text('16505551234'), headers);
      expect(res.statusCode).toBe(401);
      const err = graphError(res);
      expect(err.code).toBe(190);
      expect(err.type).toBe('OAuthException');
      expect(err.fbtrace_id).toBe(res.headers['x-fb-trace-id']);
    }
  });

  it('accepts the token as ?access_token=', async () => {
    build();
    const res = await sim.app.inject({ method: 'POST', url: `/v23.0/${PHONE_ID}/messages?access_token=sim-access-token`, payload: { messaging_product: 'whatsapp', ...template('16505551234') } });
    expect(res.statusCode).toBe(200);
  });

  it('answers an unknown phone-number-id with 400 code 100 subcode 33', async () => {
    build();
    const res = await sim.app.inject({ method: 'POST', url: '/v23.0/123456789/messages', headers: AUTH, payload: { messaging_product: 'whatsapp', ...text('1') } });
    expect(res.statusCode).toBe(400);
    expect(graphError(res)).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException' });
    expect(graphError(res).message).toMatch(/Object with ID '123456789' does not exist/);
  });

  it('rejects versions that are not like v23.0', async () => {
    build();
    const res = await sim.app.inject({ method: 'POST', url: `/23.0/${PHONE_ID}/messages`, headers: AUTH, payload: {} });
    expect(res.statusCode).toBe(400);
    expect(graphError(res).code).toBe(100);
  });

  it('hides numbers from tokens that do not own them', async () => {
    build({ phoneNumbers: [{ phoneNumberId: '111', wabaId: '900', accessToken: 'tok-a' }, { phoneNumberId: '222', wabaId: '901', accessToken: 'tok-b' }] });
    const res = await sim.app.inject({ method: 'GET', url: '/v23.0/222', headers: { authorization: 'Bearer tok-a' } });
    expect(graphError(res)).toMatchObject({ code: 100, error_subcode: 33 });
  });
});

describe('validation envelope', () => {
  const cases: [string, Record<string, unknown>, number][] = [
    ['missing messaging_product', { messaging_product: undefined, ...text('16505551234') }, 100],
    ['unknown type', { to: '16505551234', type: 'hologram', hologram: {} }, 100],
    ['missing text body', { to: '16505551234', type: 'text', text: {} }, 131008],
    ['text over 4096 chars', text('16505551234', 'x'.repeat(4097)), 131009],
    ['media with id and link', { to: '16505551234', type: 'image', image: { id: '1', link: 'https://e.com/a.png' } }, 131009],
    ['caption on audio', { to: '16505551234', type: 'audio', audio: { link: 'https://e.com/a.ogg', caption: 'no' } }, 131009],
    ['four reply buttons', { to: '16505551234', type: 'interactive', interactive: { type: 'button', body: { text: 'x' }, action: { buttons: [1, 2, 3, 4].map((i) => ({ type: 'reply', reply: { id: `b${i}`, title: `B${i}` } })) } } }, 131009],
    ['button title over 20', { to: '16505551234', type: 'interactive', interactive: { type: 'button', body: { text: 'x' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'x'.repeat(21) } }] } } }, 131009],
    ['list with 11 rows', { to: '16505551234', type: 'interactive', interactive: { type: 'list', body: { text: 'x' }, action: { button: 'Pick', sections: [{ title: 'A', rows: Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` })) }] } } }, 131009],
    ['unknown template', template('16505551234', 'nope'), 132001],
    ['template param count', template('16505551234', 'hello_world', { components: [{ type: 'body', parameters: [{ type: 'text', text: 'x' }] }] }), 132000],
    ['callback data over 512', { ...text('16505551234'), biz_opaque_callback_data: 'x'.repeat(513) }, 131009],
  ];

  it.each(cases)('%s → code %i with the Graph envelope', async (_name, body, code) => {
    build();
    const res = await sendMessage(sim, body);
    expect(res.statusCode).toBe(code === 132001 ? 404 : 400);
    const err = graphError(res);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(new RegExp(`^\\(#${code}\\) `));
    expect(err.type).toBe('OAuthException');
    expect(typeof err.fbtrace_id).toBe('string');
    expect(res.headers['x-fb-trace-id']).toBe(err.fbtrace_id);
    if (code !== 100) expect(err.error_data?.details).toBeTruthy();
  });

  it('checks template parameters by type and the template status', async () => {
    build({
      templates: [
        { name: 'promo', language: 'en_US', category: 'MARKETING', components: [{ type: 'HEADER', format: 'IMAGE' }, { type: 'BODY', text: 'Hi {{1}}, use {{2}}' }] },
        { name: 'paused_one', language: 'en_US', category: 'MARKETING', status: 'PAUSED' },
        { name: 'disabled_one', language: 'en_US', category: 'MARKETING', status: 'DISABLED' },
        { name: 'pending_one', language: 'en_US', category: 'UTILITY', status: 'PENDING' },
      ],
    });
    const body = [{ type: 'text', text: 'Ana' }, { type: 'text', text: 'FALL25' }];
    const wrongHeader = await sendMessage(sim, template('16505551234', 'promo', { components: [{ type: 'header', parameters: [{ type: 'text', text: 'x' }] }, { type: 'body', parameters: body }] }));
    expect(graphError(wrongHeader).code).toBe(132012);
    const ok = await sendMessage(sim, template('16505551234', 'promo', { components: [{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://e.com/p.jpg' } }] }, { type: 'body', parameters: body }] }));
    expect(ok.statusCode).toBe(200);
    expect(graphError(await sendMessage(sim, template('16505551234', 'paused_one'))).code).toBe(132015);
    expect(graphError(await sendMessage(sim, template('16505551234', 'disabled_one'))).code).toBe(132016);
    expect((await sendMessage(sim, template('16505551234', 'pending_one'))).statusCode).toBe(404);
  });
});

describe('accepted sends', () => {
  it('echoes the raw input and returns the normalized wa_id (BR 9th digit, MX 521)', async () => {
    build();
    const br = (await sendMessage(sim, template('+55 11 98765-4321'))).json();
    expect(br.contacts).toEqual([{ input: '+55 11 98765-4321', wa_id: '551187654321' }]);
    const mx = (await sendMessage(sim, template('+52 55 1234 5678'))).json();
    expect(mx.contacts[0]).toEqual({ input: '+52 55 1234 5678', wa_id: '5215512345678' });
  });

  it('says message_status "accepted" for templates only', async () => {
    build();
    const t = (await sendMessage(sim, template('16505551234'))).json();
    expect(t.messaging_product).toBe('whatsapp');
    expect(t.messages[0]).toMatchObject({ message_status: 'accepted' });
    expect(t.messages[0].id).toMatch(/^wamid\./);
    sim.inbound({ from: '16505551234', text: 'hi' });
    const x = (await sendMessage(sim, text('16505551234'))).json();
    expect(x.messages[0].message_status).toBeUndefined();
  });

  it('has no idempotency: two identical POSTs create two wamids and two sends', async () => {
    build();
    const body = { ...template('16505551234'), biz_opaque_callback_data: 'send-row-42' };
    const a = (await sendMessage(sim, body)).json();
    const b = (await sendMessage(sim, body)).json();
    expect(a.messages[0].id).not.toBe(b.messages[0].id);
    const log = (await sim.app.inject({ method: 'GET', url: '/_sim/sent?to=%2B16505551234' })).json();
    expect(log.data.map((r: { wamid: string }) => r.wamid)).toEqual([a.messages[0].id, b.messages[0].id]);
    expect(log.data[0].biz_opaque_callback_data).toBe('send-row-42');
  });

  it('marks inbound messages read, with the typing indicator', async () => {
    build();
    const { wamid } = sim.inbound({ from: '16505551234', text: 'hi' });
    const res = await sendMessage(sim, { status: 'read', message_id: wamid, typing_indicator: { type: 'text' } });
    expect(res.json()).toEqual({ success: true });
  });

  it('reports phone number info with the requested fields', async () => {
    build({ phoneNumbers: [{ phoneNumberId: PHONE_ID, mps: 1000, messagingLimitTier: 'TIER_10K' }] });
    const res = await sim.app.inject({ method: 'GET', url: `/v23.0/${PHONE_ID}?fields=throughput,quality_rating,messaging_limit_tier`, headers: AUTH });
    expect(res.json()).toEqual({ id: PHONE_ID, throughput: { level: 'HIGH' }, quality_rating: 'GREEN', messaging_limit_tier: 'TIER_10K' });
    const bad = await sim.app.inject({ method: 'GET', url: `/v23.0/${PHONE_ID}?fields=nonsense`, headers: AUTH });
    expect(graphError(bad).code).toBe(100);
  });
});

describe('media', () => {
  it('uploads, describes with a short-lived URL that needs the token, and deletes', async () => {
    build();
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', 'image/png');
    form.set('file', new Blob([Buffer.from('png-bytes')], { type: 'image/png' }), 'a.png');
    const req = new Request('http://x/', { method: 'POST', body: form });
    const up = await sim.app.inject({ method: 'POST', url: `/v23.0/${PHONE_ID}/media`, headers: { ...AUTH, 'content-type': req.headers.get('content-type')! }, payload: Buffer.from(await req.arrayBuffer()) });
    expect(up.statusCode).toBe(200);
    const { id } = up.json();
    const info = (await sim.app.inject({ method: 'GET', url: `/v23.0/${id}`, headers: AUTH })).json();
    expect(info).toMatchObject({ messaging_product: 'whatsapp', id, mime_type: 'image/png', file_size: 9 });
    const path = new URL(info.url).pathname + new URL(info.url).search;
    expect((await sim.app.inject({ method: 'GET', url: path })).statusCode).toBe(401);
    const dl = await sim.app.inject({ method: 'GET', url: path, headers: AUTH });
    expect(dl.rawPayload.toString()).toBe('png-bytes');
    await sim.clock.advance(6 * 60_000);
    expect((await sim.app.inject({ method: 'GET', url: path, headers: AUTH })).statusCode).toBe(404);
    expect((await sim.app.inject({ method: 'DELETE', url: `/v23.0/${id}`, headers: AUTH })).json()).toEqual({ success: true });
    expect(graphError(await sim.app.inject({ method: 'GET', url: `/v23.0/${id}`, headers: AUTH })).error_subcode).toBe(33);
  });

  it('lists templates of a WABA', async () => {
    build();
    const res = await sim.app.inject({ method: 'GET', url: `/v23.0/${WABA_ID}/message_templates?fields=name,status`, headers: AUTH });
    expect(res.json().data[0]).toMatchObject({ name: 'hello_world', status: 'APPROVED' });
  });
});
