import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { signatureStats } from '../src/adapters/whatsapp/signature.js';
import { parseWebhook } from '../src/adapters/whatsapp/webhook-parse.js';
import { silentLogger } from '../src/lib/logger.js';
import { processPendingWebhooks, purgeProcessedWebhooks, PUT_ASIDE } from '../src/modules/inbound/index.js';
import { DEFAULT_NUMBER, signSha256 } from '../src/simulator/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { messagesEnvelope, metaJson, sign, statusValue, textMessage } from './helpers/webhooks.js';

// Webhook tenancy and flood cases from the security review (issue 13, items 1, 5 and 12): one
// workspace must never block or forge another's webhooks, and bad signatures must stay cheap.
let t: TestApp;
let A: Awaited<ReturnType<TestApp['tenant']>>;
let B: Awaited<ReturnType<TestApp['tenant']>>;
// A holds the WABA id every sandbox install shares, the easiest one to guess.
const NA = { phoneNumberId: '1165403522', wabaId: DEFAULT_NUMBER.wabaId, secret: 'app-secret-of-a' };
const NB = { phoneNumberId: '2165403522', wabaId: '2122901293', secret: 'app-secret-of-b' };

function connectBody(n: { phoneNumberId: string; wabaId: string; secret: string }) {
  return { phone_number_id: n.phoneNumberId, waba_id: n.wabaId, display_number: '+1 555 010 0000', access_token: `EAAG-${n.secret}`, app_secret: n.secret, verify_token: `verify-${n.secret}`, api_base_url: 'http://127.0.0.1:9' };
}

async function connect(key: string, n: { phoneNumberId: string; wabaId: string; secret: string }) {
  return t.call(key, { method: 'POST', url: '/api/v1/phone-numbers', payload: connectBody(n) });
}

function post(body: string | Buffer, signature: string | undefined, remoteAddress = '127.0.0.1') {
  return t.app.inject({ method: 'POST', url: '/webhooks/whatsapp', remoteAddress, headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) }, payload: body });
}

