import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock, createSimulator, QUIET_KNOBS, type ManualClock, type Simulator } from '../../src/simulator/index.js';
import { createCloudApiClient } from '../../src/adapters/whatsapp/cloud-api-client.js';
import { createOutboundFetch, parseAllowedOrigins } from '../../src/lib/outbound/index.js';
import { AUTH, graphError, PHONE_ID, sendMessage, WABA_ID } from './helpers.js';

let sim: Simulator;
let clock: ManualClock;
afterEach(async () => sim?.close());

function build() {
  clock = createManualClock();
  sim = createSimulator({ clock, knobs: { ...QUIET_KNOBS, pairRate: { enforce: false } } });
  return sim;
}

const USER = '16505551234';
const reaction = (messageId: string, to = USER) => ({ to, type: 'reaction', reaction: { message_id: messageId, emoji: '👍' } });
const statusesOf = (s: Simulator, wamid: string) => s.sent().find((r) => r.wamid === wamid)!;

describe('reactions (Meta: only a sent status; a bad message_id fails with 131009)', () => {
  it('a reaction to a message the user sent gets exactly one status: sent', async () => {
    build();
    const inbound = sim.inbound({ from: USER, text: 'hi' });
    const res = await sendMessage(sim, reaction(inbound.wamid));
    expect(res.statusCode).toBe(200);
    const wamid = res.json().messages[0].id as string;
    await clock.advance(10 * 60_000);
    const r = statusesOf(sim, wamid);
    expect(r.statuses.map((s) => s.status)).toEqual(['sent']);
    expect(r.state).toBe('sent');
    // The user does not reply to, read or act on a reaction.
    expect(sim.webhookLog().flatMap((d) => d.events).filter((e) => e.startsWith('messages:inbound'))).toEqual(['messages:inbound:text']);
  });

  it('a reaction to an unknown, foreign, reaction or 30-day-old message is accepted, then fails with 131009', async () => {
    build();
    const mine = sim.inbound({ from: USER, text: 'hi' });
    const someoneElse = sim.inbound({ from: '16505559999', text: 'hello' });
    const aReaction = sim.inbound({ from: USER, reaction: { message_id: 'wamid.any', emoji: '❤️' } });
    const sentByBusiness = (await sendMessage(sim, { to: USER, type: 'text', text: { body: 'our message' } })).json().messages[0].id as string;
    const targets = ['wamid.does-not-exist', someoneElse.wamid, aReaction.wamid, sentByBusiness];
    const wamids: string[] = [];
    for (const t of targets) {
      const res = await sendMessage(sim, reaction(t));
      expect(res.statusCode).toBe(200);
      wamids.push(res.json().messages[0].id);
    }
    await clock.advance(60_000);
    for (const w of wamids) {
      const r = statusesOf(sim, w);
      expect(r.statuses.map((s) => s.status)).toEqual(['failed']);
      expect(r.errorCode).toBe(131009);
    }
    const failed = sim
      .webhookLog()
      .map((d) => JSON.parse(d.body))
      .flatMap((b) => b.entry[0].changes[0].value.statuses ?? [])
      .find((s: { id: string }) => s.id === wamids[0]);
    expect(failed.errors[0]).toMatchObject({ code: 131009, error_data: { details: expect.stringContaining('wamid.does-not-exist') } });

    // Older than 30 days: the user writes again to keep the window open, the old message is too old.
    await clock.advance(31 * 24 * 3600_000);
    sim.inbound({ from: USER, text: 'back again' });
    const old = (await sendMessage(sim, reaction(mine.wamid))).json().messages[0].id as string;
    await clock.advance(60_000);
    expect(statusesOf(sim, old).errorCode).toBe(131009);
  });

  it('a reaction without a message_id is refused synchronously naming the field', async () => {
    build();
    const res = await sendMessage(sim, { to: USER, type: 'reaction', reaction: { emoji: '👍' } });
    expect(res.statusCode).toBe(400);
    expect(graphError(res)).toMatchObject({ code: 131008, error_data: { details: expect.stringContaining('reaction.message_id') } });
  });
});