const log = silentLogger();
const drain = async () => {
  while ((await processPendingWebhooks({ db: t.db, parse: parseWebhook, log, now: new Date() })) > 0);
};
const suppressed = async (workspaceId: string) => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from suppressions where workspace_id = ${workspaceId}`))[0]!.n;

beforeAll(async () => {
  t = await createTestApp();
  A = await t.tenant('sec-a');
  B = await t.tenant('sec-b');
  expect((await connect(A.key, NA)).statusCode).toBe(201);
  expect((await connect(B.key, NB)).statusCode).toBe(201);
});
afterAll(() => t.close());

describe('webhook tenancy', () => {
  it("refuses connecting another workspace's WABA id with a different app secret (409 naming waba_id)", async () => {
    const res = await connect(B.key, { phoneNumberId: '2165403523', wabaId: NA.wabaId, secret: NB.secret });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'WABA_ID_TAKEN', details: { field: 'waba_id' } });
    expect(res.json().error.message).toMatch(/^waba_id: /);
    // Moving an existing number onto it is refused the same way.
    const mine = (await t.call(B.key, { method: 'GET', url: '/api/v1/phone-numbers' })).json().data[0].id as string;
    const patch = await t.call(B.key, { method: 'PATCH', url: `/api/v1/phone-numbers/${mine}`, payload: { waba_id: NA.wabaId } });
    expect(patch.statusCode).toBe(409);
    expect(patch.json().error.code).toBe('WABA_ID_TAKEN');
    // A phone-number id is unique everywhere.
    const dup = await connect(B.key, { ...NA });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatchObject({ code: 'PHONE_NUMBER_TAKEN', details: { field: 'phone_number_id' } });
  });

  it('accepts the same WABA id in another workspace when the same app secret proves ownership', async () => {
    const C = await t.tenant('sec-c');
    const res = await connect(C.key, { phoneNumberId: '3165403522', wabaId: NA.wabaId, secret: NA.secret });
    expect(res.statusCode).toBe(201);
    await t.call(C.key, { method: 'DELETE', url: `/api/v1/phone-numbers/${res.json().id}` });
  });

  it("never lets another workspace's claim on a WABA veto a delivery: A's STOP still lands", async () => {
    // A claim made before the connect check existed: B holds A's WABA id with B's own secret.
    await t.db.execute(sql`
      insert into phone_numbers (workspace_id, phone_number_id, waba_id, display_number, access_token_sealed, app_secret_sealed, verify_token_sealed, api_base_url, api_version)
      values (${B.workspaceId}, '2165403599', ${NA.wabaId}, '+1 555 010 0099', ${t.wiring.box.seal('EAAG-squatter')}, ${t.wiring.box.seal(NB.secret)}, ${t.wiring.box.seal('verify-squat')}, 'http://127.0.0.1:9', 'v23.0')`);
    t.wiring.webhooks.secrets.invalidate();
    const stop = metaJson(messagesEnvelope(NA, textMessage('16505550777', 'wamid.sec-stop', 'STOP', Math.floor(Date.now() / 1000))));
    const res = await post(stop, sign(stop, NA.secret));
    expect(res.statusCode).toBe(200);
    expect(await suppressed(A.workspaceId)).toBe(1);
    // WABA-level events (template status) are vouched for by any holder of the WABA with that secret.
    const tpl = metaJson({ object: 'whatsapp_business_account', entry: [{ id: NA.wabaId, time: 1750000000, changes: [{ field: 'message_template_status_update', value: { event: 'APPROVED', message_template_id: 1, message_template_name: 'x', message_template_language: 'en', reason: 'NONE' } }] }] });
    expect((await post(tpl, sign(tpl, NA.secret))).statusCode).toBe(200);
    await drain();
    expect(await suppressed(B.workspaceId)).toBe(0);
  });

  it("still refuses one app's secret signing events for another workspace's number, alone or mixed in", async () => {
    const forged = metaJson(messagesEnvelope(NA, textMessage('16505550778', 'wamid.sec-forged', 'STOP', 1750000000)));
    expect((await post(forged, sign(forged, NB.secret))).statusCode).toBe(401);
    const mixed = metaJson({
      object: 'whatsapp_business_account',
      entry: [
        (messagesEnvelope(NB, textMessage('16505550779', 'wamid.sec-own', 'hi', 1750000000)) as { entry: unknown[] }).entry[0],
        (messagesEnvelope(NA, textMessage('16505550779', 'wamid.sec-theirs', 'STOP', 1750000000)) as { entry: unknown[] }).entry[0],
      ],
    });
    const res = await post(mixed, sign(mixed, NB.secret));
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    expect(await suppressed(A.workspaceId)).toBe(1);
  });
});

describe('bad-signature floods', () => {
  const extra = Array.from({ length: 24 }, (_, i) => ({ phoneNumberId: `41654035${String(i).padStart(2, '0')}`, wabaId: `41229012${String(i).padStart(2, '0')}`, secret: `flood-secret-${i}` }));
  beforeAll(async () => {
    const F = await t.tenant('sec-flood');
    for (const n of extra) expect((await connect(F.key, n)).statusCode).toBe(201);
  });

  it('hashes a bad body once, only against the number it names, however many numbers are connected', async () => {
    const big = metaJson(messagesEnvelope(extra[3]!, textMessage('16505550780', 'wamid.flood', 'x'.repeat(1024 * 1024), 1750000000)));
    const before = { ...signatureStats };
    const res = await post(big, sign(big, 'not-the-secret'), '198.51.100.1');
    expect(res.statusCode).toBe(401);
    expect(signatureStats.hashes - before.hashes).toBe(1);
    // Naming no connected number, or numbers of two different apps: nothing to hash.
    const stranger = metaJson(messagesEnvelope({ phoneNumberId: '9999999999', wabaId: '9999999998' }, textMessage('16505550780', 'wamid.flood2', 'hi', 1750000000)));
    const two = metaJson({ object: 'whatsapp_business_account', entry: [0, 1].map((i) => (messagesEnvelope(extra[i]!, statusValue(`wamid.f${i}`, 'read', 1750000000)) as { entry: unknown[] }).entry[0]) });
    const mid = signatureStats.hashes;
    expect((await post(stranger, sign(stranger, 'x'), '198.51.100.1')).statusCode).toBe(401);
    expect((await post(two, sign(two, extra[0]!.secret), '198.51.100.1')).statusCode).toBe(401);
    expect(signatureStats.hashes - mid).toBe(0);
  });

  it('refuses a body over the cap before hashing it', async () => {
    const before = signatureStats.hashes;
    const huge = Buffer.alloc(4 * 1024 * 1024 + 10, 0x20);
    const res = await post(huge, sign(huge.toString(), extra[0]!.secret), '198.51.100.2');
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('BODY_TOO_LARGE');
    expect(signatureStats.hashes).toBe(before);
  });

  it('answers 429 in the envelope after 20 bad signatures from one IP, while signed bodies from it keep working', async () => {
    const ip = '203.0.113.7';
    const good = metaJson(messagesEnvelope(extra[5]!, statusValue('wamid.ok-after-flood', 'delivered', 1750000000)));
    const bad = sign(good, 'wrong-secret');
    for (let i = 0; i < 20; i++) expect((await post(good, bad, ip)).statusCode).toBe(401);
    const limited = await post(good, bad, ip);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toMatchObject({ code: 'RATE_LIMITED', details: { reason: 'webhook_signature_failures' } });
    expect(limited.json().error.details.retry_after_seconds).toBeGreaterThan(0);
    // A validly signed delivery from the same address is still stored.
    expect((await post(good, sign(good, extra[5]!.secret), ip)).statusCode).toBe(200);
    // A big body from the limited address is refused unread (no hashing at all).
    const before = signatureStats.hashes;
    const big = metaJson(messagesEnvelope(extra[5]!, textMessage('16505550781', 'wamid.big', 'y'.repeat(200 * 1024), 1750000000)));
    expect((await post(big, sign(big, 'nope'), ip)).statusCode).toBe(429);
    expect(signatureStats.hashes).toBe(before);
    // Other addresses are not affected.
    expect((await post(good, bad, '203.0.113.8')).statusCode).toBe(401);
  });
});

describe('undecodable values in a signed body (NUL, lone surrogate)', () => {
  it('stores every event, replaces the bad values, and keeps the body aside with the reason', async () => {
    const ts = Math.floor(Date.now() / 1000);
    const from = '16505550790';
    const value = {
      contacts: [{ profile: { name: 'Nu\u0000l' }, wa_id: from }],
      messages: [
        { from, id: 'wamid.sec-nul', timestamp: String(ts), type: 'text', text: { body: 'before\u0000after' } },
        { from, id: 'wamid.sec-lone', timestamp: String(ts), type: 'text', text: { body: 'half an emoji \ud83d' } },
        { from, id: 'wamid.sec-fine', timestamp: String(ts), type: 'text', text: { body: 'all good' } },
      ],
    };
    const body = metaJson(messagesEnvelope(NB, value));
    expect(body).toContain('\\u0000');
    expect(body).toContain('\\ud83d');
    expect((await post(body, sign(body, NB.secret))).statusCode).toBe(200);
    await drain();
    const msgs = await queryRows<{ wamid: string; body: string }>(t.db, sql`select wamid, body from messages where wa_id = ${from} order by wamid`);
    expect(Object.fromEntries(msgs.map((m) => [m.wamid, m.body]))).toEqual({ 'wamid.sec-fine': 'all good', 'wamid.sec-lone': 'half an emoji \uFFFD', 'wamid.sec-nul': 'before\uFFFDafter' });
    const [row] = await queryRows<{ id: number; status: string; last_error: string; raw: string }>(t.db, sql`select id, status, last_error, raw from webhook_events where raw like '%wamid.sec-nul%'`);
    expect(row!.status).toBe('processed');
    expect(row!.raw).toBe(body);
    expect(row!.last_error.startsWith(PUT_ASIDE)).toBe(true);
    expect(row!.last_error).toContain('NUL character at entry[0].changes[0].value.messages[0].text.body');
    expect(row!.last_error).toContain('lone UTF-16 surrogate at entry[0].changes[0].value.messages[1].text.body');
    // Kept past retention, unlike clean processed bodies.
    await purgeProcessedWebhooks(t.db, new Date(Date.now() + 30 * 24 * 3600_000));
    expect(await queryRows(t.db, sql`select 1 from webhook_events where id = ${row!.id}`)).toHaveLength(1);
  });

  it('stores a body with a raw NUL byte instead of failing the batch it was committed with', async () => {
    const from = '16505550791';
    const text = metaJson(messagesEnvelope(NB, textMessage(from, 'wamid.sec-rawnul', 'rawXnul', Math.floor(Date.now() / 1000))));
    const raw = Buffer.from(text.replace('rawXnul', 'raw\u0000nul'), 'utf8');
    expect(raw.includes(0)).toBe(true);
    const other = metaJson(messagesEnvelope(NB, textMessage(from, 'wamid.sec-neighbour', 'neighbour', Math.floor(Date.now() / 1000))));
    const [a, b] = await Promise.all([post(raw, signSha256(raw, NB.secret)), post(other, sign(other, NB.secret))]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    await drain();
    const msgs = await queryRows<{ wamid: string; body: string }>(t.db, sql`select wamid, body from messages where wa_id = ${from} order by wamid`);
    expect(msgs).toEqual([
      { wamid: 'wamid.sec-neighbour', body: 'neighbour' },
      { wamid: 'wamid.sec-rawnul', body: 'raw\uFFFDnul' },
    ]);
  });
});