describe('click-to-chat QR codes (message_qrdls)', () => {
  const qr = (method: 'GET' | 'POST' | 'DELETE', path = '', payload?: Record<string, unknown>, query = '') =>
    sim.app.inject({ method, url: `/v23.0/${PHONE_ID}/message_qrdls${path}${query}`, headers: AUTH, ...(payload ? { payload } : {}) });

  it('creates, lists, reads, updates and deletes a code with Meta\'s shapes', async () => {
    build();
    const created = await qr('POST', '', { prefilled_message: 'Hi, I want the Diwali offer', generate_qr_image: 'SVG' });
    expect(created.statusCode).toBe(200);
    const c = created.json();
    expect(c).toEqual({ code: expect.stringMatching(/^[A-Z2-7]{14}$/), prefilled_message: 'Hi, I want the Diwali offer', deep_link_url: `https://wa.me/message/${c.code}`, qr_image_url: expect.stringMatching(new RegExp(`/_sim/qr/${c.code}\\.svg$`)) });
    const image = await sim.app.inject({ method: 'GET', url: new URL(c.qr_image_url).pathname });
    expect(image.headers['content-type']).toContain('image/svg+xml');
    expect(image.body).toContain('<svg');

    // whatsapp-api-js passes the parameters in the query string, lowercase format.
    const second = (await qr('POST', '', undefined, '?generate_qr_image=png&prefilled_message=Hello')).json();
    expect(second.qr_image_url).toMatch(/\.png$/);
    expect((await qr('GET')).json().data.map((d: { code: string }) => d.code)).toEqual([c.code, second.code]);
    expect((await qr('GET', `/${c.code}`)).json()).toEqual({ data: [{ code: c.code, prefilled_message: 'Hi, I want the Diwali offer', deep_link_url: c.deep_link_url }] });

    // Update by code in the body (Meta's reference) or in the path (whatsapp-api-js): the code and link stay.
    const updated = (await qr('POST', '', { code: c.code, prefilled_message: 'Redeem my coupon' })).json();
    expect(updated).toMatchObject({ code: c.code, deep_link_url: c.deep_link_url, prefilled_message: 'Redeem my coupon' });
    expect((await qr('POST', `/${second.code}`, { prefilled_message: 'Hola' })).json()).toMatchObject({ code: second.code, prefilled_message: 'Hola' });

    expect((await qr('DELETE', `/${c.code}`)).json()).toEqual({ success: true });
    expect((await qr('GET')).json().data).toHaveLength(1);
    const gone = await qr('GET', `/${c.code}`);
    expect(gone.statusCode).toBe(400);
    expect(graphError(gone)).toMatchObject({ code: 100, error_data: { details: expect.stringContaining(c.code) } });
  });

  it('refuses a missing or too long message, a bad format, a foreign number and no token', async () => {
    build();
    expect(graphError(await qr('POST', '', { generate_qr_image: 'PNG' })).message).toContain('prefilled_message is required');
    expect(graphError(await qr('POST', '', { prefilled_message: 'x'.repeat(141) })).error_data?.details).toContain('140');
    expect(graphError(await qr('POST', '', { prefilled_message: 'hi', generate_qr_image: 'GIF' })).message).toContain('generate_qr_image');
    expect(graphError(await qr('POST', '', { code: 'NOPE', prefilled_message: 'hi' })).error_data?.details).toContain('NOPE');
    const foreign = await sim.app.inject({ method: 'GET', url: `/v23.0/${WABA_ID}/message_qrdls`, headers: AUTH });
    expect(graphError(foreign)).toMatchObject({ code: 100, error_subcode: 33 });
    expect((await sim.app.inject({ method: 'GET', url: `/v23.0/${PHONE_ID}/message_qrdls` })).statusCode).toBe(401);
  });

  it('the Cloud API adapter drives them against the simulator on loopback', async () => {
    build();
    const base = await sim.listen(0);
    // The simulator on loopback is allowed as an operator would (GREENLIST_GRAPH_ALLOWED_ORIGINS).
    const client = createCloudApiClient({ timeoutMs: 5000, outbound: createOutboundFetch({ allowed: parseAllowedOrigins(base), reach: 'graph' }) });
    const creds = { phoneNumberId: PHONE_ID, wabaId: WABA_ID, accessToken: 'sim-access-token', apiBaseUrl: base, apiVersion: 'v23.0' };
    const made = await client.upsertQrCode(creds, { prefilledMessage: 'JOIN offers', imageFormat: 'png' });
    expect(made).toEqual({ code: expect.any(String), prefilledMessage: 'JOIN offers', deepLinkUrl: `https://wa.me/message/${made.code}`, qrImageUrl: expect.stringContaining(`${made.code}.png`) });
    const png = Buffer.from(await (await fetch(made.qrImageUrl!)).arrayBuffer());
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(await client.upsertQrCode(creds, { code: made.code, prefilledMessage: 'JOIN news' })).toMatchObject({ code: made.code, prefilledMessage: 'JOIN news' });
    expect((await client.listQrCodes(creds)).map((q) => q.prefilledMessage)).toEqual(['JOIN news']);
    expect(await client.listQrCodes(creds, made.code)).toHaveLength(1);
    await client.deleteQrCode(creds, made.code);
    expect(await client.listQrCodes(creds)).toEqual([]);
    await expect(client.deleteQrCode(creds, made.code)).rejects.toMatchObject({ code: 'WHATSAPP_REQUEST_INVALID' });
  });
});

describe('business-scoped user ids (usernames)', () => {
  const BSUID = 'US.13491208655302741918';
  const bodies = () => sim.webhookLog().map((d) => JSON.parse(d.body) as { entry: { changes: { value: Record<string, unknown[]> }[] }[] });
  const values = () => bodies().map((b) => b.entry[0]!.changes[0]!.value);

  it('a username user writes with from_user_id and no from; contacts carry user_id and the username, no wa_id', async () => {
    build();
    const res = sim.inbound({ user_id: BSUID, username: '@ann.k', name: 'Ann', text: 'hi' });
    expect(res).toMatchObject({ user_id: BSUID });
    expect(res.wa_id).toBeUndefined();
    await clock.advance(1000);
    const v = values()[0]!;
    expect(v.messages![0]).toMatchObject({ from_user_id: BSUID, type: 'text', text: { body: 'hi' } });
    expect(v.messages![0]).not.toHaveProperty('from');
    expect(v.contacts![0]).toEqual({ profile: { name: 'Ann', username: '@ann.k' }, user_id: BSUID });
  });

  it('sends addressed by recipient (BSUID) are accepted: contacts[].user_id, statuses with recipient_user_id', async () => {
    build();
    const inbound = sim.inbound({ user_id: BSUID, text: 'hi' });
    const res = await sendMessage(sim, { recipient: BSUID, type: 'text', text: { body: 'hello Ann' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().contacts).toEqual([{ input: BSUID, user_id: BSUID }]);
    const wamid = res.json().messages[0].id as string;
    const react = await sendMessage(sim, { recipient: BSUID, type: 'reaction', reaction: { message_id: inbound.wamid, emoji: '👍' } });
    await clock.advance(10 * 60_000);
    const statuses = values().flatMap((v) => (v.statuses ?? []) as Record<string, unknown>[]);
    const mine = statuses.filter((s) => s.id === wamid);
    expect(mine.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    for (const s of mine) {
      expect(s.recipient_user_id).toBe(BSUID);
      expect(s).not.toHaveProperty('recipient_id');
    }
    expect(statuses.filter((s) => s.id === react.json().messages[0].id).map((s) => s.status)).toEqual(['sent']);
    expect(sim.sent(BSUID).map((r) => r.wamid)).toContain(wamid);
  });

  it('refuses a malformed recipient or none, and prefers to when both are given', async () => {
    build();
    const bad = await sendMessage(sim, { recipient: 'not-a-bsuid', type: 'text', text: { body: 'x' } });
    expect(bad.statusCode).toBe(400);
    expect(graphError(bad)).toMatchObject({ code: 100, error_data: { details: expect.stringContaining('recipient') } });
    const none = await sendMessage(sim, { type: 'text', text: { body: 'x' } });
    expect(graphError(none)).toMatchObject({ code: 100, error_data: { details: expect.stringContaining('recipient') } });
    sim.inbound({ from: USER, text: 'hi' });
    const both = await sendMessage(sim, { to: USER, recipient: BSUID, type: 'text', text: { body: 'x' } });
    expect(both.json().contacts).toEqual([{ input: USER, wa_id: USER }]);
  });

  it('the service window of a username user is keyed by the BSUID: no inbound, no free-form message', async () => {
    build();
    const res = await sendMessage(sim, { recipient: BSUID, type: 'text', text: { body: 'cold' } });
    await clock.advance(60_000);
    expect(statusesOf(sim, res.json().messages[0].id).errorCode).toBe(131047);
  });
});
